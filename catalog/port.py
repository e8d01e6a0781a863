"""The store port: what the core needs from a property-graph database, in the domain's words,
and nothing more (ADR 0021).

Two adapters implement it (catalog.store.falkordb_store, catalog.store.neo4j_store), through
the named operations written once in catalog/store/*_operations.py; the same test suite runs
against both. The core imports this module and never catalog.store, nor a driver, nor Cypher
(import-linter contracts enforce it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from catalog.graphmap import Node

if TYPE_CHECKING:  # the cycle's values (a leaf module of the core, ADR 0021)
    from collections.abc import Collection
    from datetime import date

    from catalog.cycle.facts import (
        AgencyEvent,
        ClockChange,
        ClockStart,
        ClockStop,
        CycleEvent,
        HistoryEntry,
        Issued,
        IssuedKind,
        MappedDuty,
        ProvincialUnit,
        ReviewTarget,
        ServiceMapping,
        StoredAgency,
        StoredDuty,
        StoredMembership,
        StoredObligation,
        StoredRecord,
        StoredReport,
        StoredStep,
    )
    from catalog.cycle.progress_facts import (
        ProgressFiling,
        StoredEvidence,
        StoredPlan,
        StoredProgress,
    )
    from catalog.cycle.province_facts import (
        SliceMove,
        SliceRegistration,
        StoredSlice,
        StoredVerification,
        VerificationFiling,
    )

Row = dict[str, Any]


class StoreError(RuntimeError):
    """The store refused or failed an operation."""


class StoreUnavailable(StoreError):
    """The store cannot be reached; nothing was written."""


class ReadOnlyViolation(StoreError):
    """A read-only query tried to write."""


class QueryTimeout(StoreError):
    """A read ran past its time limit and the store stopped it (ad-hoc queries, ADR 0004)."""


class StaleVersion(StoreError):
    """A conditional write found a record at another version than expected (HTTP 412);
    nothing was written (ADR 0009)."""

    def __init__(self, iri: str, expected: str | None, found: str | None) -> None:
        super().__init__(f"{iri}: expected version {expected or 'none'}, found {found or 'none'}")
        self.iri = iri
        self.expected = expected
        self.found = found


class StillReferenced(StoreError):
    """A record to delete is still the target of another record's relationship; nothing was
    written (ADR 0009)."""

    def __init__(self, referrers: Mapping[str, Sequence[str]]) -> None:
        first = next(iter(referrers.items()), ("?", ()))
        super().__init__(f"{first[0]} is still referred to by {', '.join(first[1][:3])}")
        self.referrers = {k: list(v) for k, v in referrers.items()}


# A record's version: its stored node (label, properties, outgoing relationships) hashed. The
# ETag of the API and what a conditional write expects (ADR 0009). Nothing is stored for it, so
# RDF output and "unchanged records stay unchanged" are unaffected.
EXISTS = "*"  # an expectation met by any version of an existing record (If-Match: *)


def record_version(node: Node) -> str:
    canonical = json.dumps({"iri": node.iri, "label": node.label, "props": node.props,
                            "rels": {k: sorted(v) for k, v in node.rels.items()}},
                           ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                           default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def check_expected(expect: Mapping[str, str | None], current: Mapping[str, Node]) -> None:
    """Raise StaleVersion unless every record of `expect` is as expected in `current` (the
    stored nodes by IRI): at that version, existing (EXISTS), or absent (None)."""
    for iri, wanted in sorted(expect.items()):
        node = current.get(iri)
        found = record_version(node) if node is not None else None
        if wanted is None:
            ok = node is None
        elif wanted == EXISTS:
            ok = node is not None
        else:
            ok = found == wanted
        if not ok:
            raise StaleVersion(iri, wanted, found)


@dataclass(frozen=True)
class StoreChange:
    """One atomic write: `nodes` replace the stored description (properties and outgoing
    relationships) of their IRIs; `links` add relationships (subject, type, object) whose
    subject is not itself replaced (a chain gaining a link registered later); `after`:
    statements (query, parameters) run last in the same transaction: the change event and the
    records' versions (RecordsPort.commit_change).

    `delete`: IRIs of records removed first, with their relationships, refused
    (StillReferenced) while a record other than a change event points at one of them.
    `expect`: IRI → the version (record_version), EXISTS, or None (absent) the record must
    have when the write commits; checked inside the write's transaction (StaleVersion), so of
    two writers expecting the same version exactly one succeeds (ADR 0009)."""

    nodes: Sequence[Node]
    links: Sequence[tuple[str, str, str]] = field(default_factory=tuple)
    after: Sequence[tuple[str, dict[str, Any]]] = field(default_factory=tuple)
    delete: Sequence[str] = field(default_factory=tuple)
    expect: Mapping[str, str | None] = field(default_factory=dict)


# The store's named operations, by the part of the core that asks for them. Each is what the
# core needs in the domain's words; the adapters implement them (in Cypher under
# catalog/store/, shared by both adapters through the *_operations mixins, with the dialect
# differences inside). The core never sends query text: it has no Cypher (ADR 0021).


class CyclePort(Protocol):
    """What catalog.cycle asks of the store: an agency's steps, transitions, issued IDs,
    clocks (obligations), review flags, reports. Agencies, steps and records by IRI; every
    write appends its change event (catalog.cycle.facts.CycleEvent) in its own transaction;
    a write refused by its condition returns False, None or nothing (ADR 0005)."""

    def agency_ancestors(self, agency: str) -> list[str]:
        """Codes of the agencies `agency` is part of, nearest first (R-20.1)."""

    def agency_steps(self, agency: str | None) -> list[StoredStep]:
        """The stored steps of an agency, or of every agency whose cycle has begun (None)."""

    def ensure_steps(self, agency: str, steps: Sequence[tuple[str, str]], initial: str) -> int:
        """Create the agency's steps (IRI, cycle-step concept) in state `initial` unless they
        exist; how many the agency has of them (0: no such agency)."""

    def transition(self, step: str, sources: Collection[str], target: str, clock: date,
                   event: CycleEvent, clocks: Sequence[ClockChange] = ()) -> bool:
        """Move the step from one of `sources` to `target` (its clock starts on `clock` if not
        yet) with the clocks it starts or stops, all in one transaction (ADR 0019); False,
        nothing written, when the step was in none of `sources`."""

    def history(self, iri: str) -> list[HistoryEntry]:
        """Every change event that acted on this step or record, oldest first (R-16)."""

    def trail(self, agency: str | None, actor: str | None, before: int | None,
              limit: int) -> list[Row]:
        """A page of the audit trail (R-16), newest first, before the event numbered `before`."""

    def record_state(self, record: str) -> list[StoredRecord]:
        """The record with its agency, status and issued IDs (one per agency it belongs to)."""

    def agency_records(self, agency: str, label: str) -> list[StoredRecord]:
        """The agency's records of one kind (Duty, PublicService), with status and IDs."""

    def service_duties(self, service: str) -> list[MappedDuty]:
        """The duties a service maps to, with their status and duty ID (R-4.1)."""

    def records_with_changes(self, agency: str, label: str) -> list[str]:
        """IRIs of the agency's records of one kind with a working version (ADR 0015)."""

    def issue_id(self, kind: IssuedKind, record: str, agency: str, prefix: str, status: str,
                 event: CycleEvent) -> Issued | None:
        """Approve the record (status concept `status`) and issue its ID under `prefix` once
        (R-3.2, R-4.2); None when the record is not the agency's of that kind."""

    def set_record_status(self, label: str, record: str, agency: str, status: str,
                          event: CycleEvent) -> bool:
        """Set the status of the agency's record (a rejection, R-2.1); no ID is touched."""

    def start_clock(self, clock: ClockStart) -> str | None:
        """Start a clock (R-3.3, R-5.5, R-7, R-18, R-19); its IRI, or None: none started."""

    def stop_clocks(self, stop: ClockStop) -> list[str]:
        """Stop the agency's open clocks named by `stop`; the IRIs of those stopped."""

    def obligations(self, agency: str | None, state: str | None) -> list[StoredObligation]:
        """The clocks of an agency or all, in one state or any, earliest due first."""

    def start_emergency(self, clock: ClockStart, keys: Sequence[str]) -> str | None:
        """Start the clock of an emergency request referred by Foad 128 (R-7) unless one
        under any of `keys` exists, of any agency, open or met: a Foad 128 reference is one
        request (ADR 0028). Its IRI, or None: recorded before, nothing written."""

    def emergency(self, keys: Sequence[str]) -> StoredObligation | None:
        """The emergency request recorded under one of `keys`, of any agency (R-7)."""

    def appoint(self, agency: str, member: str, person: str, membership: Mapping[str, Any],
                on: date, event: CycleEvent) -> bool:
        """Appoint the agency's representative, ending the current one on `on` (R-19); False:
        no such agency."""

    def representatives(self, agency: str | None) -> list[StoredMembership]:
        """The appointments of representatives, past and current, by agency and date (R-19)."""

    def file_report(self, label: str, agency: str, period: str, report: Mapping[str, Any],
                    event: CycleEvent) -> bool:
        """Record a report of kind `label` (catalog.decided) for the agency and period;
        False: one exists already, nothing written (R-18, R-19)."""

    def reports(self, label: str, agency: str | None) -> list[StoredReport]:
        """The reports of kind `label` of an agency or all, by agency and period."""

    def provincial_units(self, agency: str, kind: str) -> list[ProvincialUnit]:
        """The agency's sub-organizations classified `kind` (a concept IRI), R-5.5."""

    def review_targets(self, duty: str) -> list[ReviewTarget]:
        """The services mapped to the duty and the chains holding them (R-3.3)."""

    def agencies(self, agency: str | None) -> list[StoredAgency]:
        """One agency or every agency, with its names, parent and kind, by code."""

    def agency_events(self, agency: str | None, actions: Sequence[str]) -> list[AgencyEvent]:
        """The change events of an agency or all, of these actions, oldest first (R-16)."""

    def duties_without_service(self, agency: str | None) -> list[StoredDuty]:
        """The duties no service maps to (R-4.1), by agency."""

    def service_mappings(self, agency: str | None) -> list[ServiceMapping]:
        """Every service with the number of duties it maps to and of those with an ID."""


