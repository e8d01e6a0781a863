"""Records as resources (ADR 0009): lists of one kind in IRI order with a cursor that
stays correct while others write, versions (the API's ETags), edits of one record that may be
conditional on its version, and deletes where the cycle allows.

catalog.guard calls this after the policy; nothing here decides who may act.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from catalog import kinds
from catalog.access.principals import Principal
from catalog.access.visibility import only_visible
from catalog.changeset import ChangeSet
from catalog.cycle.engine import KINDS as ISSUED_KINDS
from catalog.cycle.states import CycleRefused, Reason
from catalog.graphmap import Node
from catalog.port import (
    EXISTS,
    ChangeEvent,
    StaleVersion,
    StoreChange,
    check_expected,
    record_version,
)
from catalog.problems import Rejected
from catalog.registry import Outcome, Registry
from catalog.text import SEPARATORS, normalize_fa, search_compact, search_key
from catalog.trail_chain import TrailChain, detached_links

# Duties and services: the step of the cycle they belong to, and the ID it issues.
STEP_OF = {k.label: k.step for k in ISSUED_KINDS.values()}
_ISSUED = {k.label: k for k in ISSUED_KINDS.values()}

MAX_PAGE = 500


@cache
def _fold_table() -> tuple[tuple[str, str], ...]:
    """catalog.text.search_key as (from, to) pairs over the Arabic block, digits and the
    zero-width characters. Stored text went through normalize_fa on every input path, so the
    marks it removes (harakat, tatweel, bidi controls) are not looked for again; its letter and
    digit folds are kept, for text stored around the loaders."""
    pairs = []
    for code in [*range(0x0600, 0x0700), 0x200B, 0x200C, 0x200D]:
        ch = chr(code)
        folded = search_key(f"a{ch}a")  # between letters, as in a word
        if not (folded.startswith("a") and folded.endswith("a")) or folded[1:-1] == ch:
            continue
        if not folded[1:-1] and ch not in normalize_fa(f"a{ch}a"):
            continue  # removed on input already
        pairs.append((ch, folded[1:-1]))
    return tuple(pairs)


def search_folds(key: str) -> list[list[str]]:
    """The folds the store applies to stored text before looking for `key` (a search_compact,
    ADR 0024): the letter folds into a character `key` holds (a fold into characters `key`
    lacks cannot make or break a match, so it is skipped), the removals (ZWNJ, hamza marks),
    then the removal of each separator (catalog.text.SEPARATORS), which a key of two or more
    characters may span. Each fold is one replace() over each record's searched text."""
    folds = [[a, b] for a, b in _fold_table() if not b or any(c in key for c in b)]
    if len(key) > 1:
        folds += [[c, ""] for c in SEPARATORS if [c, ""] not in folds]
    return folds


# Letters from the most to the least frequent in Persian and in English text (roughly): a
# search first asks for the rarest characters of its key (search_anchors).
_FREQUENT = {ch: i for order in ("اینردمهوتبسکلشزگفخقعپجحچصطآغضذظثژ",
                                 "etaoinsrhldcumfpgwybvkxjqz")
             for i, ch in enumerate(order)}


def search_anchors(key: str, folds: list[list[str]], most: int = 3) -> list[list[str]]:
    """Up to `most` characters of `key`, rarest first, that a record's text must hold for
    `key` to be found in it after `folds`: each as the spellings that fold into it (the
    character and the variants folded to it). A cheap test the store makes before folding:
    most records lack one of them, and are left after a few CONTAINS instead of every
    replace() of the folds (ADR 0024)."""
    rarest = sorted(set(key), key=lambda ch: (-_FREQUENT.get(ch, len(_FREQUENT)), ch))
    return [sorted({ch} | {a for a, b in folds if ch in b}) for ch in rarest[:most]]


@dataclass(frozen=True)
class ResourceQuery:
    label: str
    after: str = ""  # the last IRI of the previous page
    limit: int = 100
    agency: str | None = None  # an agency IRI
    status: str | None = None  # a status concept IRI
    text: str | None = None  # as typed; normalized here
    step_state: str | None = None  # duties and services: their agency's step state


@dataclass(frozen=True)
class Page:
    items: list[Node]
    last: str | None  # the IRI to continue after; None when this is the last page


def list_page(registry: Registry, q: ResourceQuery, reader: Principal | None) -> Page:
    """Records of one kind in IRI order after `q.after`: a record written meanwhile before the
    cursor is not seen, one after it is, none twice. Records `reader` may not see are left
    out of the page (a page may then hold fewer than `limit`; follow `last` to the end)."""
    if q.step_state is not None and q.label not in STEP_OF:
        raise ValueError("only duties and services have a step state")
    text = search_compact(q.text) if q.text else ""
    folds = search_folds(text)
    iris = registry.store.kind_page(
        q.label, q.after, min(q.limit, MAX_PAGE) + 1, agency=q.agency, status=q.status,
        text=text or None, folds=folds, anchors=search_anchors(text, folds),
        step=str(STEP_OF[q.label]) if q.step_state is not None else None,
        step_state=q.step_state)
    more = len(iris) > min(q.limit, MAX_PAGE)
    iris = iris[:min(q.limit, MAX_PAGE)]
    found = {n.iri: n for n in only_visible(reader, registry.store.describe(iris))}
    return Page([found[i] for i in iris if i in found], iris[-1] if more and iris else None)


