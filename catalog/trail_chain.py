"""The trail proves itself (R-16, ADR 0017): every numbered change event carries a SHA-256 over
its canonical content and the hash of the event before it, one chain in commit (gc:seq) order,
so changing, removing or re-ordering any part of the history after it was sealed shows.

What an event's hash covers (`content`): its own properties (seq, action, time, states, reason,
issued identifier, source, deleted records … all but the two hashes), who acted and in which
role (its qualified association and agent), what it points at (used, agency, concerns,
cycleStep: "type IRI", sorted, with the links a later delete took away, which the delete event
keeps in `detached`), and the record versions it wrote (each version's seq, record, time,
working flag and content hashed; the sorted hashes hashed, with their number).

Neither store computes SHA-256 in Cypher and FalkorDB has no multi-statement transaction, so
events are numbered inside their write as before and **sealed after commit**: `seal` reads the
events after the stored head in seq order, hashes them here, and writes the hashes and the new
head in one compare-and-set statement that applies only while the head is still the one read
(of two sealers one wins; the other reads again). Writes call it when they finish; a crash
between a commit and its seal is caught up by the next seal, and verify, backups and the change
feed seal first.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from catalog.port import (
    TRAIL_HASH,
    TRAIL_PREVIOUS,
    EventSeal,
    GraphStore,
    StoreError,
)

log = logging.getLogger(__name__)

FORMAT = "govcat-trail/1"  # hashed with every event: a change of the canonical form shows
GENESIS = "0" * 64  # the hash "before" the first event
UNHASHED = frozenset({TRAIL_HASH, TRAIL_PREVIOUS, "_lock"})
PAGE = 500  # change numbers per read
VERSION_PAGE = 5000  # record versions per read
SEAL_TRIES = 20
_SEALING = threading.Lock()  # one sealer after writes per process (TrailChain.after_write)


# -- the canonical form and the hash (pure) ------------------------------------------------

def canonical(value: Any) -> bytes:
    """JSON with sorted keys, no spaces, UTF-8: the same bytes for the same content on any
    machine and from either store."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def version_hash(row: Mapping[str, Any]) -> str:
    """A record version: its change number, record, time, whether it is a working version,
    and content (the record as JSON), hashed."""
    fields = [row["seq"], row["record"], row["at"], row["working"], row["content"]]
    return hashlib.sha256(canonical(fields)).hexdigest()


def versions_digest(hashes: Iterable[str], count: int) -> dict[str, Any]:
    """The record versions of an event: their number and the hash of their sorted hashes."""
    joined = "\n".join(sorted(hashes)).encode("ascii")
    return {"count": count, "sha256": hashlib.sha256(joined).hexdigest()}


def content(props: Mapping[str, Any], who: Iterable[Sequence[Any]], links: Iterable[str],
            versions: Mapping[str, Any]) -> dict[str, Any]:
    """What an event's hash covers. `who`: [association properties, agent IRI, agent
    identifier] per qualified association; `links`: "type IRI" per relationship but the
    association; `versions`: versions_digest."""
    acting = sorted((w for w in ({"association": _plain(a), "agent": ag, "actor": actor}
                                 for a, ag, actor in who)
                     if any(v is not None for v in w.values())), key=canonical)
    return {"format": FORMAT,
            "event": {k: v for k, v in sorted(props.items()) if k not in UNHASHED},
            "acting": acting, "links": sorted(links), "versions": dict(versions)}


def event_hash(event: Mapping[str, Any], previous: str) -> str:
    """SHA-256 over the event's content and the hash of the event before it."""
    return hashlib.sha256(canonical({"previous": previous, "content": event})).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items() if k not in UNHASHED}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# -- reading the trail -----------------------------------------------------------------------

@dataclass(frozen=True)
class Head:
    """The last sealed change: its number and hash (0 and GENESIS before the first)."""

    seq: int
    hash: str

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash}


@dataclass(frozen=True)
class Event:
    """A numbered change event as the store holds it: what its hash covers, and the hashes
    stored on it (None before it is sealed)."""

    seq: int
    iri: str
    content: dict[str, Any]
    stored_hash: str | None
    stored_previous: str | None