@dataclass(frozen=True)
class ChangeEvent:
    """The change event a write appends to the trail (PROV-O; R-16, ADR 0008), numbered next
    in commit order: who acted (the agent's IRI, its name, the role it acted in), what
    (`action`, `source`, `reason`), when (`at`, ISO time), the agencies it concerns.

    `versions`: (IRI, the record as JSON, catalog.registry.node_json) of each record the
    write stores; `working`: the same for changes proposed to approved records (ADR 0015);
    `used`: records it acted on without writing them; `deleted`: (IRI, label) of the records
    it deletes, named by the feed after they are gone (ADR 0009), and `detached`, the trail's
    links that go with them (ADR 0017)."""

    iri: str
    action: str
    at: str
    agent: str
    actor: str
    role: str
    agencies: Sequence[str] = ()
    source: str | None = None
    reason: str | None = None
    versions: Sequence[tuple[str, str]] = ()
    working: Sequence[tuple[str, str]] = ()
    used: Sequence[str] = ()
    deleted: Sequence[tuple[str, str]] = ()
    detached: Sequence[str] = ()


class StoredVersion(NamedTuple):
    """One version of a record as a write left it (ADR 0008, ADR 0015): the change's number
    and time, the record as JSON (catalog.registry.node_json), and whether it is a working
    version (a change proposed to an approved record)."""

    seq: int
    at: str
    content: str
    working: bool


