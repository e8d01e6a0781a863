"""The policy: who may do what, decided here and nowhere else (ADR 0008).

Every action of the core (catalog.guard) asks `Policy.check` before it reads or writes; routes,
loaders and commands never decide. A steward's reach is its own agency and the bodies below it
(R-20.1: subsidiary, affiliated and provincial units; R-20.2: delegated bodies it supervises),
read from the stored `org:subOrganizationOf` tree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import TYPE_CHECKING

from catalog.access.principals import (
    AGENCY_ROLES,
    ROLE_LABELS,
    SUBMIT_EMERGENCIES,
    Forbidden,
    Principal,
    Role,
)

if TYPE_CHECKING:  # catalog.cycle asks this policy; a runtime import would be circular
    from catalog.cycle.config import CycleConfig


class Act(StrEnum):
    WRITE_RECORDS = "write records"  # load or edit duties, services, posts …
    MOVE_STEP = "start, submit or reopen a step"  # the agency moves its own steps
    DECIDE_STEP = "approve or reject a step"  # the step's approving body
    APPOINT_REPRESENTATIVE = "appoint the representative"
    FILE_REPORT = "file a performance report"
    FILE_PROGRESS = "file a progress report on an approved plan"  # ADR 0029
    RECORD_EMERGENCY = "record an emergency request"  # referred by the Organization
    SUBMIT_EMERGENCY = "submit an emergency request from Foad 128"  # R-7, ADR 0028
    VERIFY_PROVINCE = "verify a provincial slice"
    READ_TRAIL = "read the audit trail and deadlines"
    RUN_NAMED_QUERY = "run a named graph query"
    RUN_CYPHER = "run or save an ad-hoc query"  # ADR 0004
    MONITOR = "produce the monitoring report"
    MANAGE_ACCOUNTS = "manage accounts and tokens"
    READ_FEED = "read the change feed and snapshots"  # ADR 0009: other systems keep in sync
    QUERY_SPARQL = "query the catalog with SPARQL"  # ADR 0009: read-only; scopes in catalog.sparql
    IMPORT_LEGACY_IDS = "import legacy identifiers"  # beside the issued IDs (ADR 0015)
    ENDORSE_PLAN = "endorse an improvement plan"  # the agency's steering council
    SEND_SLICE = "register or send a provincial slice"  # the agency's steward (ADR 0030)


# Which roles may take each act at all; scope (agency, body, province) is checked after.
_ROLES: dict[Act, frozenset[Role]] = {
    Act.WRITE_RECORDS: frozenset({Role.STEWARD, Role.ADMIN}),
    Act.MOVE_STEP: frozenset({Role.STEWARD, Role.REPRESENTATIVE, Role.ADMIN}),
    Act.DECIDE_STEP: frozenset({Role.REVIEWER, Role.CONSULTANT}),
    Act.APPOINT_REPRESENTATIVE: frozenset({Role.STEWARD, Role.ADMIN}),
    Act.FILE_REPORT: frozenset({Role.REPRESENTATIVE}),
    Act.FILE_PROGRESS: frozenset({Role.STEWARD, Role.REPRESENTATIVE}),
    Act.RECORD_EMERGENCY: frozenset({Role.REVIEWER, Role.ADMIN}),
    Act.SUBMIT_EMERGENCY: frozenset({Role.SYSTEM}),  # with the scope SUBMIT_EMERGENCIES
    Act.VERIFY_PROVINCE: frozenset({Role.PROVINCIAL_VERIFIER}),
    Act.READ_TRAIL: frozenset({Role.STEWARD, Role.REPRESENTATIVE, Role.COUNCIL, Role.REVIEWER,
                               Role.CONSULTANT, Role.PROVINCIAL_VERIFIER, Role.AUDITOR,
                               Role.ADMIN}),
    Act.RUN_NAMED_QUERY: frozenset({Role.STEWARD, Role.REPRESENTATIVE, Role.COUNCIL,
                                    Role.REVIEWER,
                                    Role.CONSULTANT, Role.PROVINCIAL_VERIFIER, Role.AUDITOR,
                                    Role.ADMIN}),
    Act.RUN_CYPHER: frozenset({Role.AUDITOR, Role.ADMIN}),
    Act.MONITOR: frozenset({Role.AUDITOR, Role.REVIEWER, Role.ADMIN}),
    Act.MANAGE_ACCOUNTS: frozenset({Role.ADMIN}),
    Act.READ_FEED: frozenset(Role),
    Act.QUERY_SPARQL: frozenset(Role),
    Act.IMPORT_LEGACY_IDS: frozenset({Role.ADMIN}),
    Act.ENDORSE_PLAN: frozenset({Role.COUNCIL}),
    Act.SEND_SLICE: frozenset({Role.STEWARD}),
}

# Acts confined to the principal's own agency tree when its role is bound to an agency.
_AGENCY_BOUND = frozenset({Act.WRITE_RECORDS, Act.MOVE_STEP, Act.APPOINT_REPRESENTATIVE,
                           Act.FILE_PROGRESS, Act.FILE_REPORT, Act.ENDORSE_PLAN,
                           Act.SEND_SLICE})

# The acts whose rule comes from the text, for the R-ID a refusal cites.
_REQUIREMENT: dict[Act, str] = {
    Act.WRITE_RECORDS: "R-20.1", Act.MOVE_STEP: "R-2.1", Act.DECIDE_STEP: "R-2.2",
    Act.APPOINT_REPRESENTATIVE: "R-19", Act.FILE_REPORT: "R-19", Act.RECORD_EMERGENCY: "R-7",
    Act.SUBMIT_EMERGENCY: "R-7", Act.FILE_PROGRESS: "R-5.2",
    Act.VERIFY_PROVINCE: "R-8.1", Act.MONITOR: "R-18", Act.IMPORT_LEGACY_IDS: "R-4.2",
    Act.ENDORSE_PLAN: "R-5.1", Act.SEND_SLICE: "R-5.5",
}

# ancestors(code) → the codes of the agency's parents, nearest first (empty if none/unknown).
Ancestors = Callable[[str], list[str]]


class Policy:
    def __init__(self, config: CycleConfig, ancestors: Ancestors) -> None:
        self.config = config
        self._ancestors = ancestors

    def check(self, p: Principal, act: Act, *, agency: str | None = None,
              step: int | None = None, province: str | None = None) -> None:
        """Raise Forbidden unless `p` may take `act` (on `agency`'s records, `step`)."""
        requirement = _REQUIREMENT.get(act, "R-16")
        if p.role not in _ROLES[act]:
            en, fa = ROLE_LABELS[p.role]
            raise Forbidden(f"a {en} may not {act.value}",
                            f"نقش «{fa}» اجازه این کار را ندارد", requirement)
        if act in _AGENCY_BOUND and p.role in AGENCY_ROLES:
            self.check_agencies(p, [agency] if agency else [])
        if act is Act.DECIDE_STEP:
            self._check_decider(p, step)
        if act is Act.SUBMIT_EMERGENCY and SUBMIT_EMERGENCIES not in p.scopes:
            raise Forbidden(f"{p.name} does not hold the scope {SUBMIT_EMERGENCIES}",
                            f"سامانهٔ «{p.name}» مجوز {SUBMIT_EMERGENCIES} را ندارد", "R-7")
        if act is Act.VERIFY_PROVINCE and (p.province is None or p.province != province):
            raise Forbidden(f"{p.name} verifies province {p.province}, not {province}",
                            f"«{p.name}» تأییدکننده استان دیگری است", "R-8.1")

    def check_records(self, p: Principal, agencies: Iterable[str], orphans: list[str],
                      new_parents: dict[str, str]) -> None:
        """May `p` write records of these agencies (R-20.1)? `orphans`: records that name no
        agency; `new_parents`: agencies being defined now, with their parents."""
        self.check(p, Act.WRITE_RECORDS, agency=p.agency)
        if p.role not in AGENCY_ROLES:
            return
        if orphans:
            raise Forbidden(f"{len(orphans)} record(s) name no agency, e.g. {orphans[0]}",
                            "برخی رکوردها دستگاه صاحب خود را نام نمی‌برند", "R-20.1")
        self.check_agencies(p, agencies, new_parents)

    def check_agencies(self, p: Principal, agencies: Iterable[str],
                       new_parents: dict[str, str] | None = None) -> None:
        """R-20.1: an agency-bound principal acts only on its agency and the bodies below it."""
        if p.role not in AGENCY_ROLES:
            return
        wanted = set(agencies)
        if not wanted:
            raise Forbidden("name the agency whose records these are",
                            "دستگاهِ صاحب این رکوردها را مشخص کنید", "R-20.1")
        outside = sorted(a for a in wanted if not self.within(p, a, new_parents or {}))
        if outside:
            raise Forbidden(
                f"{p.name} acts for {p.agency}; not for {', '.join(outside)}",
                f"«{p.name}» تنها برای دستگاه «{p.agency}» و واحدهای تابع آن اقدام می‌کند، "
                f"نه «{'، '.join(outside)}»", "R-20.1")

    def within(self, p: Principal, agency: str, new_parents: dict[str, str] | None = None,
               depth: int = 0) -> bool:
        """Whether `agency` is `p`'s agency or below it in the agency tree (stored, or being
        defined now with a parent in `new_parents`)."""
        if p.agency is None or depth > 8:
            return False
        if agency == p.agency:
            return True
        parent = (new_parents or {}).get(agency)
        if parent is not None:
            return self.within(p, parent, new_parents, depth + 1)
        return p.agency in self._ancestors(agency)

    def _check_decider(self, p: Principal, step: int | None) -> None:
        cfg = self.config.steps.get(step or 0)
        if cfg is None:
            raise Forbidden(f"no step {step}", f"گام {step} وجود ندارد", "R-2.1")
        if p.role is Role.REVIEWER and cfg.body not in p.bodies:
            raise Forbidden(
                f"step {cfg.number} is approved by {cfg.approving_body_en}; "
                f"{p.name} is not a reviewer of it",
                f"تأیید گام {cfg.number} با «{cfg.approving_body_fa}» است و «{p.name}» "
                "کارشناس آن نیست", "R-2.2")
        if p.role is Role.CONSULTANT:
            if not cfg.consultants:
                raise Forbidden(
                    f"step {cfg.number} is validated by {cfg.approving_body_en}, "
                    "not by a consultant",
                    f"تأیید گام {cfg.number} با «{cfg.approving_body_fa}» است، نه مشاور",
                    "R-2.2")
            if p.name not in self.config.accredited_consultants:
                raise Forbidden(f"{p.name} is not in the pool of accredited consultants",
                                f"«{p.name}» در فهرست مشاوران ذی‌صلاح نیست", "R-15")