@dataclass(frozen=True)
class Broken:
    """The first event that does not match: its change number and IRI (None when it is
    gone), and why, in en and fa."""

    seq: int | None
    iri: str | None
    why_en: str
    why_fa: str
    requirement: str = "R-16"


@dataclass(frozen=True)
class Verdict:
    """The whole chain checked: `events` checked, the head it ends at (the stored head when it
    is broken), how many events had not been sealed yet (hashed here, nothing written), the
    first broken event or None."""

    ok: bool
    events: int
    head: Head
    unsealed: int = 0
    broken: Broken | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "events": self.events, "head": self.head.as_dict(),
                "unsealed": self.unsealed,
                "broken": asdict(self.broken) if self.broken else None}


class TrailChain:
    """The hash chain of the trail in one store (a live store, or a snapshot: reads only)."""

    def __init__(self, store: GraphStore, page: int = PAGE) -> None:
        self.store = store
        self.page = page

    def _head(self) -> tuple[Head, int]:
        """The stored head and the last change number given out."""
        state = self.store.trail_state()
        return Head(state.sealed_seq, state.sealed_hash or GENESIS), state.last

    def head(self) -> Head:
        """The stored head (what is sealed; see projected_head for what would be)."""
        return self._head()[0]

    def events(self, after: int, upto: int,
               detached: Mapping[str, list[str]] | None = None) -> list[Event]:
        """The events numbered in (after, upto], in seq order, each with its content.
        `detached`: _detached of `after` or earlier, when the caller has read it."""
        rows = self.store.trail_events(after, upto)
        if not rows:
            return []
        links: dict[str, list[str]] = defaultdict(list)
        for event, targets in self.store.trail_links(after, upto):
            links[event].extend(targets)
        kept = self._detached(after) if detached is None else detached
        for r in rows:
            links[r.iri].extend(kept.get(r.iri, ()))
        digests = self._versions({r.seq: r.versions for r in rows})
        found = []
        for r in rows:
            body = content(r.props, r.who, links.get(r.iri, ()),
                           digests.get(r.seq, _NO_VERSIONS))
            found.append(Event(r.seq, r.iri, body, _text(r.props.get(TRAIL_HASH)),
                               _text(r.props.get(TRAIL_PREVIOUS))))
        return found

    def _detached(self, after: int) -> dict[str, list[str]]:
        """Links of events to records later deleted: "<event> <type> <record>" kept on the
        delete events numbered after `after` (the only events that can take links away from
        the events after `after`)."""
        out: dict[str, list[str]] = defaultdict(list)
        for entry in self.store.detached_links_after(after):
            event, _, link = entry.partition(" ")
            out[event].append(link)
        return out

    def _versions(self, counts: Mapping[int, int]) -> dict[int, dict[str, Any]]:
        """versions_digest per change number: events with few versions read together, one
        with many page by page."""
        hashes: dict[int, list[str]] = defaultdict(list)
        batch: list[int] = []  # consecutive events with versions, VERSION_PAGE at most
        size = 0
        for seq in sorted(counts):
            n = counts[seq]
            if batch and (n > VERSION_PAGE or size + n > VERSION_PAGE):
                self._version_batch(batch, hashes)
                batch, size = [], 0
            if n > VERSION_PAGE:
                for skip in range(0, n, VERSION_PAGE):
                    rows = self.store.versions_of_change(seq, skip, VERSION_PAGE)
                    hashes[seq].extend(version_hash(r) for r in rows)
            elif n:
                batch.append(seq)
                size += n
        if batch:
            self._version_batch(batch, hashes)
        return {seq: versions_digest(hashes[seq], n) for seq, n in counts.items() if n}

    def _version_batch(self, seqs: list[int], hashes: dict[int, list[str]]) -> None:
        """The versions of `seqs` (consecutive among the events holding versions: the range
        between them holds no others)."""
        wanted = set(seqs)
        for r in self.store.versions_of_changes(min(seqs), max(seqs)):
            if int(r["seq"]) in wanted:
                hashes[int(r["seq"])].append(version_hash(r))

    def pending(self) -> Iterator[tuple[Head, list[tuple[Event, str]]]]:
        """Pages of the events after the stored head, each with the hash it gets: (the head
        the page follows, [(event, hash)]). Stops at a gap or a repeated number, which a
        seal cannot pass (verify names it)."""
        head, last = self._head()
        while head.seq < last:
            batch = []
            at = head
            for event in self.events(head.seq, min(head.seq + self.page, last)):
                if event.seq != at.seq + 1:
                    break
                digest = event_hash(event.content, at.hash)
                batch.append((event, digest))
                at = Head(event.seq, digest)
            if not batch:
                return
            yield head, batch
            if at.seq < min(head.seq + self.page, last):
                return  # stopped at a gap
            head = at

    def projected_head(self) -> Head:
        """The head the chain would have if it were sealed now; nothing is written (a backup
        reads it from its snapshot)."""
        head = self.head()
        for _, batch in self.pending():
            head = Head(batch[-1][0].seq, batch[-1][1])
        return head

    # -- writing: the seal -----------------------------------------------------------------

    def seal(self, tries: int = SEAL_TRIES) -> Head:
        """Hash and store every event after the head, page by page, each page with the new
        head in one compare-and-set statement. Returns the head reached. Cheap when nothing is
        pending (one read); safe to call from any number of processes at once."""
        for _ in range(tries):
            lost = False
            for head, batch in self.pending():
                seals = [EventSeal(e.seq, e.iri, h, batch[i - 1][1] if i else head.hash)
                         for i, (e, h) in enumerate(batch)]
                if not self.store.seal_trail(head.seq, head.hash, seals, GENESIS):
                    lost = True  # another sealer moved the head: read it again
                    break
            if not lost:
                return self.head()
        return self.head()

    def after_write(self) -> None:
        """Seal right after a write committed (the one place writes call): the write stands
        whatever happens here, so a store that fails now only leaves its event to the next
        seal, as a crash would (verify, a backup and the change feed seal first).

        One writer of a process seals at a time, in one attempt: a writer that finds another
        sealing, or loses the compare-and-set, leaves its event to that seal or the next one,
        instead of every thread of a busy process racing for the same head (48 concurrent
        approvals on Neo4j stalled the server that way)."""
        if not _SEALING.acquire(blocking=False):
            return
        try:
            self.seal(tries=1)
        except StoreError as exc:
            log.warning("the trail was not sealed after a write; the next seal will: %s", exc)
        finally:
            _SEALING.release()

    # -- checking ----------------------------------------------------------------------------

    def verify(self, seal: bool = True, held: Head | None = None) -> Verdict:
        """Check the whole chain from the first event: every number there once, every event's
        content matching its hash and its link to the one before, the head matching, nothing
        numbered beyond the commit counter; and, with `held`, a head kept elsewhere (a backup's
        manifest, the change feed) still the chain's hash at its number, so the history up to
        it was not rewritten. Seals first (`seal`), so what is checked is what a backup or the
        change feed publishes. The first event that does not match is named."""
        if seal:
            self.seal()
        head, last = self._head()
        previous, expected, checked, unsealed = GENESIS, 1, 0, 0
        first_unsealed: Event | None = None
        at_head: str | None = None
        detached = self._detached(0)  # read once: deletes are few
        for after in range(0, last, self.page):
            for event in self.events(after, min(after + self.page, last), detached):
                broken = self._check(event, expected, previous, first_unsealed)
                if broken is not None:
                    return Verdict(False, checked, head, unsealed, broken)
                computed = event_hash(event.content, previous)
                if event.stored_hash is None:
                    unsealed += 1
                    first_unsealed = first_unsealed or event
                if held is not None and event.seq == held.seq and computed != held.hash:
                    return Verdict(False, checked, head, unsealed, _not_held(event, held))
                if event.seq == head.seq:
                    at_head = computed
                previous, expected, checked = computed, expected + 1, checked + 1
            if expected <= min(after + self.page, last):
                return Verdict(False, checked, head, unsealed, _missing(expected))
        broken = self._check_ends(head, last, at_head)
        if broken is None and held is not None and held.seq >= expected:
            broken = _missing(held.seq) if held.seq else None
        return Verdict(broken is None, checked, Head(expected - 1, previous), unsealed, broken)

    def _check(self, event: Event, expected: int, previous: str,
               first_unsealed: Event | None) -> Broken | None:
        if event.seq < expected:
            return Broken(event.seq, event.iri, f"change #{event.seq} appears twice",
                          f"تغییر شمارهٔ {_fa(event.seq)} دو بار آمده است")
        if event.seq > expected:
            return _missing(expected)
        if event.stored_hash is None:
            return None  # not sealed yet: hashed here, nothing to compare
        if first_unsealed is not None:
            return Broken(first_unsealed.seq, first_unsealed.iri,
                          f"change #{first_unsealed.seq} has lost its hash, though later "
                          "changes are sealed",
                          f"چکیدهٔ تغییر شمارهٔ {_fa(first_unsealed.seq)} پاک شده است، "
                          "در حالی که تغییرهای پس از آن مهر شده‌اند")
        if event.stored_previous != previous:
            return Broken(event.seq, event.iri,
                          f"change #{event.seq} does not follow the change before it "
                          "(its previous hash differs)",
                          f"تغییر شمارهٔ {_fa(event.seq)} به تغییر پیش از خود پیوند ندارد "
                          "(چکیدهٔ پیشین آن فرق دارد)")
        if event_hash(event.content, previous) != event.stored_hash:
            return Broken(event.seq, event.iri,
                          f"change #{event.seq} does not match its hash: its properties, "
                          "actor, links or record versions were changed",
                          f"تغییر شمارهٔ {_fa(event.seq)} با چکیدهٔ خود نمی‌خواند: ویژگی‌ها، "
                          "کنشگر، پیوندها یا نسخه‌های رکوردهای آن دگرگون شده است")
        return None

    def _check_ends(self, head: Head, last: int, at_head: str | None) -> Broken | None:
        """The stored head is a hash of the chain (`at_head`: the chain's hash at its number),
        and nothing is numbered beyond the commit counter, nor is any event without one."""
        if head.seq and at_head != head.hash:
            return Broken(head.seq, None, f"the sealed head (change #{head.seq}) does not match "
                          "the chain", f"سرِ مهرشدهٔ زنجیره (تغییر شمارهٔ {_fa(head.seq)}) با "
                          "زنجیره نمی‌خواند")
        beyond = self.store.event_beyond(last)
        if beyond:
            seq, iri = beyond
            return Broken(seq, iri,
                          f"change #{seq} is numbered beyond the commit counter (#{last})",
                          f"تغییر شمارهٔ {_fa(seq)} از شمارندهٔ تغییرها (#{_fa(last)}) فراتر است")
        version = self.store.version_beyond(last)
        if version:
            seq, record = version
            return Broken(seq, None, f"a version of {record} names change "
                          f"#{seq}, which is not in the trail",
                          f"نسخه‌ای از {record} به تغییر شمارهٔ {_fa(seq)} نسبت "
                          "داده شده که در رد پا نیست")
        unnumbered = self.store.unnumbered_event()
        if unnumbered:
            return Broken(None, unnumbered, "a change event has no change "
                          "number", "رویدادِ تغییری شماره ندارد")
        return None


