"""The demo's piloted plan (R-5.5, R-8.1, R-8.2; ADR 0030), for cli.demo to call: the agency
registers the provincial slice of its plan piloted in one province, its steering council
endorses it, the agency sends it to the provinces (stopping the plan's one-month clock), and
the pilot province's verifier records its verification report once every action of the plan is
declared done by the progress reports. Each step at its own Solar Hijri date, through the
cycle's own actions (so with their events and refusals); idempotent: a step already taken is
not taken again, so the demo can be installed twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time

from catalog.cycle.engine import TEHRAN, Cycle
from catalog.cycle.progress import Progress
from catalog.cycle.provinces import (
    ENDORSED,
    REGISTERED,
    Provinces,
    ProvincialSlice,
    VerificationReport,
)
from catalog.cycle.states import Actor
from catalog.jalali import parse_date
from catalog.registry import Registry

PROBLEMS = ("در دفاتر پیشخوان استان هنوز اصل مدارک هویتی مطالبه می‌شود و استعلام برخط از "
            "ثبت احوال در ساعات اوج قطع می‌شود")
SUGGESTIONS = ("استعلام برخط جایگزین مطالبهٔ اصل مدارک شود و ظرفیت درگاه استعلام در ساعات "
               "اوج افزایش یابد")


def _at(jalali: str) -> Callable[[], datetime]:
    moment = datetime.combine(parse_date(jalali), time(10, 0), TEHRAN).astimezone(UTC)
    return lambda: moment


def walk_pilot(registry: Registry, agency: str, plan: str, *, steward: Actor, council: Actor,
               verifier: Actor, registered: str = "1405/08/20", endorsed: str = "1405/08/25",
               sent: str = "1405/09/03", verified: str = "1405/09/10",
               resolution: str = "1405/4502", period: str | None = None
               ) -> tuple[ProvincialSlice, VerificationReport | None]:
    """Walk `agency`'s approved plan `plan` (its ref), piloted in `verifier.province`: the
    slice registered, endorsed and sent on those days (Solar Hijri), then the verification.

    The verification needs every action declared done: with `period` (a half year such as
    `1405-H1`, not yet reported on), the agency first files that period's progress report
    declaring the actions still open done, restating the latest values reached; without it,
    and with actions still open, there is no report (None). The verdicts: each indicator's
    latest reported value confirmed as observed; one never reported is not confirmed (the
    value observed its baseline)."""
    def provinces(day: str) -> Provinces:
        return Provinces(Cycle(registry.store, registry.iris, now=_at(day)))

    current = provinces(registered).provincial_slice(agency, plan)
    if current is None:
        current = provinces(registered).register_slice(
            agency, plan, steward,
            description_fa="ثبت ولادت برخط و بی‌مراجعهٔ حضوری، چنان‌که در استان پایلوت اجرا شد، "
                           "در دیگر استان‌ها",
            description_en="online birth registration without a visit, as piloted, in the "
                           "other provinces")
    if current.state == REGISTERED:
        current = provinces(endorsed).endorse_slice(agency, plan, council, resolution)
    if current.state == ENDORSED:
        current = provinces(sent).send_slice(agency, plan, steward)

    at = provinces(verified)
    province = str(verifier.province)
    done = [v for v in at.verifications(agency, plan) if v.province == province]
    if done:
        return current, done[0]
    store = registry.store
    plan_iri = at.plan_iri(agency, plan)
    stored = store.progress_plan(plan_iri)
    reports = store.progress_reports(plan_iri)
    if stored is None:
        return current, None
    declared = {x for r in reports for x in r.done}
    latest: dict[str, str] = {}
    for r in sorted(reports, key=lambda r: r.period):
        latest.update(r.values)
    left = [x.rsplit("/", 1)[-1] for x in stored.actions if x not in declared]
    if left and period is None:
        return current, None
    if left:
        Progress(at.cycle).file(
            agency, plan, steward, period=period or "", done=left,
            narrative="همهٔ اقدام‌های برنامه انجام شد و نتیجه برای راستی‌آزمایی استان آماده است",
            values={i.rsplit("/", 1)[-1]: v for i, v in latest.items()})
    baselines = {n.iri: str(n.props.get("baseline", "0")) for n in store.describe(
        list(stored.indicators))}
    verdicts = {
        i.rsplit("/", 1)[-1]: ({"verdict": "confirmed", "value": latest[i]} if i in latest
                               else {"verdict": "not_confirmed", "value": baselines.get(i, "0"),
                                     "note": "مقداری برای این شاخص گزارش نشده است"})
        for i in stored.indicators}
    report = at.record_verification(agency, plan, verifier, province=province,
                                    verdicts=verdicts, problems=PROBLEMS,
                                    suggestions=SUGGESTIONS)
    return current, report
