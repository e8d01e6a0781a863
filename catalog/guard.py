"""Every action govcat offers, for an authenticated principal: the policy is asked first, here,
and routes, loaders and commands call only this (ADR 0008: authorization in one place).

Writes go on to the registry (validation, one atomic write, change event) and the cycle
(transitions, issued IDs); reads of the trail, deadlines and queries are checked the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from rdflib import URIRef

from catalog import resources
from catalog.access.accounts import SESSION, Account, AccountError, Accounts, IssuedToken
from catalog.access.ownership import new_parents, owners
from catalog.access.policy import Act, Policy
from catalog.access.principals import AGENCY_ROLES, Forbidden, Principal, Role
from catalog.changeset import ChangeSet, Origin
from catalog.cycle import inbox, reports
from catalog.cycle.changes import Changes
from catalog.cycle.deadlines import Period
from catalog.cycle.engine import KINDS, Cycle, Issued, StepStatus
from catalog.cycle.facts import HistoryEntry
from catalog.cycle.inbox import Submission, Waiting
from catalog.cycle.obligations import (
    Appointment,
    Deadline,
    Obligation,
    Obligations,
    Received,
    Report,
)
from catalog.cycle.plans import Plans, PlanState, ServiceCover
from catalog.cycle.provinces import Provinces
from catalog.cycle.reports import MonitoringReport
from catalog.cycle.states import State
from catalog.decided import decided_problems
from catalog.graphmap import Node, nodes_to_graph
from catalog.legacy import LegacyRow, record_legacy
from catalog.port import Row
from catalog.problems import Problem, Rejected
from catalog.registry import TRAIL_LABELS, Outcome, Registry, Version, WorkingVersion


class Guard:
    def __init__(self, registry: Registry, cycle: Cycle | None = None,
                 accounts: Accounts | None = None) -> None:
        self.registry = registry
        self.cycle = cycle or Cycle(registry.store, registry.iris)
        self.accounts = accounts or Accounts(registry.store)
        self.policy: Policy = self.cycle.policy
        self.obligations = Obligations(self.cycle)

    # -- authentication -----------------------------------------------------------------------

    def authenticate(self, token: str) -> Principal:
        return self.accounts.authenticate(token)

    # People in the web app (ADR 0031): a password set by a one-time link, then sessions.

    def authenticate_session(self, session: str) -> Principal:
        return self.accounts.authenticate(session, SESSION)

    def sign_in(self, name: str, password: str) -> IssuedToken:
        return self.accounts.sign_in(name, password)

    def sign_out(self, session: str) -> None:
        self.accounts.sign_out(session)

    def password_link(self, p: Principal, name: str) -> IssuedToken:
        """A one-time code for the account's person to set a password; a system account has
        none (it signs in with API tokens only)."""
        self.policy.check(p, Act.MANAGE_ACCOUNTS)
        found = self.accounts.find(name)
        if found is not None and found.principal.role is Role.SYSTEM:
            raise AccountError("a system account signs in with API tokens, not a password")
        return self.accounts.password_link(name)

    def set_password(self, code: str, password: str) -> str:
        return self.accounts.set_password(code, password)

    # -- records ------------------------------------------------------------------------------

    def authorize_changeset(self, p: Principal, cs: ChangeSet,
                            known: Mapping[str, Node | None] | None = None) -> None:
        """R-20.1: every record of the change set is of an agency `p` may write for.
        `known`: stored records just read (None: not stored), not read again."""
        if p.role not in AGENCY_ROLES:  # not bound to an agency: the role decides alone
            self.policy.check(p, Act.WRITE_RECORDS)
            return
        have = known or {}

        def stored(iris: list[str]) -> list[Node]:
            found = [n for i in iris if (n := have.get(i)) is not None]
            return found + self.registry.store.describe([i for i in iris if i not in have])

        codes, orphans = owners(cs, self.registry.iris, stored)
        self.policy.check_records(p, codes, orphans, new_parents(cs, self.registry.iris))

    def check(self, p: Principal, cs: ChangeSet) -> list[Problem]:
        self.authorize_changeset(p, cs)
        stored = self.registry.stored_decidable(cs)  # read once for both checks
        return decided_problems(cs, stored) + self.registry.check(cs, stored)

    def decided(self, cs: ChangeSet, known: Mapping[str, Node | None] | None = None
                ) -> list[Problem]:
        """What `cs` says that only the cycle decides (catalog.decided; R-2.1, R-3.2, R-4.2):
        no principal's submission sets an approval state, an issued ID or a legacy ID."""
        return decided_problems(cs, self.registry.stored_decidable(cs, known))

    def _refuse_decided(self, cs: ChangeSet,
                        known: Mapping[str, Node | None] | None = None) -> None:
        problems = self.decided(cs, known)
        if problems:
            raise Rejected(problems)

    def submit(self, p: Principal, cs: ChangeSet, action: str = "import") -> Outcome:
        self.authorize_changeset(p, cs)
        self._refuse_decided(cs)
        return self._after_write(p, self.registry.submit(cs, p, action))

    def apply_checked(self, p: Principal, cs: ChangeSet, action: str = "import") -> Outcome:
        """Store a change set `check` has just passed for the same principal."""
        self.authorize_changeset(p, cs)
        self._refuse_decided(cs)
        return self._after_write(p, self.registry.apply_checked(cs, p, action))

    def _after_write(self, p: Principal, outcome: Outcome) -> Outcome:
        """R-3.3: changing or withdrawing a duty that holds an issued ID is a change of the
        agency's duties: its 10-day clock starts (ADR 0007), and every service mapped to the
        duty and every chain holding those services is flagged to review, counted from the
        day the change took legal effect (`changed_on`), not the day of the edit (ADR 0015)."""
        by_agency: dict[str, list[date]] = {}
        for iri, changed_on in outcome.duty_changed_on:
            on = _day(changed_on)
            if (code := self._owner_code(iri)) is not None:
                by_agency.setdefault(code, []).append(on or self.cycle._today())
            self.obligations.flag_for_review(iri, p, on)
        for code, days in sorted(by_agency.items()):
            self.obligations.duties_changed(code, p, on=min(days),
                                            reason="a duty holding an ID was changed")
        return outcome

    def _owner_code(self, iri: str) -> str | None:
        prefix = self.registry.iris.base + "agency/"
        return iri[len(prefix):].split("/", 1)[0] if iri.startswith(prefix) else None

    # -- the cycle (its own checks go through the same policy) ------------------------------

    def steps(self, p: Principal, agency: str) -> list[StepStatus]:
        self.policy.check(p, Act.READ_TRAIL)
        return self.cycle.steps(agency)

    def move(self, p: Principal, agency: str, step: int, action: str,
             reason: str | None = None) -> State:
        """start, submit or reopen a step (the agency), or reject it (its approving body)."""
        if action == "start":
            return self.cycle.start(agency, step, p)
        if action == "submit":
            return self.cycle.submit(agency, step, p)
        if action == "reopen":
            return self.cycle.reopen(agency, step, p, reason or "")
        if action == "reject":
            return self.cycle.reject(agency, step, p, reason or "")
        raise ValueError(f"unknown action {action!r}")

    def approve(self, p: Principal, agency: str, step: int,
                reason: str | None = None) -> list[Issued]:
        return self.cycle.approve(agency, step, p, reason)

    def decide_record(self, p: Principal, agency: str, record: str, approve: bool,
                      reason: str | None = None) -> Issued | None:
        if approve:
            return self.cycle.approve_record(agency, record, p)
        self.cycle.reject_record(agency, record, p, reason or "")
        return None

    # -- step 3: improvement plans (R-5.1, ADR 0027) ---------------------------------------

    def plans(self, p: Principal, agency: str) -> tuple[list[PlanState], list[ServiceCover]]:
        """The agency's plans, and its services holding an ID with whether a plan covers each
        for step 3."""
        self.policy.check(p, Act.READ_TRAIL)
        plans = Plans(self.cycle)
        return plans.plans(agency), plans.services_covered(agency)

    def endorse_plan(self, p: Principal, agency: str, plan: str,
                     resolution: str | None = None) -> tuple[PlanState, bool]:
        """The agency's steering council endorses a plan as it stands (R-5.1)."""
        return Plans(self.cycle).endorse(agency, plan, p, resolution)

    # -- the trail and deadlines (R-16, R-18) -----------------------------------------------

    def history(self, p: Principal, iri: str) -> list[HistoryEntry]:
        self.policy.check(p, Act.READ_TRAIL)
        return self.cycle.history(iri)

    def trail(self, p: Principal, agency: str | None = None, actor: str | None = None,
              before: int | None = None, limit: int = 100) -> list[Row]:
        self.policy.check(p, Act.READ_TRAIL)
        return self.cycle.trail(agency, actor, before, limit)

    def versions(self, p: Principal, iri: str) -> list[Version]:
        self.policy.check(p, Act.READ_TRAIL)
        return list(self.registry.versions(iri))

    def working_change(self, p: Principal, iri: str) -> WorkingVersion | None:
        """The change waiting on the approved record `iri`, if any (ADR 0015)."""
        self.policy.check(p, Act.READ_TRAIL)
        return self.registry.working(iri)

    def waiting_changes(self, p: Principal, agency: str) -> list[WorkingVersion]:
        """The changes to `agency`'s approved duties and services waiting for the body."""
        self.policy.check(p, Act.READ_TRAIL)
        changes = Changes(self.cycle)
        return [w for kind in KINDS.values() for w in changes.of_agency(agency, kind)]

    def inbox(self, p: Principal) -> list[Waiting]:
        """R-2.1, R-2.2: the submitted steps of every agency that `p`'s approving bodies (or,
        where the text allows, `p` as an accredited consultant, R-15) decide, oldest first;
        Forbidden when `p` decides no step at all."""
        mine = self._decided_by(p)
        return inbox.waiting(self.cycle, [(code, s) for code, s in self.cycle.all_steps()
                                          if s.state is State.SUBMITTED and s.step in mine])

    def submission(self, p: Principal, agency: str, step: int) -> Submission:
        """What approving `agency`'s step would decide, each record against its last
        approved version (R-2.1, ADR 0015): readable as the trail is (R-16)."""
        self.policy.check(p, Act.READ_TRAIL)
        return inbox.submission(self.cycle, agency, step)

    def _decided_by(self, p: Principal) -> set[int]:
        mine: set[int] = set()
        refused: Forbidden | None = None
        for step in self.cycle.config.steps:
            try:
                self.policy.check(p, Act.DECIDE_STEP, step=step)
                mine.add(step)
            except Forbidden as exc:
                refused = refused or exc
        if not mine and refused is not None:
            raise refused
        return mine

    def record_legacy(self, p: Principal, rows: list[LegacyRow]) -> Outcome:
        """R-4.2: an administrator records identifiers of earlier registries (ADR 0015)."""
        self.policy.check(p, Act.IMPORT_LEGACY_IDS)
        return record_legacy(self.registry, p, rows)

    def resolve_review(self, p: Principal, agency: str, record: str, note: str) -> None:
        """R-3.3: the agency reviewed a record flagged after a duty change."""
        self.obligations.resolve_review(agency, record, p, note)

    def deadlines(self, p: Principal, today: date,
                  agency: str | None = None) -> list[Deadline]:
        """The steps' deadlines and every clock an event started (R-3.1 … R-19)."""
        self.policy.check(p, Act.READ_TRAIL)
        return self.obligations.deadlines(today, agency)

    # -- queries (ADR 0004) --------------------------------------------------------------------

    def may_query(self, p: Principal, cypher_text: bool = False) -> None:
        self.policy.check(p, Act.RUN_CYPHER if cypher_text else Act.RUN_NAMED_QUERY)

    # -- accounts -----------------------------------------------------------------------------

    def save_account(self, p: Principal, account: Principal) -> None:
        self.policy.check(p, Act.MANAGE_ACCOUNTS)
        self.accounts.save(account)

    def disable_account(self, p: Principal, name: str) -> int:
        self.policy.check(p, Act.MANAGE_ACCOUNTS)
        return self.accounts.disable(name)

    def list_accounts(self, p: Principal) -> list[Account]:
        self.policy.check(p, Act.MANAGE_ACCOUNTS)
        return self.accounts.accounts()

    def issue_token(self, p: Principal, name: str, days: int = 90,
                    label: str = "") -> IssuedToken:
        self.policy.check(p, Act.MANAGE_ACCOUNTS)
        return self.accounts.issue(name, days, label)

    def revoke_token(self, p: Principal, token_id: str) -> str:
        self.policy.check(p, Act.MANAGE_ACCOUNTS)
        return self.accounts.revoke(token_id)

    # -- obligations and reports (R-3.3, R-5.5, R-7, R-18, R-19; ADR 0007) --------------------
    # Writes are authorized by Obligations._authorize (the same policy); reads are checked here.

    def appoint_representative(self, p: Principal, agency: str, person: str) -> Appointment:
        """R-19: the agency's steward appoints its representative; the 10-day clock stops."""
        return self.obligations.appoint_representative(agency, person, p)

    def record_emergency(self, p: Principal, agency: str, *, referred: date, subject: str,
                         days: int | None = None, due: date | None = None,
                         reference: str | None = None) -> Obligation:
        """R-7: the Organization records an emergency request referred by Foad 128."""
        return self.obligations.record_emergency(agency, p, referred=referred, subject=subject,
                                                 days=days, due=due, reference=reference)

    def receive_emergency(self, p: Principal, agency: str, *, reference: str, referred: date,
                          subject: str, days: int | None = None,
                          due: date | None = None) -> Received:
        """R-7 (ADR 0028): Foad 128's system account sends a request it referred; sent
        again, the stored request is the answer."""
        return self.obligations.receive_emergency(agency, p, reference=reference,
                                                  referred=referred, subject=subject,
                                                  days=days, due=due)

    def list_emergencies(self, p: Principal, today: date, agency: str | None = None,
                         state: str | None = None) -> list[Obligation]:
        """The emergency requests (R-7) of an agency or all: open, closed or overdue."""
        self.policy.check(p, Act.READ_TRAIL)
        return self.obligations.emergencies(today, agency, state)

    def resolve_emergency(self, p: Principal, agency: str, request: str,
                          note: str | None = None) -> None:
        """R-7: the agency handled the request (its IRI or Foad 128 reference)."""
        self.obligations.resolve_emergency(agency, request, p, note)

    # -- a piloted plan's provincial slice, the provinces' verification (R-5.5, R-8; ADR 0030)

    def provinces(self, p: Principal) -> Provinces:
        """Slices and verification reports: each write asks the policy itself; reading them
        is reading the trail (R-16)."""
        self.policy.check(p, Act.READ_TRAIL)
        return Provinces(self.cycle)

    def provinces_writer(self) -> Provinces:
        """The same, for a write: its own policy check decides (register and send: the
        agency's steward; endorse: its council; verify: the province's verifier)."""
        return Provinces(self.cycle)

    def duties_changed(self, p: Principal, agency: str, on: date | None = None,
                       reason: str | None = None) -> Obligation | None:
        """R-3.3: the agency's duties changed; None when an update is already due."""
        return self.obligations.duties_changed(agency, p, on, reason)

    def file_performance_report(self, p: Principal, agency: str, *, period: str,
                                progress: str, challenges: str = "", risks: str = "",
                                mitigations: str = "") -> Report:
        """R-19: the agency's current representative files its report for a period."""
        return self.obligations.file_performance_report(
            agency, p, period=period, progress=progress, challenges=challenges, risks=risks,
            mitigations=mitigations)

    def list_performance_reports(self, p: Principal, agency: str | None = None) -> list[Report]:
        self.policy.check(p, Act.READ_TRAIL)
        return self.obligations.performance_reports(agency)

    def list_appointments(self, p: Principal, agency: str | None = None) -> list[Appointment]:
        """Every representative appointed (R-19), the current ones without an end."""
        self.policy.check(p, Act.READ_TRAIL)
        return self.obligations.appointments(agency)

    def list_obligations(self, p: Principal, agency: str | None = None,
                         only_open: bool = False) -> list[Obligation]:
        """The clocks started by events (R-3.3, R-5.5, R-7, R-18, R-19), open and met."""
        self.policy.check(p, Act.READ_TRAIL)
        return self.obligations.obligations(agency, only_open)

    def monitoring_report(self, p: Principal, period: Period, agency: str | None = None,
                          today: date | None = None) -> MonitoringReport:
        """R-18: the deviation report of `period`, as of its end or of today."""
        self.policy.check(p, Act.MONITOR)
        return reports.monitoring_report(self.cycle, period, p, agency, today)

    def record_monitoring(self, p: Principal, period: Period,
                          agencies: list[str]) -> list[str]:
        """R-18: the report of `period` is issued for `agencies`; their clocks restart.
        Returns the agencies recorded now (not those recorded before)."""
        return self.obligations.record_monitoring(period.label, p, agencies)

    # -- resources over HTTP: lists, versioned edits and deletes (ADR 0009) ----------

    def list_resources(self, p: Principal | None,
                       query: resources.ResourceQuery) -> resources.Page:
        """One page of records of one kind; `p` None: the public view. Reading the catalog is
        the act of reading the feed and snapshots; what `p` sees, catalog.access.visibility."""
        if p is not None:
            self.policy.check(p, Act.READ_FEED)
        return resources.list_page(self.registry, query, p)

    def put_record(self, p: Principal, cs: ChangeSet, iri: str,
                   pre: resources.Precondition) -> resources.Written:
        """Create or replace one record (R-20.1: of `p`'s agency tree), SHACL-checked, as one
        "edit" change event; 412 (StaleVersion) when `pre` fails, even under concurrency."""
        before = resources.current(self.registry, iri)
        self.authorize_changeset(p, cs, {iri: before})
        self._refuse_decided(cs, {iri: before})
        written = resources.put(self.registry, p, cs, iri, pre, before)
        if written.outcome is not None:
            self._after_write(p, written.outcome)
        return written

    def delete_record(self, p: Principal, iri: str,
                      pre: resources.Precondition) -> resources.Written | None:
        """Delete one record of `p`'s agency tree, where the cycle allows (catalog.resources
        .delete); None when there is no such record."""
        node = resources.current(self.registry, iri)
        if node is None:
            return None
        if not resources.deletable(node):
            raise Forbidden(f"{node.label} records are not deleted through the catalog's API",
                            "این نوع رکورد از راه رابط برنامه حذف نمی‌شود",
                            "R-16" if node.label in TRAIL_LABELS else "R-20.1")
        graph = nodes_to_graph([node])
        self.authorize_changeset(p, ChangeSet(graph, {URIRef(iri): Origin("DELETE /resource")}))
        return resources.delete(self.registry, p, node, pre)


def _day(value: object) -> date | None:
    """A stored gc:changedOn (an ISO date, or a date) as a date."""
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