class CommittedChange(NamedTuple):
    """One committed change, as the feed reads it (ADR 0009): its number, event IRI, action
    and time; the records it wrote or acted on, each [IRI, labels] (IRI None when there are
    none); the records it deleted, (IRI, label)."""

    seq: int
    event: str
    action: str
    at: str
    records: Sequence[Sequence[Any]]
    deleted: Sequence[tuple[str, str]]


class RecordsPort(Protocol):
    """What catalog.registry, catalog.resources, catalog.validation, catalog.feed and
    catalog.legacy ask of the store: records, their versions and neighbourhoods, pages of a
    kind, the change feed, legacy identifiers."""

    def commit_change(self, change: StoreChange, event: ChangeEvent) -> None:
        """Write `change` and the change event recording it (R-16), all in one transaction."""

    def count_stored(self, iris: Sequence[str]) -> int:
        """How many of these IRIs are stored records."""

    def counts_by_label(self) -> dict[str, int]:
        """The number of stored records of each label."""

    def iris_after(self, after: str, limit: int) -> list[str]:
        """IRIs of stored records after `after` in IRI order, at most `limit` of them."""

    def agency_iris(self, agency: str) -> list[str]:
        """The agency (IRI), the records it owns and the laws they implement: IRIs, sorted."""

    def record_versions(self, iri: str) -> list[StoredVersion]:
        """The versions of the record `iri` that its writes left, oldest first."""

    def change_numbers(self, iri: str, action: str) -> list[int]:
        """The numbers of the changes of `action` that acted on the record `iri`, in order."""

    def id_holders(self, ids: Sequence[str]) -> list[str]:
        """The records holding any of these duty or service IDs (R-3.2, R-4.2)."""

    def record_referrers(self, iris: Sequence[str], leave_out: frozenset[str]) -> list[str]:
        """Records pointing at any of `iris`, but those with a label in `leave_out`."""

    def referrers_by(self, iris: Sequence[str], rel_types: frozenset[str]) -> list[str]:
        """Records pointing at any of `iris` by a relationship of one of these types."""

    def descendants(self, iris: Sequence[str], rel_types: frozenset[str],
                    leave_out: frozenset[str]) -> list[str]:
        """Records a chain of `rel_types` leads from to one of `iris`, but `leave_out`'s labels."""

    def kind_page(self, label: str, after: str, limit: int, *, agency: str | None = None,
                  status: str | None = None, text: str | None = None,
                  folds: Sequence[Sequence[str]] = (), step: str | None = None,
                  step_state: str | None = None,
                  anchors: Sequence[Sequence[str]] = ()) -> list[str]:
        """A page of one kind: IRIs of `label` after `after`, filtered, at most `limit`.
        A `text` search folds each record's searched text by `folds` and looks for `text`
        in it; `anchors` are characters that text must hold first, each as the spellings that
        fold into it (catalog.resources.search_anchors, ADR 0024)."""

    def still_referring(self, iri: str) -> list[str]:
        """Records other than change events that point at `iri` (at most 100 of them)."""

    def changes_after(self, after: int, limit: int) -> list[CommittedChange]:
        """The committed changes numbered after `after`, in commit order, at most `limit`."""

    def last_change(self) -> int:
        """The number of the newest committed change (0: none yet)."""

    def legacy_holders(self, scheme: str, ids: Sequence[str]) -> list[tuple[str, str]]:
        """(identifier, record IRI) of holders of these legacy identifiers of `scheme` (R-4.2)."""