_NO_VERSIONS = versions_digest((), 0)


def _not_held(event: Event, held: Head) -> Broken:
    return Broken(event.seq, event.iri,
                  f"change #{event.seq} does not have the hash held elsewhere "
                  f"({held.hash[:16]}…): the history up to it was rewritten",
                  f"چکیدهٔ تغییر شمارهٔ {_fa(event.seq)} با چکیدهٔ نگه‌داشته در جای دیگر "
                  f"({held.hash[:16]}…) نمی‌خواند: تاریخچهٔ تا آن بازنویسی شده است")


def _missing(seq: int) -> Broken:
    return Broken(seq, None, f"change #{seq} is missing from the trail",
                  f"تغییر شمارهٔ {_fa(seq)} از رد پا حذف شده است")


_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _fa(value: object) -> str:
    """A number in Persian digits (as catalog.cycle.states.fa, which this cannot import: the
    cycle seals through this module)."""
    return str(value).translate(_FA_DIGITS)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def detached_links(store: GraphStore, iris: Sequence[str]) -> list[str]:
    """The links of change events to records about to be deleted, as a delete event keeps them
    (`detached`, "<event IRI> <type> <record IRI>", sorted): the delete takes them away from
    the graph, and the events' hashes cover them (catalog.resources.delete)."""
    if not iris:
        return []
    return sorted(f"{event} {kind} {iri}" for event, kind, iri in store.event_links_to(iris))
