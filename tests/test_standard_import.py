"""Standard RDF in (ADR 0023): CPSV-AP 3, W3C ORG / CPOV and DCAT-AP 3 files mapped to govcat's
records, one report per record, the complete records stored and the rest listed with what they
lack (R-3.1, R-4.1, R-4.3, R-10.1, R-20.1); govcat's own RDF and both profile exports import
back to the same catalog; public files of other registries are read with one report each. On
FalkorDB and on Neo4j (the `registry` fixture)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, ORG, RDF
from typer.testing import CliRunner

from catalog.access.principals import Principal, Role
from catalog.profiles import export_profile, serialize_profile
from catalog.registry import Registry
from catalog.serialize import serialize
from catalog.vocab import ADMS, CPSV, CV, GC
from cli.demo import install_cycle, install_legacy
from cli.main import app
from loaders.standard import ImportReport, RecordReport, import_graph, read_standard
from loaders.standard.template import supplement_template
from loaders.submission import read_submission
from tests.support.auth import client_as
from tests.support.cli import installations
from tests.workbooks import load_valid, two_agencies, write_workbook

DATA = Path(__file__).resolve().parent / "data"
REG_FILE = DATA / "standard-registry-reg.ttl"
PUBLIC = DATA / "public"
DEMO = Path(__file__).resolve().parent.parent / "demo" / "govcat-demo.xlsx"
R = "https://registry.reg.example/"
PARSE = {"ttl": "turtle", "jsonld": "json-ld"}


def _by_source(report: ImportReport) -> dict[str, RecordReport]:
    return {r.source_iri: r for r in report.records}


def _needs(record: RecordReport) -> str:
    return " | ".join(f"{n.message_en} [{n.requirement}]" for n in record.needs)


def _left(report: ImportReport) -> dict[str, int]:
    return {x.cls: x.count for x in report.left_aside}


# -- a registry in the standards: the complete records stored, the rest reported ---------------

def test_complete_records_are_stored_and_the_rest_reported(registry: Registry,
                                                           tmp_path: Path) -> None:
    load_valid(registry, tmp_path / "base.xlsx", two_agencies())
    run = read_standard(REG_FILE, registry, agency="REG")
    report, records = run.report, _by_source(run.report)
    assert report.problems == []
    lacking = {r.source_iri for r in report.lacking}
    assert lacking == {R + "service-92", R + "dataset-2"}, report.lines()
    # Each record lacking says what, with the requirement: a Persian title; a holding system.
    assert "Persian" in _needs(records[R + "service-92"])
    assert all(n.requirement for n in records[R + "service-92"].needs)
    assert "R-10.1" in _needs(records[R + "dataset-2"])
    # What was mapped and what govcat does not hold, per record; unknown terms are reported.
    s91 = records[R + "service-91"]
    assert s91.iri == registry.iris.base + "agency/REG/service/S91" and s91.storable
    assert any("ex:internalCode" in x or "internalCode" in x for x in s91.not_held)
    assert any("@de" in x for x in s91.not_held)
    assert records[R + "org"].kept[0].startswith("it is govcat's agency REG")
    assert _left(report) == {"m8g:Cost": 1, "m8g:Evidence": 1, "m8g:Channel": 1,
                             "m8g:Participation": 1, "eli:LegalResource": 1, "dcat:Catalog": 1}
    # The CLI and API lines name the record they are about: its IRI and label.
    text = "\n".join(report.lines())
    assert f"{R}service-92 «Marriage registration»" in text

    outcome = registry.apply_checked(run.changeset)
    assert outcome.by_label == {"OrganizationalUnit": 1, "Post": 1, "Employee": 1, "Duty": 1,
                                "LegalResource": 1, "PublicService": 1,
                                "InformationSystem": 1, "Dataset": 1}
    g = registry.export("REG")
    s = URIRef(s91.iri)
    base = registry.iris.base
    assert (s, DCTERMS.source, None) in g and str(g.value(s, DCTERMS.source)) == R + "service-91"
    assert (s, GC.deliveringUnit, URIRef(base + "unit/U-REG-7")) in g
    assert (s, GC.deliveringEmployee, URIRef(base + "employee/E-REG-700")) in g
    assert (s, CPSV.follows, URIRef(base + "agency/REG/duty/D9")) in g
    assert str(g.value(s, GC.deliveryLevel)).endswith("/electronic")
    ds = URIRef(base + "agency/REG/dataset/DS-DEATH")
    assert g.value(ds, GC.heldIn) == URIRef(base + "agency/REG/system/IS-DEATH")
    assert str(g.value(ds, DCTERMS.accessRights)).endswith("/confidential")
    assert str(g.value(ds, DCTERMS.accrualPeriodicity)).endswith("/daily")
    assert (URIRef(base + "agency/REG/service/S92"), None, None) not in g

    again = read_standard(REG_FILE, registry, agency="REG")  # the same file: nothing changes
    assert {r.source_iri for r in again.report.lacking} == lacking
    assert registry.apply_checked(again.changeset).stored == 0


def test_a_value_that_is_not_an_iri_is_left_out_of_its_record_not_the_file(
        registry: Registry, tmp_path: Path) -> None:
    """Another registry's bad value (ADR 0025: RFC 3987) costs that value, said on its record;
    the file's other records are read and stored as without it."""
    load_valid(registry, tmp_path / "base.xlsx", two_agencies())
    bad = tmp_path / "registry.ttl"
    text = REG_FILE.read_text(encoding="utf-8")
    good = "<https://death.registry.reg.example>"
    assert good in text
    bad.write_text(text.replace(good, "<https://death.registry.reg.example/{id}>"),
                   encoding="utf-8")
    run = read_standard(bad, registry, agency="REG")
    records = _by_source(run.report)
    assert run.report.problems == []
    said = records[R + "system-1"].left_out
    assert len(said) == 1 and "{id}" in said[0] and "RFC 3987" in said[0], said
    assert "left out: " in "\n".join(run.report.lines())
    assert records[R + "service-91"].storable
    registry.apply_checked(run.changeset)
    system = URIRef(registry.iris.base + "agency/REG/system/IS-DEATH")
    g = registry.export("REG")
    assert (system, None, None) in g
    assert not any("{id}" in str(o) for o in g.objects(system, None))