class SealedCredential(NamedTuple):
    """An account or API token as the store keeps it (ADR 0016): its lookup key (an HMAC of
    the account's name or the token's id), its account's key (tokens; None for an account),
    and its sealed value."""

    key: str
    owner: str | None
    sealed: str


class CredentialSwap(NamedTuple):
    """A credential's new sealed value, written only if it still holds the one read (`was`)."""

    key: str
    was: str
    sealed: str


class AccessPort(Protocol):
    """What catalog.access asks of the store: accounts, tokens, sealed credentials."""

    def sealed_credential(self, key: str) -> str | None:
        """The sealed value of the account or token of lookup key `key` (None: there is none)."""

    def sign_in_credentials(self, token_key: str) -> tuple[str | None, str | None] | None:
        """A token's sealed value and its account's, in one read (signing in, on every
        request); None when no token has this key, None for a part that is missing."""

    def tokens_of(self, account_key: str) -> list[SealedCredential]:
        """The tokens of the account of `account_key`, by key."""

    def all_credentials(self) -> list[SealedCredential]:
        """Every account and token, by key (the list of accounts)."""

    def create_credential(self, key: str, sealed: str) -> bool:
        """Keep a new credential under `key`; False (nothing written) when the key is taken."""

    def create_token(self, account_key: str, account_was: str, key: str,
                     sealed: str) -> bool | None:
        """Keep a new token of an account that still holds `account_was` (not disabled
        meanwhile): True when made, False when its key is taken, None when the account changed
        since it was read (nothing written: read it again)."""

    def swap_credential(self, key: str, was: str, sealed: str) -> bool:
        """Replace a credential's sealed value if it is still `was`; False: it changed."""

    def swap_credentials(self, swaps: Sequence[CredentialSwap]) -> None:
        """The same for several credentials at once; those changed meanwhile are left."""

    def plain_credential_count(self) -> int:
        """How many accounts and tokens earlier versions kept unsealed (ADR 0016)."""

    def plain_accounts(self) -> list[dict[str, Any]]:
        """The properties of each unsealed account of earlier versions."""

    def plain_tokens(self) -> list[tuple[dict[str, Any], str | None]]:
        """The properties of each unsealed token of earlier versions, with its account's name
        (None: it has none)."""

    def replace_plain_credentials(self, sealed: Sequence[SealedCredential]) -> None:
        """Keep `sealed` (replacing any of the same key) and remove every unsealed account and
        token, in one atomic write."""


