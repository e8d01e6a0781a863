"""Standard RDF → the records govcat can store, and a report of every record (ADR 0023).

`import_graph` is the one entry point (the CLI's `govcat import`, `POST /imports/standard`,
and a harvester of other registries build on it): it reads CPSV-AP 3, W3C ORG / CPOV and
DCAT-AP 3 (loaders.standard.cpsv, .org, .dcat) and govcat's own RDF, mints govcat IRIs by each
kind's pattern (catalog.kinds, ADR 0022), keeps a foreign record's IRI as `dct:source`, and
judges the records with govcat's rules, as every write is judged (SHACL and the domain's rules,
R-3 … R-20). A record that breaks a rule is taken out with what it lacks, and the rest is judged
again (a service whose duty was taken out now lacks its duty), until what is left passes: that
change set is what may be stored, in one atomic write (catalog.registry).

A supplement (`supplements`: a steward's statements about the file's IRIs, ADR 0023) is added
to the file's graph before anything is mapped; the report says, per record, which statements
came from it, and, for each record still lacking, the Turtle a supplement would add
(loaders.standard.template).

A record govcat already holds (same IRI: a profile export read back, or a foreign record
imported before) is updated with what the file carries and keeps what the file does not
carry: an import adds and corrects, it never erases (a profile carries less than govcat
holds, ADR 0006).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, RDF, SKOS
from rdflib.term import Node as Term

from catalog.access.principals import Forbidden
from catalog.changeset import ChangeSet, Origin, new_graph
from catalog.ontology import mapping
from catalog.problems import Problem
from catalog.registry import Registry
from catalog.vocab import CODE, CPSV, CV, ELI, GC
from loaders.rdf_files import normalized, unsound_statements
from loaders.standard import cpsv, dcat, org, template
from loaders.standard.common import Candidate, Context, short
from loaders.standard.report import ImportReport, LeftAside, Need, RecordReport

MAX_ROUNDS = 8  # each takes out what breaks a rule; a chain of records is a few deep

Check = Callable[[ChangeSet], list[Problem]]
Authorize = Callable[[ChangeSet], None]


@dataclass
class StandardImport:
    """What an import may store (`changeset`, empty when nothing is complete) and the report
    of every record of the file."""

    changeset: ChangeSet
    report: ImportReport


def import_graph(graph: Graph, source: str, registry: Registry, *, agency: str | None = None,
                 check: Check | None = None, authorize: Authorize | None = None,
                 supplements: Sequence[tuple[str, Graph]] = ()) -> StandardImport:
    """Map `graph` (read from `source`) to govcat's records: the change set of the records that
    have all govcat needs, and the per-record report. `agency`: the code of govcat's agency that
    owns the file's records (the file's top organisation, competent authority or publisher).
    `check` judges a change set (default: the registry's rules; the CLI and API pass the
    principal's Guard.check). `authorize` refuses a change set the caller may not write
    (Guard.authorize_changeset, R-20.1): each record is put to it alone, so a record of an
    agency the caller may not write is reported as such and the rest go on. `supplements`:
    (name, graph) of statements a steward adds about the file's IRIs, read as if the file
    held them (module docstring). Nothing is written here."""
    file, unsound = _sound(normalized(graph), source)
    sups = []
    for name, g in supplements:
        sound, found = _sound(normalized(g), name)
        sups.append((name, sound))
        unsound += found
    merged = Graph()
    for g in (file, *(g for _, g in sups)):
        for t in g:
            merged.add(t)
    ctx = Context(merged, registry.iris, registry, source, agency)
    cands = _candidates(ctx)
    report = ImportReport(source, supplements=[name for name, _ in sups])
    report.records = [c.report for c in cands]
    _supplied(cands, sups)
    report.problems += _left_out(cands, unsound)
    report.problems += _unknown_subjects(file, sups)
    report.left_aside = _left_aside(ctx, cands)
    if not cands:
        held = "; ".join(x.line().split(":")[0] for x in report.left_aside[:5])
        held = held or f"{len(graph)} statement(s) and no typed subject"
        report.problems.append(Problem(
            message_en="no record govcat holds or maps (CPSV-AP, W3C ORG / CPOV, DCAT-AP, "
                       f"govcat's own) was found in the file; it holds {held}",
            message_fa="در پرونده هیچ رکوردی که govcat نگه می‌دارد یا نگاشت می‌کند یافت نشد؛ "
                       f"آنچه دارد: {held}", source=source))
    for c in cands:
        _merge_stored(ctx, c)
    if authorize is not None:
        _authorize(ctx, [c for c in cands if not c.report.needs], authorize)
    cs = _settle(ctx, [c for c in cands if not c.report.needs], check or registry.check,
                 report)
    for c in cands:
        if not c.report.storable:
            c.report.template = template.lines(ctx, c)
    return StandardImport(cs, report)


def _shown(g: Graph, o: Term) -> str:
    if isinstance(o, Literal):
        return f"«{o}»" + (f"@{o.language}" if o.language else "")
    if isinstance(o, BNode):
        inner = "; ".join(f"{short(p)} {_shown(Graph(), x)}" for p, x in
                          sorted(g.predicate_objects(o), key=str))
        return f"[ {inner} ]"
    return short(o)


def _supplied(cands: list[Candidate], sups: list[tuple[str, Graph]]) -> None:
    """Per record, the statements about it a supplement gave (`dct:title «…»@fa (from S)`)."""
    for c in cands:
        for name, g in sups:
            for p, o in sorted(g.predicate_objects(c.node), key=str):
                c.report.supplied.append(f"{short(p)} {_shown(g, o)} (from {name})")


def _unknown_subjects(file: Graph, sups: list[tuple[str, Graph]]) -> list[Problem]:
    """A supplement's statements about an IRI neither the file nor the supplement's own
    records name: most often a mistyped IRI, which would otherwise complete nothing."""
    out = []
    for name, g in sups:
        for s in sorted({s for s in g.subjects() if isinstance(s, URIRef)}, key=str):
            if ((s, None, None) in file or (None, None, s) in file
                    or (s, RDF.type, None) in g or (None, None, s) in g):
                continue
            out.append(Problem(
                f"{name} speaks of {s}, which the file does not hold and no record names: "
                "check its IRI (a supplement completes the file's records)",
                f"{name} دربارهٔ {s} است که در پرونده نیست و رکوردی به آن اشاره نمی‌کند: "
                "نشانی آن را بررسی کنید", source=name, focus=str(s)))
    return out


def _authorize(ctx: Context, cands: list[Candidate], authorize: Authorize) -> None:
    for c in cands:
        cs = _changeset(ctx, [c])
        if not cs.subjects:
            continue
        try:
            authorize(cs)
        except Forbidden as exc:
            d = exc.denial
            c.need(d.message_en, d.message_fa, d.requirement)
            c.report.forbidden = True


def _sound(g: Graph, source: str) -> tuple[Graph, list[Problem]]:
    """`g` without its unsound statements (a term no store holds, an IRI that is not one by
    RFC 3987, ADR 0025), and their problems. Another registry's file is read record by record:
    one bad value is left out of its record and said, it does not refuse the file."""
    found = list(unsound_statements(g, source))
    for triple, _ in found:
        g.remove(triple)
    return g, [p for _, p in found]


def _left_out(cands: list[Candidate], problems: list[Problem]) -> list[Problem]:
    """Each left-out value said on its record; the problems of no record, for the run."""
    by_node = {str(c.node): c for c in cands}
    rest = []
    for p in problems:
        c = by_node.get(p.focus or "")
        if c is None:
            rest.append(p)
            continue
        req = f" [{p.requirement}]" if p.requirement else ""
        c.report.left_out.append(f"{p.column or 'a value'} «{p.value}»: {p.message_en}{req} | "
                                 f"{p.message_fa}")
    return rest


def _candidates(ctx: Context) -> list[Candidate]:
    natives = _natives(ctx)
    done = {c.node for c in natives}
    orgs = [o for o in org.organisations(ctx) if o not in done and not _publisher_of_govcat(
        ctx, o)]
    out = natives + org.map_organisations(ctx, orgs)
    done |= set(orgs)
    for nodes, fn in ((org.posts(ctx), org.map_post), (org.people(ctx), org.map_employee),
                      (cpsv.rules(ctx), cpsv.map_rule), (cpsv.services(ctx), cpsv.map_service),
                      (dcat.data_services(ctx), dcat.map_data_service),
                      (dcat.datasets(ctx), dcat.map_dataset)):
        for node in nodes:
            if node not in done:
                done.add(node)
                out.append(fn(ctx, node))
    return out


def _natives(ctx: Context) -> list[Candidate]:
    """govcat's own records (its export read back): one govcat class, under its base, only
    its ontology's properties, and owned (gc:agency) unless an agency or a legal resource."""
    mp = mapping()
    free = {mp.class_of["PublicOrganisation"], ELI.LegalResource}
    out = []
    for s in sorted({s for s in ctx.graph.subjects(RDF.type, None) if isinstance(s, URIRef)},
                    key=str):
        if str(s).startswith(CODE) or ctx.iris.path_of(str(s)) is None:
            continue
        types = list(ctx.graph.objects(s, RDF.type))
        if len(types) != 1 or types[0] not in mp.label_of:
            continue
        pairs = [(p, o) for p, o in ctx.graph.predicate_objects(s) if p != RDF.type]
        if any(mp.term(p) is None for p, _ in pairs):  # type: ignore[arg-type]
            continue
        if types[0] not in free and (s, GC.agency, None) not in ctx.graph:
            continue
        label = mp.label_of[types[0]]  # type: ignore[index]
        rep = RecordReport(str(s), ctx.label(s), short(types[0]), label, iri=str(s),
                           kept=["govcat's own record, kept as it is"])
        cand = Candidate(s, rep, [(s, p, o) for p, o in [(RDF.type, types[0]), *pairs]])  # type: ignore[misc]
        ctx.minted[s] = s
        if types[0] == mp.class_of["PublicOrganisation"]:
            code = ctx.iris.agency_code(str(s))
            if code:
                ctx.agency_code[s] = code
        out.append(cand)
    return out


def _publisher_of_govcat(ctx: Context, node: Term) -> bool:
    """The national publisher a profile export names (`{base}publisher`, ADR 0006): under
    govcat's base, but no agency of it, nor a unit (a supplement may add a unit by its govcat
    IRI, ADR 0023)."""
    path = ctx.iris.path_of(str(node))
    return (path is not None and ctx.iris.agency_code(str(node)) is None
            and ctx.govcat_keys(node, "units") is None
            and any(t in org.ORGANISATIONS for t in ctx.types(node)))


def _merge_stored(ctx: Context, cand: Candidate) -> None:
    """A record govcat holds keeps what the file does not carry (module docstring)."""
    if cand.native or cand.report.needs or cand.iri is None:
        return
    given = {p for _, p, _ in cand.triples}
    kept = [t for t in ctx.stored_triples(cand.iri) if t[1] not in given]
    if kept:
        cand.triples += kept
        names = sorted({short(p) for _, p, _ in kept if p != RDF.type})
        cand.report.kept.append("what govcat holds and the file does not carry: "
                                + ", ".join(names))


def _changeset(ctx: Context, cands: list[Candidate]) -> ChangeSet:
    cs = ChangeSet(graph=new_graph())
    for c in cands:
        if c.iri is None or (c.native and not c.triples):
            continue
        origin = Origin(ctx.source, sheet=c.report.kind)
        for t in c.triples:
            cs.graph.add(t)
        cs.subjects[c.iri] = origin
        for extra, triples in c.extra.items():
            for t in triples:
                cs.graph.add(t)
            cs.subjects.setdefault(extra, origin)
    return cs


def _settle(ctx: Context, alive: list[Candidate], check: Check,
            report: ImportReport) -> ChangeSet:
    """Judge, take out the records that break a rule, judge again (module docstring)."""
    for _ in range(MAX_ROUNDS):
        cs = _changeset(ctx, alive)
        problems = check(cs) if cs.subjects else []  # nothing to write: stand-ins only
        if not problems:
            for c in alive:
                c.report.storable = True
            return cs
        out, unplaced = _place(alive, problems)
        if unplaced and not out:  # no record to name: nothing of the file is stored
            report.problems += unplaced
            break
        alive = [c for c in alive if id(c) not in out]
    for c in alive:
        if not c.report.needs:
            c.report.needs.append(Need(
                "its records could not be judged apart from the others; see the file's "
                "problems", "رکوردهای آن جدا از دیگران سنجیده نشد؛ مشکلات پرونده را ببینید"))
    return ChangeSet()


def _place(alive: list[Candidate], problems: list[Problem]) -> tuple[set[int], list[Problem]]:
    """Each problem to the record it is about (its focus: the record, or a legal resource a
    duty defines); the records named, and the problems no record is named for."""
    by_iri: dict[str, list[Candidate]] = {}
    for c in alive:
        for iri in [c.iri, *c.extra]:
            if iri is not None:
                by_iri.setdefault(str(iri), []).append(c)
    out: set[int] = set()
    unplaced = []
    for p in problems:
        named = by_iri.get(p.focus or "", [])
        if not named:
            unplaced.append(p)
        for c in named:
            c.report.needs.append(Need.of(p))
            out.add(id(c))
    return out, unplaced


# Why the nodes of a class are not records of govcat (ImportReport.left_aside).
_WHY: dict[URIRef, tuple[str, str]] = {
    CV.Evidence: ("evidence a service asks for: govcat holds none",
                  "مدرکی که خدمت می‌خواهد: govcat آن را نگه نمی‌دارد"),
    CV.Requirement: ("requirements of a service: govcat holds none",
                     "شرایط خدمت: govcat آن را نگه نمی‌دارد"),
    CV.Output: ("outputs of a service: govcat holds none",
                "خروجی خدمت: govcat آن را نگه نمی‌دارد"),
    CV.Cost: ("costs: tariffs come with step 8 of the cycle (R-13); govcat holds none yet",
              "هزینه: تعرفه‌ها در گام ۸ چرخه می‌آیند (ماده ۱۳)؛ هنوز نگه داشته نمی‌شوند"),
    CV.Channel: ("channels: read as the delivery level of their service (R-9)",
                 "مجرای ارائه: به‌صورت سطح ارائه خدمت خوانده شد (ماده ۹)"),
    CV.Participation: ("participations: read as the delivering units and employees of their "
                       "service (R-4.3)", "مشارکت: به‌صورت واحد و کارمند ارائه‌دهنده خوانده شد"),
    CV.ContactPoint: ("contact points: govcat keeps none",
                      "نشانی تماس: govcat آن را نگه نمی‌دارد"),
    ELI.LegalResource: ("legal resources: read as the legal basis of the duties that implement "
                        "them (R-3.1)", "سند قانونی: به‌صورت مبنای قانونی وظایف خوانده شد"),
    CPSV.Rule: ("rules no service follows and that name no agency",
                "قاعده‌ای که هیچ خدمتی از آن پیروی نمی‌کند"),
    DCAT.Catalog: ("catalogs: containers; govcat lists datasets by agency",
                   "کاتالوگ: دربرگیرنده است؛ govcat مجموعه‌داده‌ها را به تفکیک دستگاه فهرست می‌کند"),
    DCAT.Distribution: ("distributions: read for the data service that serves their dataset",
                        "توزیع: برای سامانهٔ ارائه‌دهندهٔ مجموعه‌داده خوانده شد"),
    DCAT.CatalogRecord: ("catalog records: harvesting bookkeeping",
                         "رکورد کاتالوگ: دفترداری برداشت"),
    DCAT.Dataset: ("containers of public services (CPSV-AP's public service dataset)",
                   "دربرگیرندهٔ خدمات عمومی (مجموعه‌دادهٔ خدمات CPSV-AP)"),
    SKOS.Concept: ("concepts: read as values where a property maps them; govcat's code lists "
                   "come from its ontology", "مفهوم: در جایی که ویژگی نگاشت می‌شود خوانده شد"),
    SKOS.ConceptScheme: ("concept schemes", "فهرست‌های کد"),
    ORG.Membership: ("memberships: govcat records who holds which post (org:holds)",
                     "عضویت: govcat متصدی هر پست را ثبت می‌کند (org:holds)"),
    ORG.Role: ("roles: govcat keeps posts, not roles", "نقش: govcat پست را نگه می‌دارد"),
    ORG.Site: ("sites: govcat keeps no addresses", "محل: govcat نشانی نگه نمی‌دارد"),
    FOAF.Person: ("people who hold no post: govcat knows a person only as the holder of a "
                  "post (R-4.3)", "افرادی که متصدی پستی نیستند"),
    DCTERMS.Agent: ("agents that are not organisations of the file",
                    "کنشگرانی که سازمانی از پرونده نیستند"),
    FOAF.Agent: ("agents that are not organisations of the file",
                 "کنشگرانی که سازمانی از پرونده نیستند"),
}
_DEFAULT_WHY = ("govcat holds no record of this class", "govcat رکوردی از این رده نگه نمی‌دارد")


_PUBLISHER = ("govcat's national publisher of its profile exports (ADR 0006), not a record",
              "ناشر ملی برون‌دادهای استاندارد govcat، نه رکورد")


def _left_aside(ctx: Context, cands: list[Candidate]) -> list[LeftAside]:
    taken = {c.node for c in cands}
    counts: Counter[tuple[Term, tuple[str, str]]] = Counter()
    for s, cls in ctx.graph.subject_objects(RDF.type):
        if s in taken or str(s).startswith(CODE):
            continue
        why = _PUBLISHER if _publisher_of_govcat(ctx, s) else _WHY.get(
            cls, _DEFAULT_WHY)  # type: ignore[call-overload]
        counts[(cls, why)] += 1
    return [LeftAside(short(cls), n, en, fa) for (cls, (en, fa)), n in
            sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0][0])))]