def test_without_the_agency_an_org_chart_is_not_mistaken_for_a_stored_agency(
        registry: Registry, tmp_path: Path) -> None:
    load_valid(registry, tmp_path / "base.xlsx", two_agencies())
    report = read_standard(REG_FILE, registry).report
    org = _by_source(report)[R + "org"]
    # Its last IRI segment gives the code `org`: a new agency, lacking its kind.
    assert not org.storable and "R-20.1" in _needs(org)
    assert not _by_source(report)[R + "service-91"].storable


def test_api_reports_per_record(registry: Registry, tmp_path: Path) -> None:
    load_valid(registry, tmp_path / "base.xlsx", two_agencies())
    client = client_as(registry, Principal("steward-reg", Role.STEWARD, agency="REG"))
    answer = client.post("/imports/standard?agency=REG", content=REG_FILE.read_bytes(),
                         headers={"content-type": "text/turtle"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["stored"] == 8
    lacking = {r["record"]: r for r in body["report"]["records"] if not r["storable"]}
    assert set(lacking) == {R + "service-92", R + "dataset-2"}
    assert lacking[R + "service-92"]["label"] == "Marriage registration"
    assert lacking[R + "service-92"]["needs"][0]["message_fa"]
    # A file nothing of which is storable: 422 (403 when it is another agency's, R-20.1);
    # the report names each record.
    cpov = (PUBLIC / "semic-cpov-public-organisation.ttl").read_bytes()
    refused = client.post("/imports/standard", content=cpov,
                          headers={"content-type": "text/turtle"})
    assert refused.status_code == 403 and refused.json()["requirement"] == "R-20.1"
    [po] = refused.json()["report"]["records"]
    assert po["record"] == "http://example.com/po" and po["forbidden"] and po["needs"]
    admin = client_as(registry, Principal("admin", Role.ADMIN))
    refused = admin.post("/imports/standard", content=cpov,
                         headers={"content-type": "text/turtle"})
    assert refused.status_code == 422
    [po] = refused.json()["report"]["records"]
    assert "Persian" in " ".join(n["message_en"] for n in po["needs"])
    known = client.post("/imports/standard?agency=REG", content=cpov,
                        headers={"content-type": "text/turtle"})
    assert known.status_code == 200 and known.json()["stored"] == 0
    broken = client.post("/imports/standard", content=b"<a> <b> .",
                         headers={"content-type": "text/turtle"})
    assert broken.status_code == 422 and broken.json()["report"]["problems"]


# -- govcat's own exports come back as the same catalog --------------------------------------

@pytest.fixture
def demo_registry(registry: Registry) -> Registry:
    sub = read_submission(DEMO, registry)
    assert [str(p) for p in sub.problems] == []
    registry.apply_checked(sub.changeset)
    install_cycle(registry)
    install_legacy(registry, DEMO.with_name("legacy-ids.csv"))
    return registry


def _carried(g: Graph, registry: Registry, profile: str) -> set[str]:
    """The records a profile export carries: services, rules (duties) and agencies
    (CPSV-AP); datasets (not CPSV-AP's containers) and data services (DCAT-AP)."""
    classes = ((CPSV.PublicService, CPSV.Rule, CV.PublicOrganisation) if profile == "cpsv-ap"
               else (DCAT.Dataset, DCAT.DataService, CV.PublicOrganisation))
    found = {str(s) for c in classes for s in g.subjects(RDF.type, c)
             if (s, DCTERMS.hasPart, None) not in g}
    return {s for s in found if registry.iris.path_of(s) is not None
            and registry.iris.path_of(s) != "publisher"}


def test_own_exports_and_profiles_round_trip(demo_registry: Registry) -> None:
    """govcat's own RDF (Turtle, JSON-LD) and both profiles (national and one agency's) import
    back into the catalog they came from: every record they carry maps to its own IRI with the
    values it carries, so nothing changes; what a profile does not carry (deliverers, duty
    statuses and IDs, flows, …) is kept (ADR 0023)."""
    reg = demo_registry
    before = reg.export()
    for fmt, parser in PARSE.items():
        g = Graph().parse(data=serialize(before, fmt), format=parser)
        run = import_graph(g, f"export.{fmt}", reg)
        assert run.report.lacking == [], "\n".join(run.report.lines())
        assert all(r.iri == r.source_iri for r in run.report.records)
        assert reg.apply_checked(run.changeset).stored == 0
    for profile in ("cpsv-ap", "dcat-ap"):
        for agency in (None, "SABT"):
            first = export_profile(reg, profile, agency)
            g = Graph().parse(data=serialize_profile(first, "ttl"), format="turtle")
            run = import_graph(g, f"{profile}.ttl", reg)
            report = run.report
            assert report.lacking == [], "\n".join(report.lines())
            mapped = {r.iri for r in report.records if r.storable and r.iri == r.source_iri}
            carried = _carried(first, reg, profile)
            assert carried and carried <= mapped, carried - mapped
            outcome = reg.apply_checked(run.changeset)
            assert outcome.stored == 0, (profile, agency, outcome)
            assert export_profile(reg, profile, agency).isomorphic(first)
    assert reg.export().isomorphic(before)
    # A value the profile carries, changed in it, comes back; what it does not carry stays.
    # (A draft service: an approved one's change waits for its step's body, ADR 0015.)
    national = export_profile(reg, "cpsv-ap")
    service = sorted((s for s in national.subjects(RDF.type, CPSV.PublicService)
                      if str(national.value(s, ADMS.status)).endswith("/draft")), key=str)[0]
    for lit in list(national.objects(service, DCTERMS.title)):
        if isinstance(lit, Literal) and lit.language == "en":
            national.remove((service, DCTERMS.title, lit))
    national.add((service, DCTERMS.title, Literal("Renamed in the registry", lang="en")))
    run = import_graph(national, "cpsv-ap.ttl", reg)
    assert reg.apply_checked(run.changeset).stored == 1
    after = reg.export()
    assert Literal("Renamed in the registry", lang="en") in set(
        after.objects(service, DCTERMS.title))
    for p in (GC.deliveringEmployee, GC.serviceId, GC.legacyId, CPSV.follows):
        assert set(after.objects(service, p)) == set(before.objects(service, p)), p


# -- public files of other registries ----------------------------------------------------------

def test_public_files_are_reported_record_by_record(registry: Registry, tmp_path: Path
                                                    ) -> None:
    """Files of other registries (tests/data/public/README.md): one report each, every record
    by its IRI; none holds a Persian title, so none is storable: a true finding, said per
    record with the requirement. Named as an agency govcat holds (--agency), the CPOV
    organisation is recognised as it and nothing of it is rewritten."""
    load_valid(registry, tmp_path / "base.xlsx", two_agencies())
    before = registry.counts()
    fdk = read_standard(PUBLIC / "fdk-public-service0.ttl", registry).report
    svc = _by_source(fdk)["http://public-service-publisher.fellesdatakatalog.digdir.no/"
                          "services/1"]
    assert not svc.storable and "Persian" in _needs(svc) and "R-4.3" in _needs(svc)
    assert _left(fdk)["m8g:Cost"] == 2 and _left(fdk)["m8g:Evidence"] == 1
    for name in ("fdk-dataservice0.ttl", "semic-cpsv-ap-public-service.ttl",
                 "semic-cpov-public-organisation.ttl"):
        report = read_standard(PUBLIC / name, registry).report
        assert report.records and report.storable == [], name
        assert all(r.needs for r in report.records), name
    cpov = read_standard(PUBLIC / "semic-cpov-public-organisation.ttl", registry,
                         agency="REG")
    [po] = cpov.report.records
    assert po.storable and po.iri == registry.iris.base + "agency/REG"
    assert registry.apply_checked(cpov.changeset).stored == 0
    assert registry.counts() == before


def test_cli_import(tmp_path: Path) -> None:
    with installations(tmp_path, "https://govcat.test/id/", "one") as [env]:
        runner = CliRunner()
        book = write_workbook(tmp_path / "base.xlsx", two_agencies())
        assert runner.invoke(app, ["load", str(book)], env=env).exit_code == 0
        dry = runner.invoke(app, ["import", str(REG_FILE), "--agency", "REG", "--dry-run"],
                            env=env)
        assert dry.exit_code == 1, dry.output
        assert f"{R}service-92 «Marriage registration»" in dry.output
        assert "dry run: 8 record(s) storable" in dry.output
        done = runner.invoke(app, ["import", str(REG_FILE), "--agency", "REG"], env=env)
        assert done.exit_code == 1 and "stored 8 record(s)" in done.output, done.output


# -- supplements: what a steward adds beside a published file (--with) ---------------------

# The public files as published (tests/data/public/README.md): a supplement completes them,
# they are never edited to pass.
PUBLISHED = {
    "fdk-dataservice0.ttl": "aebb8809d41c565683c4d3d68f762f35d86597d7dd79625fc9b7f1ed073df685",
    "fdk-public-service0.ttl":
        "94490ce59e035e8b522b5cae738dd8d2a7a254be52a74164a26aa0f8c8b8e686",
    "semic-cpov-public-organisation.ttl":
        "e8d695f9fca1057b8af82633f870a662c80d49392df94c0ed78fe2e610ca7c76",
    "semic-cpsv-ap-public-service.ttl":
        "5f14de7936ae8be6c0f43904bd93ffdbcf8e7d55d1a707bb50e52402e1847906",
}
EX = "http://example.com/"
FDK = "http://public-service-publisher.fellesdatakatalog.digdir.no/"
DIGDIR = "https://organization-catalog.fellesdatakatalog.digdir.no/organizations/123456789"


def _public(name: str) -> Path:
    path = PUBLIC / name
    assert hashlib.sha256(path.read_bytes()).hexdigest() == PUBLISHED[name], name
    return path


def _source(g: Graph, iri: str) -> str:
    return str(g.value(URIRef(iri), DCTERMS.source))


def test_supplements_complete_the_semic_examples(registry: Registry, tmp_path: Path) -> None:
    """The SEMIC CPOV and CPSV-AP examples, unchanged, with a supplement each (ADR 0023): the
    CPOV organisation becomes agency FIN (its code, Persian name and kind supplied, R-20.1);
    the CPSV-AP service, imported as FIN's, gets its Persian title, a duty with its legal
    basis and who delivers it (R-3.1, R-4.1, R-4.3). Every record is stored with its foreign
    IRI kept (dct:source), and the report says which values came from the supplement."""
    load_valid(registry, tmp_path / "base.xlsx", two_agencies())
    base = registry.iris.base
    cpov = read_standard(_public("semic-cpov-public-organisation.ttl"), registry,
                         supplements=[DATA / "supplement-semic-cpov.ttl"])
    [po] = cpov.report.records
    assert po.storable and po.iri == base + "agency/FIN", "\n".join(cpov.report.lines())
    assert "skos:prefLabel «سرویس عمومی فدرال دارایی»@fa (from supplement-semic-cpov.ttl)" \
        in po.supplied
    assert cpov.report.supplements == ["supplement-semic-cpov.ttl"]
    assert registry.apply_checked(cpov.changeset).by_label == {"PublicOrganisation": 1}

    run = read_standard(_public("semic-cpsv-ap-public-service.ttl"), registry, agency="FIN",
                        supplements=[DATA / "supplement-semic-cpsv-ap.ttl"])
    report = run.report
    assert report.lacking == [] and report.problems == [], "\n".join(report.lines())
    service = _by_source(report)[EX + "publicService1"]
    assert service.iri == base + "agency/FIN/service/Tax-on-web"
    assert any(s.startswith("dct:title «اظهارنامهٔ برخط") and "(from supplement-semic-cpsv-ap"
               in s for s in service.supplied), service.supplied
    assert not any("Tax-on-web" in s for s in service.supplied)  # the file's own title
    assert "\n".join(report.lines()).count("supplied: ") >= 8
    outcome = registry.apply_checked(run.changeset)
    assert outcome.by_label == {"PublicService": 1, "Duty": 1, "LegalResource": 1,
                                "OrganizationalUnit": 1, "Post": 1, "Employee": 1}
    g = registry.export("FIN")
    s = URIRef(service.iri)
    assert _source(g, base + "agency/FIN") == EX + "po"
    assert str(g.value(URIRef(base + "agency/FIN"), ORG.classification)).endswith("/ministry")
    assert _source(g, service.iri) == EX + "publicService1"
    assert Literal("اظهارنامهٔ برخط مالیات بر درآمد اشخاص", lang="fa") in set(
        g.objects(s, DCTERMS.title))
    assert (s, CPSV.follows, URIRef(base + "agency/FIN/duty/D-PIT")) in g
    assert (s, GC.deliveringUnit, URIRef(base + "unit/U-FIN-PIT")) in g
    assert (s, GC.deliveringEmployee, URIRef(base + "employee/E-FIN-PIT-1")) in g
    # The same file and supplement again: nothing changes.
    again = read_standard(PUBLIC / "semic-cpsv-ap-public-service.ttl", registry, agency="FIN",
                          supplements=[DATA / "supplement-semic-cpsv-ap.ttl"])
    assert registry.apply_checked(again.changeset).stored == 0


def test_a_supplement_completes_some_of_norways_records(registry: Registry,
                                                        tmp_path: Path) -> None:
    """Norway's CPSV-AP-NO services with a supplement that completes the agency and service 1
    (and its rule and law): those are stored; service 2 and a dcat:Dataset, which name no
    agency, are listed with what they lack and the Turtle that would complete them. Then its
    DCAT-AP-NO data services as that agency's (--agency): one completed, two listed."""
    load_valid(registry, tmp_path / "base.xlsx", two_agencies())
    base = registry.iris.base
    run = read_standard(_public("fdk-public-service0.ttl"), registry,
                        supplements=[DATA / "supplement-fdk-public-service0.ttl"])
    report = run.report
    stored = {r.source_iri for r in report.storable}
    assert stored == {DIGDIR, FDK + "rule/1", FDK + "services/1", base + "unit/U-DIGDIR-1",
                      base + "post/P-DIGDIR-1", base + "employee/E-DIGDIR-1"}, report.lines()
    lacking = _by_source(report)
    for iri in (FDK + "services/2", FDK + "evidence/2"):
        assert not lacking[iri].storable and "R-20.1" in _needs(lacking[iri])
        assert lacking[iri].template and lacking[iri].supplied == []
    # Service 2 names an authority the file does not describe: the template describes it,
    # and asks at once for the Persian title the rules would ask for next.
    assert lacking[FDK + "services/2"].template == [
        f'<{FDK}services/2> dct:title "…"@fa .',
        f"<{FDK}public-organisation/3> a m8g:PublicOrganisation ; skos:prefLabel \"…\"@fa ; "
        "org:classification <https://w3id.org/govcat/code/agency-kind/…> .  # one of: company, "
        "delegated, institution, ministry, municipality, organization, provincial_unit (R-20.1)"]
    outcome = registry.apply_checked(run.changeset)
    assert outcome.by_label == {"PublicOrganisation": 1, "Duty": 1, "LegalResource": 1,
                                "PublicService": 1, "OrganizationalUnit": 1, "Post": 1,
                                "Employee": 1}
    g = registry.export("123456789")
    assert _source(g, base + "agency/123456789/service/1") == FDK + "services/1"
    assert _source(g, base + "agency/123456789/duty/1") == FDK + "rule/1"
    assert (URIRef(base + "agency/123456789/service/2"), None, None) not in g

    data = read_standard(_public("fdk-dataservice0.ttl"), registry, agency="123456789",
                         supplements=[DATA / "supplement-fdk-dataservice0.ttl"])
    systems = {r.source_iri: r for r in data.report.records if r.kind == "information_systems"}
    assert {i for i, r in systems.items() if r.storable} == {
        "https://testutgiver.no/data-services/2"}, data.report.lines()
    for i in ("https://testutgiver.no/dataservices/0", "https://testutgiver.no/dataservices/1"):
        assert "R-10.1" in _needs(systems[i])
        assert systems[i].template == [f'<{i}> dct:title "…"@fa .']
    assert registry.apply_checked(data.changeset).by_label == {"InformationSystem": 1}
    assert _source(registry.export("123456789"), base + "agency/123456789/system/2") \
        == "https://testutgiver.no/data-services/2"


def test_the_template_of_a_supplement(registry: Registry, tmp_path: Path) -> None:
    """Each record lacking says the Turtle a supplement would add about its IRI in the file;
    the run's template is Turtle as it is; a template used unfilled is refused (a «…» is never
    stored as a title); a supplement's statement about an IRI that neither the file nor the
    supplement names is reported (a mistyped IRI completes nothing)."""
    load_valid(registry, tmp_path / "base.xlsx", two_agencies())
    run = read_standard(_public("semic-cpsv-ap-public-service.ttl"), registry)
    records = _by_source(run.report)
    assert records[EX + "publicOrganisation1"].template == [
        f'<{EX}publicOrganisation1> skos:prefLabel "…"@fa .',
        f"<{EX}publicOrganisation1> org:classification "
        "<https://w3id.org/govcat/code/agency-kind/…> .  # one of: company, delegated, "
        "institution, ministry, municipality, organization, provincial_unit"]
    service = records[EX + "publicService1"].template
    assert f'<{EX}publicService1> dct:title "…"@fa .' in service
    assert any(t.startswith(f"<{EX}publicService1> cpsv:follows <{registry.iris.base}agency/"
                            "publicOrganisation1/duty/…>") for t in service)
    assert any("m8g:hasParticipation" in t and "R-4.3" in t for t in service)
    text = supplement_template([run.report])
    template = tmp_path / "template.ttl"
    template.write_text(text, encoding="utf-8")
    assert len(Graph().parse(template, format="turtle")) == 7  # the participation: 3
    assert "# http://example.com/publicService1 «Tax-on-web»" in text
    unfilled = read_standard(PUBLIC / "semic-cpsv-ap-public-service.ttl", registry,
                             supplements=[template])
    assert unfilled.report.records == [] and not unfilled.changeset.subjects
    assert unfilled.report.problems and all(
        "not filled" in p.message_en and p.source == "template.ttl"
        for p in unfilled.report.problems)
    typo = tmp_path / "typo.ttl"
    typo.write_text(f'<{EX}publicService> <http://purl.org/dc/terms/title> "خدمت"@fa .\n',
                    encoding="utf-8")
    mistyped = read_standard(PUBLIC / "semic-cpsv-ap-public-service.ttl", registry,
                             supplements=[typo])
    [problem] = mistyped.report.problems
    assert problem.focus == EX + "publicService" and problem.source == "typo.ttl"
    assert problem.message_fa
    # The template filled in completes its record: the CPOV organisation becomes an agency.
    cpov = PUBLIC / "semic-cpov-public-organisation.ttl"
    filled = tmp_path / "filled.ttl"
    filled.write_text(supplement_template([read_standard(cpov, registry).report]).replace(
        '"…"@fa', '"سرویس عمومی فدرال دارایی"@fa').replace("agency-kind/…",
                                                            "agency-kind/ministry"),
        encoding="utf-8")
    [po] = read_standard(cpov, registry, supplements=[filled]).report.records
    assert po.storable and len(po.supplied) == 2, po.lines()
    # JSON-LD as the file is read: inline terms, never a remote context (ADR 0011).
    own = tmp_path / "title.jsonld"
    own.write_text(json.dumps({"@id": EX + "publicService1", str(DCTERMS.title): {
        "@value": "خدمت مالیاتی", "@language": "fa"}}), encoding="utf-8")
    jsonld = read_standard(PUBLIC / "semic-cpsv-ap-public-service.ttl", registry,
                           supplements=[own])
    assert "dct:title «خدمت مالیاتی»@fa (from title.jsonld)" in _by_source(
        jsonld.report)[EX + "publicService1"].supplied
    remote = tmp_path / "remote.jsonld"
    remote.write_text('{"@context": "https://example.org/context.jsonld", "@id": "x"}',
                      encoding="utf-8")
    refused = read_standard(PUBLIC / "semic-cpsv-ap-public-service.ttl", registry,
                            supplements=[remote])
    assert refused.report.records == [] and "remote JSON-LD context" in \
        refused.report.problems[0].message_en
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .", encoding="utf-8")
    unread = read_standard(PUBLIC / "semic-cpsv-ap-public-service.ttl", registry,
                           supplements=[broken])
    assert unread.report.records == [] and unread.report.problems[0].source == "broken.ttl"


def test_api_takes_supplements_as_multipart(registry: Registry, tmp_path: Path) -> None:
    load_valid(registry, tmp_path / "base.xlsx", two_agencies())
    client = client_as(registry, Principal("admin", Role.ADMIN))
    fdk = _public("fdk-public-service0.ttl").read_bytes()
    sup = (DATA / "supplement-fdk-public-service0.ttl").read_bytes()
    answer = client.post("/imports/standard", files=[
        ("file", ("fdk-public-service0.ttl", fdk, "text/turtle")),
        ("with", ("supplement-fdk-public-service0.ttl", sup, "application/octet-stream"))])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["stored"] == 7 and body["report"]["source"] == "fdk-public-service0.ttl"
    assert body["report"]["supplements"] == ["supplement-fdk-public-service0.ttl"]
    records = {r["record"]: r for r in body["report"]["records"]}
    assert "dct:title «یک خدمت عمومی نمونه»@fa (from supplement-fdk-public-service0.ttl)" \
        in records[FDK + "services/1"]["supplied"]
    assert {i for i, r in records.items() if not r["storable"]} == {FDK + "services/2",
                                                                    FDK + "evidence/2"}
    assert f"<{FDK}public-organisation/3>" in body["report"]["supplement_template"]
    # Without its file part, or with a part of no RDF format, nothing is read.
    only = client.post("/imports/standard", files=[("with", ("s.ttl", sup, "text/turtle"))])
    assert only.status_code == 422 and only.json()["detail_fa"]
    odd = client.post("/imports/standard", files=[("file", ("f.pdf", fdk, "application/pdf"))])
    assert odd.status_code == 415
    empty = client.post("/imports/standard", content=b"--x--",
                        headers={"content-type": "multipart/form-data; boundary=x"})
    assert empty.status_code == 422


def test_cli_import_with_supplements(tmp_path: Path) -> None:
    with installations(tmp_path, "https://govcat.test/id/", "one") as [env]:
        runner = CliRunner()
        book = write_workbook(tmp_path / "base.xlsx", two_agencies())
        assert runner.invoke(app, ["load", str(book)], env=env).exit_code == 0
        cpov = runner.invoke(app, ["import", str(PUBLIC / "semic-cpov-public-organisation.ttl"),
                                   "--with", str(DATA / "supplement-semic-cpov.ttl")], env=env)
        assert cpov.exit_code == 0, cpov.output
        assert "(from supplement-semic-cpov.ttl)" in cpov.output
        out = tmp_path / "rest.ttl"
        fdk = runner.invoke(app, ["import", str(PUBLIC / "fdk-public-service0.ttl"), "--with",
                                  str(DATA / "supplement-fdk-public-service0.ttl"),
                                  "--supplement-template", str(out)], env=env)
        assert fdk.exit_code == 1 and "stored 7 record(s)" in fdk.output, fdk.output
        assert f"<{FDK}services/2>" not in out.read_text(encoding="utf-8").split(
            "public-organisation/3")[0].split("# For")[0]
        assert f"# {FDK}services/2 «" in out.read_text(encoding="utf-8")
        two = runner.invoke(app, ["import", str(REG_FILE), str(REG_FILE), "--with",
                                  str(DATA / "supplement-semic-cpov.ttl")], env=env)
        assert two.exit_code == 2 and "one FILE" in two.output
