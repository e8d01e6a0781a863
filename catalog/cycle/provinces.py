"""A piloted plan's provincial slice (R-5.5) and the provinces' verification of a plan's
indicators (R-8.1, R-8.2): ADR 0027's nodes of the cycle, built by ADR 0030.

**The provincial slice** (`gc:ProvincialSlice` ⊂ prov:Plan, `{plan}/slice`) is the part of a
plan piloted in one province (the plan's `dct:spatial`) that the other provinces adopt. When
step 3 is approved, each approved piloted plan's slice is due within one month (the R-5.5
clock, catalog.cycle.obligations, key `R-5.5/<plan ref>`). The agency registers it (its
steward: a description @fa, optionally @en, and the provinces it goes to, by default every
province but the pilot), its steering council endorses it (`Act.ENDORSE_PLAN`), then the agency
sends it to the provinces, which stops the clock: met that day, late when after the due date.
States: `registered` → `endorsed` → `sent`.

**A verification report** (`gc:VerificationReport` ⊂ prov:Entity,
`{plan}/verification/{province}`): once every action of an approved plan is declared done by
the agency's progress reports (`gc:actionDone`, catalog.cycle.progress), the verifier of a
province (`Act.VERIFY_PROVINCE`, bound to the province) records, once per plan and province,
per indicator of the plan a `gc:IndicatorVerification` (verdict `verification/confirmed` or
`/not_confirmed`, the value observed, a note) and the process problems and suggestions seen in
the province (`gc:problems`, `gc:suggestions` @fa, R-8.2).

Every write is one guarded store write with its PROV-O event, the agency locked (ADR 0007's
idiom); what refuses is said in English and Persian with the requirement's ID.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from catalog.access.policy import Act
from catalog.cycle.facts import ClockStop, CycleEvent
from catalog.cycle.obligations import Obligations, slice_key
from catalog.cycle.plans import plan_iri
from catalog.cycle.province_facts import (
    SliceMove,
    SliceRegistration,
    StoredSlice,
    StoredVerification,
    VerificationFiling,
)
from catalog.cycle.states import Actor, CycleRefused, Reason
from catalog.cycle.values import TextProblem, number, plain_text
from catalog.decided import APPROVED
from catalog.model import codes
from catalog.trail_chain import TrailChain
from catalog.vocab import concept

if TYPE_CHECKING:
    from catalog.cycle.engine import Cycle

REGISTERED, ENDORSED, SENT = "registered", "endorsed", "sent"
CONFIRMED, NOT_CONFIRMED = "confirmed", "not_confirmed"
VERDICTS = (CONFIRMED, NOT_CONFIRMED)


def _refuse(en: str, fa: str, requirement: str) -> CycleRefused:
    return CycleRefused([Reason(en, fa, requirement)])


def _ref(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _text(value: str | None, what_en: str, what_fa: str, requirement: str,
          required: bool) -> str | None:
    try:
        return plain_text(value, what_en, what_fa, required=required)
    except TextProblem as exc:
        raise _refuse(exc.en, exc.fa, requirement) from exc


def _decimal(indicator: str, value: Any) -> str:
    found = number(value)
    if found is None:
        raise _refuse(f"indicator {indicator}: the value observed {value!r} is not a number",
                      f"شاخص «{indicator}»: مقدار مشاهده‌شدهٔ «{value}» عدد نیست", "R-8.1")
    return found


def provinces() -> list[str]:
    """Every province of the code list, by notation."""
    return sorted(set(codes("province").values()))


def province_code(value: str) -> str | None:
    """A province as written (its code, or its fa or en name) as its notation; None: unknown."""
    table = codes("province")
    return table.get(value.strip().lower()) or table.get(value.strip())


@dataclass(frozen=True)
class ProvincialSlice:
    """A plan's provincial slice as read back, with its R-5.5 clock."""

    iri: str
    plan: str
    agency: str
    state: str  # registered, endorsed or sent
    description_fa: str | None
    description_en: str | None
    pilot: str | None  # the pilot province's code
    provinces: tuple[str, ...]  # the provinces it goes to, by code
    registered: date | None
    by: str | None
    endorsed: date | None
    resolution: str | None
    sent: date | None
    due: date | None  # the clock's due date

    @property
    def late(self) -> bool | None:
        """Sent after its due date; None while not sent or when no clock ran."""
        if self.sent is None or self.due is None:
            return None
        return self.sent > self.due