# The hashes a sealed change event carries (gc:trailHash, gc:previousTrailHash, ADR 0017):
# properties of StoredEvent.props, which the event's own hash does not cover.
TRAIL_HASH = "trailHash"
TRAIL_PREVIOUS = "previousTrailHash"


class TrailState(NamedTuple):
    """The trail's sealed head (its change number and hash; 0 and None before the first seal)
    and the last change number given out (0 before the first)."""

    sealed_seq: int
    sealed_hash: str | None
    last: int


class StoredEvent(NamedTuple):
    """A numbered change event as stored: its change number, IRI and properties, who acted
    ([association properties, agent IRI, agent identifier] per qualified association) and how
    many record versions it wrote."""

    seq: int
    iri: str
    props: dict[str, Any]
    who: list[list[Any]]
    versions: int


class EventSeal(NamedTuple):
    """The hashes a change event gets when it is sealed: its own and the one before it."""

    seq: int
    iri: str
    hash: str
    previous: str


class TrailPort(Protocol):
    """What catalog.trail_chain asks of the store: the trail's events and its sealed head."""

    def trail_state(self) -> TrailState:
        """The sealed head and the last change number given out."""

    def trail_events(self, after: int, upto: int) -> list[StoredEvent]:
        """The change events numbered in (after, upto], by change number."""

    def trail_links(self, after: int, upto: int) -> list[tuple[str, list[str]]]:
        """What those events point at but their association: (event IRI, ["type IRI"])."""

    def detached_links_after(self, after: int) -> list[str]:
        """The links delete events numbered after `after` took away from earlier events:
        "<event IRI> <type> <record IRI>"."""

    def versions_of_changes(self, first: int, last: int) -> list[Row]:
        """The record versions written by the changes numbered in [first, last]: seq, record,
        at, working, content."""

    def versions_of_change(self, seq: int, skip: int, limit: int) -> list[Row]:
        """A page of the record versions change `seq` wrote, in a fixed order (the same
        fields)."""

    def event_beyond(self, last: int) -> tuple[int, str] | None:
        """The first change event numbered beyond `last` (number, IRI), if any."""

    def version_beyond(self, last: int) -> tuple[int, str] | None:
        """The first record version numbered beyond `last` (number, record IRI), if any."""

    def unnumbered_event(self) -> str | None:
        """The IRI of a change event without a change number, if any."""

    def seal_trail(self, after_seq: int, after_hash: str, seals: Sequence[EventSeal],
                   genesis: str) -> bool:
        """Store the hashes of `seals` (not empty, in order) and make the last the sealed
        head, in one write, only while the head is still (after_seq, after_hash) (a head never
        sealed is at 0 and `genesis`); False: another sealer moved it, nothing written."""

    def event_links_to(self, iris: Sequence[str]) -> list[tuple[str, str, str]]:
        """The links of change events to these records: (event IRI, type, record IRI)."""


class SavedQueriesPort(Protocol):
    """What graph_queries.saved asks of the store: the auditors' saved queries (ADR 0004),
    kept as `SavedQuery` nodes (never records)."""

    def save_query(self, name: str, *, cypher: str, description: str,
                   params: Sequence[Mapping[str, Any]], author: str, now: str,
                   timeout_ms: int | None, row_limit: int | None,
                   replace: bool) -> bool | None:
        """Keep a query under `name`: True when new, False when it replaced one (`replace`),
        None when the name is taken and not `replace` (nothing written)."""

    def saved_queries(self, name: str | None = None) -> list[Row]:
        """The saved queries (only the one named `name` when given), by name: name,
        description, cypher, params (the declared ones, as mappings), author, created,
        updated, updated_by, timeout_ms, row_limit."""

    def delete_saved_query(self, name: str) -> bool:
        """Delete the saved query `name`; False when there is none."""


class StoredEndorsement(NamedTuple):
    """The steering council's endorsement of an improvement plan as it then stood (R-5.1)."""

    plan: str
    iri: str
    fingerprint: str  # of the plan, its indicators and actions (catalog.cycle.plans)
    endorsed_on: str  # ISO date
    resolution: str | None  # the council's resolution number
    by: str | None  # the member who recorded it


