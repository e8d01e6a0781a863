"""Progress reports of approved improvement plans, with their evidence files (R-5.2, ADR 0027,
ADR 0029).

The agency (its steward or its representative: `Act.FILE_PROGRESS`) files, per approved plan
and per half of a Solar Hijri year (`1404-H1`, catalog.cycle.deadlines.Period), one
`gc:ProgressReport` (`{plan}/progress/{period}`): the values its indicators reached
(`gc:measurement` → `gc:IndicatorValue` `{report}/value/{indicator ref}`: `gc:indicator`,
`rdf:value`), the actions it declares done (`gc:actionDone`), a narrative (`dct:description`
@fa) and evidence files (`gc:evidence` → `gc:Evidence`, catalog.cycle.evidence). The report,
its values, its files and its PROV-O event (action `file-progress`; `used` → the report and
each file, so the trail lists them) are one store write: all of it or nothing. A second report
for the same plan and period is refused (409): the trail is never edited (R-16).

Reading follows the plan: whoever may read the plan (catalog.access.visibility, as the
resources API applies it to the plan record) reads its reports and the evidence files they
cite; to anyone else a plan, a report or a file is not found, so its existence is not told.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from catalog.access.policy import Act
from catalog.access.principals import Principal
from catalog.access.visibility import visible
from catalog.cycle.deadlines import Period
from catalog.cycle.evidence import (
    IANA,
    EvidenceFile,
    EvidenceLimits,
    content_of,
    download_name,
    judge_all,
)
from catalog.cycle.facts import CycleEvent
from catalog.cycle.progress_facts import ProgressFiling, StoredEvidence, StoredProgress
from catalog.cycle.states import Actor, CycleRefused, Reason
from catalog.cycle.values import TextProblem, number, plain_text
from catalog.decided import APPROVED
from catalog.jalali import DateError
from catalog.trail_chain import TrailChain
from catalog.vocab import concept

if TYPE_CHECKING:
    from catalog.cycle.engine import Cycle

REQUIREMENT = "R-5.2"
ACTION = "file-progress"
MAX_NARRATIVE = 20_000


class ProgressRefused(CycleRefused):
    """A progress report refused, nothing written: `status` 404 (no such plan of the agency),
    409 (the plan is not approved, or the period is reported already) or 422 (what it says
    does not fit the plan)."""

    def __init__(self, status: int, reasons: list[Reason]) -> None:
        super().__init__(reasons)
        self.status = status


def _refuse(status: int, en: str, fa: str, requirement: str = REQUIREMENT) -> ProgressRefused:
    return ProgressRefused(status, [Reason(en, fa, requirement)])


@dataclass(frozen=True)
class EvidenceLink:
    """An evidence file as a report shows it: never its bytes, where to fetch them."""

    sha256: str
    name: str
    size: int | None
    media_type: str | None

    @property
    def href(self) -> str:
        return f"/evidence/{self.sha256}"


@dataclass(frozen=True)
class ProgressReport:
    """A progress report as read back."""

    iri: str
    plan: str
    agency: str
    period: str
    issued: date | None
    by: str | None
    narrative: str | None
    values: dict[str, str]  # indicator ref → the value reached (decimal text)
    done: tuple[str, ...]  # refs of the actions declared done
    evidence: tuple[EvidenceLink, ...]


@dataclass(frozen=True)
class EvidenceContent:
    """An evidence file served: its bytes, media type and the name it is offered under."""

    sha256: str
    media_type: str
    name: str
    data: bytes


def _ref(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def _media(iri: str | None) -> str | None:
    return iri[len(IANA):] if iri and iri.startswith(IANA) else iri


def _narrative(text: str) -> str:
    try:
        found = plain_text(text, "narrative of what was done in the period", "شرح پیشرفت دوره",
                           required=True, limit=MAX_NARRATIVE)
    except TextProblem as exc:
        raise _refuse(422, exc.en, exc.fa) from exc
    assert found is not None
    return found


def _decimal(indicator: str, value: Any) -> str:
    found = number(value)
    if found is None:
        raise _refuse(422, f"indicator {indicator}: {value!r} is not a number",
                      f"شاخص «{indicator}»: «{value}» عدد نیست")
    return found


class Progress:
    """Filing and reading progress reports; `cycle` gives the store, the IRIs, the clock and
    the policy (catalog.cycle.engine)."""

    def __init__(self, cycle: Cycle, limits: EvidenceLimits | None = None) -> None:
        self.cycle = cycle
        self.store = cycle.store
        self.iris = cycle.iris
        self.limits = limits or EvidenceLimits.from_env()

    # -- filing ---------------------------------------------------------------------------

    def file(self, agency: str, plan_ref: str, actor: Actor, *, period: str, narrative: str,
             values: Mapping[str, Any] | None = None, done: Sequence[str] = (),
             files: Iterable[tuple[str, bytes]] = ()) -> ProgressReport:
        """File the agency's progress report on its approved plan `plan_ref` for `period`:
        `values` by indicator ref, `done` action refs, evidence `files` (name, bytes), judged
        on their content (EvidenceRefused). Written whole or not at all (ProgressRefused)."""
        self.cycle.policy.check(actor, Act.FILE_PROGRESS, agency=agency)
        p = self._period(period)
        text = _narrative(narrative)
        plan_iri = str(self.iris.owned("plan", agency, plan_ref))
        plan = self.store.progress_plan(plan_iri)
        if plan is None or plan.agency != agency:
            raise self._no_plan(agency, plan_ref)
        if plan.status != APPROVED:
            raise _refuse(409, f"plan {plan_ref} of {agency} is not approved: progress is "
                               "reported on approved plans only",
                          f"برنامهٔ «{plan_ref}» دستگاه «{agency}» تأیید نشده است؛ گزارش "
                          "پیشرفت تنها برای برنامهٔ تأییدشده ثبت می‌شود")
        reached = self._values(plan.indicators, values or {})
        actions = self._actions(plan.actions, done)
        evidence = judge_all(files, self.limits)
        report_iri = f"{plan_iri}/progress/{p.label}"
        filing = self._filing(agency, plan_iri, p, report_iri, text, reached, actions,
                              evidence, actor)
        filed = self.store.file_progress(filing)
        TrailChain(self.store).after_write()  # ADR 0017
        if not filed:
            raise self._not_filed(agency, plan_ref, plan_iri, p)
        return self._one(agency, plan_iri, report_iri)

    def _period(self, period: str) -> Period:
        try:
            p = Period.parse(period)
        except DateError as exc:
            raise _refuse(422, exc.message_en, exc.message_fa) from exc
        if p.start > self.cycle._today():
            raise _refuse(422, f"the period {p} has not begun", f"دوره {p} هنوز آغاز نشده است")
        return p

    @staticmethod
    def _values(indicators: Sequence[str], values: Mapping[str, Any]) -> dict[str, str]:
        """Indicator IRI → the value reached (decimal text); every ref must be the plan's."""
        known = {_ref(i): i for i in indicators}
        unknown = sorted(str(k) for k in values if str(k) not in known)
        if unknown:
            raise _refuse(422, f"the plan has no indicator {', '.join(unknown)} "
                               f"(its indicators: {', '.join(sorted(known)) or 'none'})",
                          f"برنامه شاخص «{'، '.join(unknown)}» ندارد")
        return {known[str(k)]: _decimal(str(k), v) for k, v in values.items()}

    @staticmethod
    def _actions(actions: Sequence[str], done: Sequence[str]) -> list[str]:
        known = {_ref(x): x for x in actions}
        unknown = sorted({d for d in done if d not in known})
        if unknown:
            raise _refuse(422, f"the plan has no action {', '.join(unknown)} "
                               f"(its actions: {', '.join(sorted(known)) or 'none'})",
                          f"برنامه اقدام «{'، '.join(unknown)}» ندارد")
        return sorted({known[d] for d in done})

    def _filing(self, agency: str, plan: str, p: Period, report_iri: str, narrative: str,
                reached: Mapping[str, str], actions: Sequence[str],
                evidence: Sequence[EvidenceFile], actor: Actor) -> ProgressFiling:
        today = self.cycle._today()
        report = {"iri": report_iri, "period": p.label, "issued": today.isoformat(),
                  "description@fa": narrative}
        values = [{"indicator": ind, "props": {"iri": f"{report_iri}/value/{_ref(ind)}",
                                               "value": v}}
                  for ind, v in sorted(reached.items())]
        files = [f.node(self.evidence_iri(f.sha256)) for f in evidence]
        names = ", ".join(f.name for f in evidence) or "no file"
        event = self._event(agency, actor, f"progress report {p} of {_ref(plan)} ({names})")
        return ProgressFiling(str(self.iris.agency(agency)), plan, p.label, APPROVED, report,
                              values, actions, files, event)

    def _event(self, agency: str, actor: Actor, reason: str) -> CycleEvent:
        """The change event (the shape of Cycle._event; R-16), of step 3."""
        event = str(self.iris.owned("event", agency, str(uuid.uuid4())))
        return CycleEvent(event, ACTION, "filed", self.cycle._now().isoformat(), actor.name,
                          str(self.iris.agent(actor.name)), actor.role.value,
                          event + "/association", concept("cycle-step", "3"), reason)

    def _not_filed(self, agency: str, plan_ref: str, plan: str, p: Period) -> ProgressRefused:
        if any(r.period == p.label for r in self.store.progress_reports(plan)):
            return _refuse(409, f"{agency} already filed its progress report on plan "
                                f"{plan_ref} for {p}; a filed report is not changed",
                           f"گزارش پیشرفت دورهٔ {p} برنامهٔ «{plan_ref}» دستگاه «{agency}» "
                           "پیش‌تر ثبت شده است و تغییر نمی‌کند")
        return _refuse(409, f"plan {plan_ref} of {agency} is no longer approved; nothing "
                            "was written",
                       f"برنامهٔ «{plan_ref}» دستگاه «{agency}» دیگر تأییدشده نیست؛ چیزی ثبت نشد")

    def _no_plan(self, agency: str, plan_ref: str) -> ProgressRefused:
        return _refuse(404, f"{agency} has no improvement plan {plan_ref}",
                       f"دستگاه «{agency}» برنامهٔ بهبودی با شناسهٔ «{plan_ref}» ندارد", "R-5.1")

    # -- reading --------------------------------------------------------------------------

    def evidence_iri(self, sha256: str) -> str:
        return f"{self.iris.base}evidence/{sha256}"

    def reports(self, agency: str, plan_ref: str, reader: Principal | None
                ) -> list[ProgressReport]:
        """The reports on a plan the reader may read (ProgressRefused 404 otherwise)."""
        plan_iri = str(self.iris.owned("plan", agency, plan_ref))
        if not self._readable(reader, [plan_iri]):
            raise self._no_plan(agency, plan_ref)
        return [self._report(agency, r) for r in self.store.progress_reports(plan_iri)]

    def evidence(self, sha256: str, reader: Principal | None) -> EvidenceContent | None:
        """An evidence file for a reader who may read a plan whose report cites it; None for
        anyone else and for a file that does not exist, alike."""
        iri = self.evidence_iri(sha256.lower())
        found: StoredEvidence | None = self.store.evidence_file(iri)
        if found is None or not self._readable(reader, found.plans):
            return None
        encoded = self.store.evidence_content(iri)
        if encoded is None:
            return None
        media = _media(found.media_type) or "application/octet-stream"
        return EvidenceContent(found.sha256, media,
                               download_name(found.title, found.sha256, media),
                               content_of({"bytes": encoded}))

    def _readable(self, reader: Principal | None, plans: Sequence[str]) -> bool:
        return any(visible(reader, n) for n in self.store.describe(list(plans)))

    def _one(self, agency: str, plan: str, iri: str) -> ProgressReport:
        return next(self._report(agency, r) for r in self.store.progress_reports(plan)
                    if r.iri == iri)

    @staticmethod
    def _report(agency: str, r: StoredProgress) -> ProgressReport:
        issued = r.props.get("issued")
        return ProgressReport(
            iri=r.iri, plan=r.plan, agency=agency, period=r.period,
            issued=date.fromisoformat(str(issued)) if issued else None, by=r.by,
            narrative=r.props.get("description@fa"),
            values={_ref(i): v for i, v in sorted(r.values.items())},
            done=tuple(sorted(_ref(x) for x in r.done)),
            evidence=tuple(EvidenceLink(e.sha256, download_name(e.title, e.sha256,
                                                                _media(e.media_type) or ""),
                                        e.size, _media(e.media_type)) for e in r.evidence))
