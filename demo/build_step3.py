"""The demo's step 3 (R-5.1, R-5.3, R-5.5; ADR 0027): an improvement plan for every service of
SABT and SSO, with its indicators and the timeline of its actions, written to
demo/govcat-demo-step3.xlsx by demo/build_demo.py.

They are a workbook of their own because a plan is registered for a service that holds a
service ID (R-5.1), and the IDs are issued by the approval of step 2: `govcat demo` loads this
workbook after the cycle's own actions approved steps 1 and 2 (cli/demo.py).

Fixed data and fixed rules, as in build_demo: no randomness, no clock.
"""

from __future__ import annotations

from typing import Any

from cli.demo import DEMO_STEP3, DRAFT_PLAN_REF

Row = dict[str, Any]

STEP3_OUT = DEMO_STEP3.name  # beside the main workbook, where `govcat demo` reads it
AGENCIES = ("SABT", "SSO")
# The plan of each agency's first service is piloted in the province of its provincial unit
# SABT_ISF in Isfahan, SSO_FARS in Fars.
PILOT = {"SABT": "isfahan", "SSO": "fars"}
# SSO also has a plan it is still drafting, which its council has not endorsed: the step's body
# cannot approve step 3 before the council endorses it or SSO withdraws it.
DRAFT_PLAN = ("SSO", DRAFT_PLAN_REF, "حذف نوبت‌دهی حضوری", "Ending in-person queues")

# fmt: off
GOALS = [
    ("ارائه خدمت بدون مراجعه حضوری و با استعلام برخط به جای مدرک کاغذی",
     "Delivering the service with no visit, by online inquiries instead of paper documents"),
    ("کوتاه کردن زمان انتظار و حذف امضاهای زائد",
     "Shorter waiting times and no redundant signatures"),
    ("شفافیت مراحل و اطلاع‌رسانی پیامکی به خدمت‌گیرنده",
     "Transparent stages and text-message updates to the applicant"),
]
# title_fa, title_en, unit_fa, unit_en, baseline, target, direction
INDICATORS = [
    ("میانگین زمان ارائه خدمت", "Average time to deliver", "روز", "days", "14", "2",
     "decrease"),
    ("سهم درخواست‌های الکترونیکی", "Share of electronic requests", "درصد", "percent", "35",
     "90", "increase"),
    ("تعداد مراجعه حضوری برای هر درخواست", "Visits per request", "بار", "visits", "3", "0",
     "decrease"),
    ("رضایت خدمت‌گیرندگان", "Applicants' satisfaction", "درصد", "percent", "55.5", "85",
     "increase"),
]
# title_fa, title_en, start, due, approaches
ACTIONS = [
    ("جایگزینی مدارک کاغذی با استعلام از پایگاه‌های پایه", "Replacing paper documents by "
     "inquiries to the base registries", "1405/08/01", "1405/10/30",
     "integrated_registry_data;corruption_bottlenecks"),
    ("راه‌اندازی درگاه برخط و پیگیری پیامکی", "An online portal with text-message tracking",
     "1405/09/01", "1406/01/31", "process_standards;smart_monitoring"),
    ("داده‌کاوی فرایند بر رویدادنگاری سامانه", "Process mining on the system's event logs",
     "1405/11/01", "1406/03/31", "process_mining"),
]
# fmt: on


def build_step3(services: list[Row]) -> dict[str, list[Row]]:
    """The three sheets of step 3 for the demo's `services` rows (build_demo.build())."""
    rows: dict[str, list[Row]] = {"improvement_plans": [], "plan_indicators": [],
                                  "plan_actions": []}
    for agency in AGENCIES:
        mine = [s for s in services if s["agency_code"] == agency]
        for n, service in enumerate(mine):
            _plan(rows, agency, n, service)
    agency, ref, title_fa, title_en = DRAFT_PLAN
    first = next(s for s in services if s["agency_code"] == agency)
    _plan(rows, agency, 1, {**first, "title_fa": title_fa, "title_en": title_en}, ref=ref,
          pilot=False)
    return rows


def plan_ref(service_ref: str) -> str:
    return f"plan-{service_ref}"


def _plan(rows: dict[str, list[Row]], agency: str, n: int, service: Row,
          ref: str | None = None, pilot: bool = True) -> None:
    ref = ref or plan_ref(service["ref"])
    goal_fa, goal_en = GOALS[n % len(GOALS)]
    rows["improvement_plans"].append({
        "agency_code": agency, "ref": ref,
        "title_fa": f"بهبود فرایند «{service['title_fa']}»",
        "title_en": f"Improving '{service['title_en']}'",
        "goals_fa": goal_fa, "goals_en": goal_en, "service": service["ref"],
        "pilot_province": PILOT[agency] if pilot and n == 0 else None,
    })
    for i in range(2):
        title_fa, title_en, unit_fa, unit_en, before, target, direction = INDICATORS[
            (n + i) % len(INDICATORS)]
        rows["plan_indicators"].append({
            "agency_code": agency, "plan": ref, "ref": f"I{i + 1}", "title_fa": title_fa,
            "title_en": title_en, "unit_fa": unit_fa, "unit_en": unit_en,
            "baseline": before, "target": target, "direction": direction,
        })
    for i in range(2 + n % 2):
        title_fa, title_en, start, due, approaches = ACTIONS[(n + i) % len(ACTIONS)]
        rows["plan_actions"].append({
            "agency_code": agency, "plan": ref, "ref": f"A{i + 1}", "title_fa": title_fa,
            "title_en": title_en, "start": start, "due": due,
            "approaches": approaches.split(";"),
        })