class PlansPort(Protocol):
    """The improvement plans of step 3 beside the records (R-5.1, ADR 0027)."""

    def endorse_plan(self, agency: str, plan: str, endorsement: Mapping[str, Any],
                     event: CycleEvent) -> str | None:
        """Record the council's endorsement of `plan` (a plan of `agency`) with its event; its
        IRI, or None when the plan is not the agency's (nothing written)."""

    def endorsements(self, plans: Sequence[str]) -> list[StoredEndorsement]:
        """Every endorsement of these plans, oldest first."""

    def plan_parts(self, plan: str) -> list[str]:
        """The IRIs of a plan's indicators and actions."""


class ProgressPort(Protocol):
    """What catalog.cycle.progress asks of the store: plans as reports need them, progress
    reports with their evidence files written whole, and the files read back (R-5.2,
    ADR 0029)."""

    def progress_plan(self, plan: str) -> StoredPlan | None:
        """The plan with its agency, status, indicators and actions; None: no such plan."""

    def file_progress(self, filing: ProgressFiling) -> bool:
        """Write the report, its values, links, evidence files and change event in one
        atomic write; False, nothing written, when the plan is not the agency's and approved
        or already has a report for the period."""

    def progress_reports(self, plan: str) -> list[StoredProgress]:
        """The plan's progress reports, by period (never a file's bytes)."""

    def evidence_file(self, iri: str) -> StoredEvidence | None:
        """An evidence file's description and the plans whose reports cite it."""

    def evidence_content(self, iri: str) -> str | None:
        """An evidence file's bytes, in base64 as stored."""


class ProvincesPort(Protocol):
    """A piloted plan's provincial slice (R-5.5) and the provinces' verification reports
    (R-8.1, R-8.2), beside the records (ADR 0030)."""

    def register_slice(self, registration: SliceRegistration) -> str | None:
        """Write the slice with its event; its IRI, or None (nothing written) when the plan
        is not the agency's and approved, or has a slice already."""

    def move_slice(self, move: SliceMove) -> bool:
        """Move the slice to its next state with its event (and, sending it, stop the clock),
        all or nothing; False when it is not in `move.from_state`."""

    def provincial_slice(self, plan: str) -> StoredSlice | None:
        """The plan's slice, if registered."""

    def file_verification(self, filing: VerificationFiling) -> bool:
        """Write the report, its verdicts and its event in one atomic write; False, nothing
        written, when the province reported on the plan already."""

    def verifications(self, plan: str) -> list[StoredVerification]:
        """The verification reports on the plan, by province."""


class GraphStore(CyclePort, RecordsPort, AccessPort, TrailPort, SavedQueriesPort, PlansPort,
                 ProgressPort, ProvincesPort, Protocol):
    name: str

    def setup(self) -> None:
        """Create indexes and constraints; idempotent."""

    def apply(self, change: StoreChange) -> None:
        """Write all of `change` or nothing (StaleVersion, StillReferenced: nothing)."""

    def describe(self, iris: Sequence[str]) -> list[Node]:
        """The stored nodes of these IRIs (those that exist), with outgoing relationships."""

    def referrers(self, iris: Sequence[str]) -> list[str]:
        """IRIs of nodes with a relationship pointing at any of `iris`."""

    def read(self, query: str, params: Mapping[str, Any] | None = None, *,
             timeout_ms: int | None = None, limit: int | None = None) -> list[Row]:
        """Run an auditor's read-only query (named, saved or ad hoc, ADR 0004): the one text
        sent as is; the core asks through the named operations above (ADR 0021). The store
        itself refuses writes (ReadOnlyViolation).

        `timeout_ms`: the store stops the query past this time (QueryTimeout). `limit`: at most
        this many rows are returned; ask for one more to learn whether rows were left off.
        """

    def clear(self) -> None:
        """Delete everything (tests, restore into an empty store)."""

    def snapshot(self) -> AbstractContextManager[GraphStore]:
        """A read-only view of the whole store as of one moment, for a backup (ADR 0011):
        every numbered change (gc:seq) up to the view's newest is in it whole, none after it,
        while writes go on. FalkorDB: a copy of the graph made by the server (GRAPH.COPY), read
        at leisure and dropped after. Neo4j: one transaction holding the commit counter's lock,
        which every numbered change takes last before it commits. Only `read` and `describe`
        are meant to be used on it."""

    def close(self) -> None: ...