# -- versions and conditional writes -------------------------------------------------------------

@dataclass(frozen=True)
class Precondition:
    """HTTP's If-Match / If-None-Match on a write, as record versions or EXISTS (`*`)."""

    if_match: tuple[str, ...] = ()
    if_none_match: tuple[str, ...] = ()

    def expect(self, iri: str, current: Node | None) -> dict[str, str | None]:
        """What the write must still find when it commits; StaleVersion when `current`
        fails the precondition already."""
        found = record_version(current) if current is not None else None
        want: dict[str, str | None] = {}
        if self.if_match:
            if EXISTS in self.if_match:
                want[iri] = EXISTS
            elif found in self.if_match:
                want[iri] = found
            else:
                raise StaleVersion(iri, self.if_match[0], found)
        if self.if_none_match:
            if EXISTS in self.if_none_match:
                want.setdefault(iri, None)
            elif found is not None and found in self.if_none_match:
                raise StaleVersion(iri, None, found)
        check_expected(want, {iri: current} if current is not None else {})
        return want


@dataclass(frozen=True)
class Written:
    iri: str
    version: str | None  # the record's version after the write (None: deleted)
    created: bool
    event: str | None  # the change event (None: nothing changed)
    outcome: Outcome | None = None


def current(registry: Registry, iri: str) -> Node | None:
    nodes = registry.store.describe([iri])
    return nodes[0] if nodes else None


def put(registry: Registry, actor: Principal, cs: ChangeSet, iri: str,
        pre: Precondition, before: Node | None) -> Written:
    """Create or replace the record `iri` of `cs` (one record, and laws it cites), validated
    with SHACL on its neighbourhood, in one atomic write with its change event ("edit").
    `before`: the record as stored (`current`), just read by the caller."""
    expect = pre.expect(iri, before)
    problems = registry.check(cs, {iri: before})
    if problems:
        raise Rejected(problems)
    outcome = registry.apply_checked(cs, actor, "edit", expect=expect or None)
    after = current(registry, iri)
    return Written(iri, record_version(after) if after is not None else None, before is None,
                   outcome.event, outcome)


def deletable(node: Node) -> bool:
    return (kind := kinds.by_label().get(node.label)) is not None and kind.api is not None


def delete(registry: Registry, actor: Principal, node: Node, pre: Precondition) -> Written:
    """Delete one record, refused (CycleRefused) while it holds an issued duty or service ID
    (R-3.2, R-4.2: the ID stays with its record; withdraw it instead) or another record points
    at it. The write expects the version checked here, so neither can change in between."""
    pre.expect(node.iri, node)
    kind = _ISSUED.get(node.label)
    if kind is not None and node.props.get(kind.prop):
        raise CycleRefused([Reason(
            f"{node.iri} holds the issued ID {node.props[kind.prop]}, which is never reused: "
            "set its status to withdrawn instead of deleting it",
            f"این رکورد شناسه صادرشده {node.props[kind.prop]} دارد که دوباره به کار نمی‌رود؛ "
            "به جای حذف، وضعیت آن را «منسوخ» کنید", kind.requirement)])
    referrers = registry.store.still_referring(node.iri)
    if referrers:
        names = ", ".join(referrers[:5])
        raise CycleRefused([Reason(
            f"{len(referrers)} record(s) still point at {node.iri}, e.g. {names}: "
            "change or delete them first",
            f"{len(referrers)} رکورد دیگر به این رکورد ارجاع می‌دهند؛ نخست آن‌ها را اصلاح یا "
            "حذف کنید", kinds.kept_by(node.label))])
    event = _delete_event(registry, actor, node)
    registry.store.commit_change(StoreChange([], delete=[node.iri],
                                             expect={node.iri: record_version(node)}), event)
    TrailChain(registry.store).after_write()  # ADR 0017
    return Written(node.iri, None, False, event.iri)


def _delete_event(registry: Registry, actor: Principal, node: Node) -> ChangeEvent:
    """The change event of a delete (as Registry's): the deleted IRIs stay on it (`deleted`),
    so the change feed can name them after the record is gone."""
    event = str(registry.iris.event(str(uuid.uuid4())))
    return ChangeEvent(
        event, "delete", datetime.now(UTC).isoformat(), str(registry.iris.agent(actor.name)),
        actor.name, actor.role.value, sorted(set(node.rels.get("agency", ()))),
        source="DELETE /resource", deleted=[(node.iri, node.label)],
        # The links of earlier events to it go with it; their hashes cover them (ADR 0017).
        detached=detached_links(registry.store, [node.iri]))