@dataclass(frozen=True)
class Verdict:
    indicator: str  # the indicator's ref
    verdict: str  # confirmed or not_confirmed
    value: str | None  # the value observed (decimal text)
    note: str | None


@dataclass(frozen=True)
class VerificationReport:
    """One province's verification report on a plan (R-8.1, R-8.2), as read back."""

    iri: str
    plan: str
    province: str  # its code
    issued: date | None
    by: str | None
    problems: str | None
    suggestions: str | None
    verdicts: tuple[Verdict, ...]


class Provinces:
    """Provincial slices and verification reports; `cycle` gives the store, the IRIs, the
    clock and the policy (catalog.cycle.engine)."""

    def __init__(self, cycle: Cycle) -> None:
        self.cycle = cycle
        self.store = cycle.store
        self.iris = cycle.iris

    def plan_iri(self, agency: str, plan: str) -> str:
        return plan_iri(self.iris, agency, plan)

    # -- the provincial slice (R-5.5) -------------------------------------------------------

    def provincial_slice(self, agency: str, plan: str) -> ProvincialSlice | None:
        iri = self.plan_iri(agency, plan)
        stored = self.store.provincial_slice(iri)
        if stored is None or stored.agency != agency:
            return None
        return self._slice(stored)

    def register_slice(self, agency: str, plan: str, actor: Actor, *, description_fa: str,
                       description_en: str | None = None,
                       to: Sequence[str] | None = None) -> ProvincialSlice:
        """The agency registers the slice of its approved plan piloted in one province
        (R-5.5): what the other provinces adopt, and to which (`to`: codes or names; default
        every province but the pilot)."""
        self.cycle.policy.check(actor, Act.SEND_SLICE, agency=agency)
        iri = self.plan_iri(agency, plan)
        pilot = self._approved_pilot(agency, plan, iri)
        text_fa = _text(description_fa, "slice's description in Persian", "شرح بخش استانی",
                        "R-5.5", True)
        text_en = _text(description_en, "slice's description in English",
                        "شرح انگلیسی بخش استانی", "R-5.5", False)
        targets = self._targets(pilot, to)
        today = self.cycle._today()
        props: dict[str, Any] = {"iri": f"{iri}/slice", "state": REGISTERED,
                                 "issued": today.isoformat(), "description@fa": text_fa}
        if text_en:
            props["description@en"] = text_en
        written = self.store.register_slice(SliceRegistration(
            str(self.iris.agency(agency)), iri, APPROVED, props,
            [concept("province", p) for p in targets],
            self._event(agency, actor, "register-slice", REGISTERED,
                        f"provincial slice of plan {_ref(iri)} registered for "
                        f"{len(targets)} province(s)")))
        TrailChain(self.store).after_write()  # ADR 0017
        if written is None:
            raise _refuse(f"plan {_ref(iri)} of {agency} already has its provincial slice",
                          f"بخش استانی برنامهٔ «{_ref(iri)}» دستگاه «{agency}» پیش‌تر ثبت شده "
                          "است", "R-5.5")
        found = self.provincial_slice(agency, iri)
        assert found is not None
        return found

    def endorse_slice(self, agency: str, plan: str, actor: Actor,
                      resolution: str | None = None) -> ProvincialSlice:
        """The agency's steering council endorses the registered slice (R-5.5)."""
        self.cycle.policy.check(actor, Act.ENDORSE_PLAN, agency=agency)
        note = _text(resolution, "resolution number", "شماره مصوبه", "R-5.5", False)
        return self._move(agency, plan, actor, REGISTERED, ENDORSED, resolution=note,
                          reason=f"council resolution {note}" if note else
                          "endorsed by the steering council")

    def send_slice(self, agency: str, plan: str, actor: Actor) -> ProvincialSlice:
        """The agency sends the endorsed slice to the provinces (R-5.5): the plan's clock
        stops in the same write, met today (late when past its due date)."""
        self.cycle.policy.check(actor, Act.SEND_SLICE, agency=agency)
        return self._move(agency, plan, actor, ENDORSED, SENT, reason="sent to the provinces")

    def _move(self, agency: str, plan: str, actor: Actor, from_state: str, to_state: str, *,
              reason: str, resolution: str | None = None) -> ProvincialSlice:
        iri = self.plan_iri(agency, plan)
        current = self.provincial_slice(agency, iri)
        if current is None:
            raise _refuse(f"plan {_ref(iri)} of {agency} has no provincial slice registered",
                          f"بخش استانی برنامهٔ «{_ref(iri)}» دستگاه «{agency}» ثبت نشده است",
                          "R-5.5")
        if current.state != from_state:
            raise self._wrong_state(current, to_state)
        today = self.cycle._today()
        stop = None
        if to_state == SENT:
            stop = ClockStop(str(self.iris.agency(agency)), [slice_key(_ref(iri))], today,
                             self._event(agency, actor, "stop-clock", "met",
                                         f"provincial slice of plan {_ref(iri)} sent"))
        moved = self.store.move_slice(SliceMove(
            str(self.iris.agency(agency)), current.iri, from_state, to_state,
            today.isoformat(), self._event(agency, actor, "send-slice" if to_state == SENT
                                           else "endorse-slice", to_state, reason),
            resolution=resolution, stop=stop))
        TrailChain(self.store).after_write()  # ADR 0017
        found = self.provincial_slice(agency, iri)
        assert found is not None
        if not moved:
            raise self._wrong_state(found, to_state)
        return found

    @staticmethod
    def _wrong_state(s: ProvincialSlice, to_state: str) -> CycleRefused:
        if to_state == ENDORSED:
            return _refuse(f"the provincial slice of plan {_ref(s.plan)} is {s.state}: the "
                           "council endorses a slice once, after it is registered",
                           f"بخش استانی برنامهٔ «{_ref(s.plan)}» در وضعیت «{s.state}» است؛ "
                           "شورا بخش ثبت‌شده را یک بار تصویب می‌کند", "R-5.5")
        return _refuse(f"the provincial slice of plan {_ref(s.plan)} is {s.state}: it is sent "
                       "once, after the steering council endorsed it",
                       f"بخش استانی برنامهٔ «{_ref(s.plan)}» در وضعیت «{s.state}» است؛ پس از "
                       "تصویب شورای راهبری یک بار به استان‌ها فرستاده می‌شود", "R-5.5")

    def _approved_pilot(self, agency: str, plan: str, iri: str) -> str:
        """The pilot province (code) of the agency's approved plan `iri`, or a refusal."""
        stored = self.store.progress_plan(iri)
        if stored is None or stored.agency != agency:
            raise _refuse(f"{plan} is not an improvement plan of {agency}",
                          f"«{plan}» برنامه بهبودِ دستگاه «{agency}» نیست", "R-20.1")
        if stored.status != APPROVED:
            raise _refuse(f"plan {_ref(iri)} is not approved: a provincial slice follows the "
                          "Organization's approval",
                          f"برنامهٔ «{_ref(iri)}» تأیید نشده است؛ بخش استانی پس از تأیید "
                          "سازمان ثبت می‌شود", "R-5.5")
        [node] = self.store.describe([iri])
        pilot = node.rels.get("spatial", ())
        if not pilot:
            raise _refuse(f"plan {_ref(iri)} is not piloted in a province: it has no "
                          "provincial slice",
                          f"برنامهٔ «{_ref(iri)}» در استانی آزمایش نشده و بخش استانی ندارد",
                          "R-5.5")
        return _ref(pilot[0])

    @staticmethod
    def _targets(pilot: str, to: Sequence[str] | None) -> list[str]:
        if not to:
            return [p for p in provinces() if p != pilot]
        found, unknown = [], []
        for value in to:
            code = province_code(str(value))
            if code is None:
                unknown.append(str(value))
            elif code not in found:
                found.append(code)
        if unknown:
            raise _refuse(f"no province {', '.join(unknown)}",
                          f"استان «{'، '.join(unknown)}» شناخته نیست", "R-5.5")
        if pilot in found:
            raise _refuse(f"{pilot} piloted the plan: the slice goes to the other provinces",
                          f"برنامه در «{pilot}» آزمایش شده است؛ بخش استانی به استان‌های دیگر "
                          "فرستاده می‌شود", "R-5.5")
        return sorted(found)

    def _slice(self, s: StoredSlice) -> ProvincialSlice:
        p = s.props
        plans = self.store.describe([s.plan])
        pilot = plans[0].rels.get("spatial", ()) if plans else ()
        due = [o.due for o in Obligations(self.cycle).obligations(s.agency)
               if o.key == slice_key(_ref(s.plan))]
        return ProvincialSlice(
            iri=s.iri, plan=s.plan, agency=s.agency, state=str(p.get("state")),
            description_fa=p.get("description@fa"), description_en=p.get("description@en"),
            pilot=_ref(pilot[0]) if pilot else None,
            provinces=tuple(sorted(_ref(x) for x in s.provinces)),
            registered=_day(p.get("issued")), by=s.by, endorsed=_day(p.get("endorsedOn")),
            resolution=p.get("resolution"), sent=_day(p.get("sentOn")),
            due=due[-1] if due else None)

    # -- the provinces' verification (R-8.1, R-8.2) ----------------------------------------

    def verifications(self, agency: str, plan: str) -> list[VerificationReport]:
        iri = self.plan_iri(agency, plan)
        stored = self.store.progress_plan(iri)
        if stored is None or stored.agency != agency:
            return []
        return [self._report(r) for r in self.store.verifications(iri)]

    def record_verification(self, agency: str, plan: str, actor: Actor, *, province: str,
                            verdicts: Mapping[str, Mapping[str, Any]], problems: str,
                            suggestions: str) -> VerificationReport:
        """The verifier of `province` records its one report on the agency's plan, once every
        action of the plan is declared done (R-8.1): `verdicts` by indicator ref, each with
        `verdict` (confirmed or not_confirmed), `value` (observed) and an optional `note`;
        the process problems and suggestions seen in the province (R-8.2)."""
        code = province_code(province) or province
        self.cycle.policy.check(actor, Act.VERIFY_PROVINCE, province=code)
        iri = self.plan_iri(agency, plan)
        stored = self.store.progress_plan(iri)
        if stored is None or stored.agency != agency:
            raise _refuse(f"{plan} is not an improvement plan of {agency}",
                          f"«{plan}» برنامه بهبودِ دستگاه «{agency}» نیست", "R-20.1")
        if stored.status != APPROVED:
            raise _refuse(f"plan {_ref(iri)} is not approved: provinces verify approved plans",
                          f"برنامهٔ «{_ref(iri)}» تأیید نشده است؛ استان‌ها برنامهٔ تأییدشده را "
                          "راستی‌آزمایی می‌کنند", "R-8.1")
        self._check_all_done(iri, stored.actions)
        report_iri = f"{iri}/verification/{code}"
        items = self._verdicts(iri, report_iri, stored.indicators, verdicts)
        problems_fa = _text(problems, "process problems seen in the province",
                            "مشکلات فرایندی استان", "R-8.2", True)
        suggestions_fa = _text(suggestions, "suggestions of the province", "پیشنهادهای استان",
                               "R-8.2", True)
        report = {"iri": report_iri, "issued": self.cycle._today().isoformat(),
                  "problems@fa": problems_fa, "suggestions@fa": suggestions_fa}
        confirmed = sum(1 for i in items if i["verdict"].endswith(f"/{CONFIRMED}"))
        filed = self.store.file_verification(VerificationFiling(
            str(self.iris.agency(agency)), iri, concept("province", code), report, items,
            self._event(agency, actor, "verify", "verified",
                        f"province {code} verified plan {_ref(iri)}: {confirmed} of "
                        f"{len(items)} indicator(s) confirmed")))
        TrailChain(self.store).after_write()  # ADR 0017
        if not filed:
            raise _refuse(f"province {code} already recorded its verification of plan "
                          f"{_ref(iri)}; a report is not changed",
                          f"استان «{code}» گزارش راستی‌آزمایی برنامهٔ «{_ref(iri)}» را پیش‌تر "
                          "ثبت کرده است و تغییر نمی‌کند", "R-8.1")
        return next(r for r in self.verifications(agency, iri) if r.iri == report_iri)

    def _check_all_done(self, plan: str, actions: Sequence[str]) -> None:
        done = {x for r in self.store.progress_reports(plan) for x in r.done}
        left = sorted(_ref(x) for x in actions if x not in done)
        if left or not actions:
            raise _refuse(f"not every action of plan {_ref(plan)} is declared done by a "
                          f"progress report (not yet: {', '.join(left)}): provinces verify "
                          "after that",
                          f"همهٔ اقدام‌های برنامهٔ «{_ref(plan)}» در گزارش پیشرفت انجام‌شده "
                          f"اعلام نشده است (هنوز نه: {'، '.join(left)})؛ راستی‌آزمایی پس از "
                          "آن است", "R-8.1")

    @staticmethod
    def _verdicts(plan: str, report: str, indicators: Sequence[str],
                  verdicts: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
        known = {_ref(i): i for i in indicators}
        unknown = sorted(str(k) for k in verdicts if str(k) not in known)
        if unknown:
            raise _refuse(f"plan {_ref(plan)} has no indicator {', '.join(unknown)} (its "
                          f"indicators: {', '.join(sorted(known))})",
                          f"برنامهٔ «{_ref(plan)}» شاخص «{'، '.join(unknown)}» ندارد", "R-8.1")
        missing = sorted(k for k in known if k not in verdicts)
        if missing:
            raise _refuse(f"verify every indicator of plan {_ref(plan)}; missing: "
                          f"{', '.join(missing)}",
                          f"همهٔ شاخص‌های برنامهٔ «{_ref(plan)}» را راستی‌آزمایی کنید؛ "
                          f"مانده: {'، '.join(missing)}", "R-8.1")
        items = []
        for ref in sorted(verdicts):
            given = verdicts[ref]
            verdict = str(given.get("verdict", "")).strip()
            if verdict not in VERDICTS:
                raise _refuse(f"indicator {ref}: the verdict is confirmed or not_confirmed, "
                              f"not {verdict!r}",
                              f"شاخص «{ref}»: نتیجه confirmed یا not_confirmed است، نه "
                              f"«{verdict}»", "R-8.1")
            props: dict[str, Any] = {"iri": f"{report}/indicator/{ref}",
                                     "value": _decimal(ref, given.get("value", ""))}
            note = _text(given.get("note"), f"note on indicator {ref}",
                         f"یادداشت شاخص «{ref}»", "R-8.1", False)
            if note:
                props["note@fa"] = note
            items.append({"props": props, "indicator": known[ref],
                          "verdict": concept("verification", verdict)})
        return items

    @staticmethod
    def _report(r: StoredVerification) -> VerificationReport:
        return VerificationReport(
            iri=r.iri, plan=r.plan, province=_ref(r.province), issued=_day(r.props.get("issued")),
            by=r.by, problems=r.props.get("problems@fa"),
            suggestions=r.props.get("suggestions@fa"),
            verdicts=tuple(Verdict(_ref(v.indicator), _ref(v.verdict or ""), v.value, v.note)
                           for v in r.verdicts))

    def _event(self, agency: str, actor: Actor, action: str, to_state: str,
               reason: str) -> CycleEvent:
        """A change event (the shape of Cycle._event; R-16), of step 3."""
        event = str(self.iris.owned("event", agency, str(uuid.uuid4())))
        return CycleEvent(event, action, to_state, self.cycle._now().isoformat(), actor.name,
                          str(self.iris.agent(actor.name)), actor.role.value,
                          event + "/association", concept("cycle-step", "3"), reason)
