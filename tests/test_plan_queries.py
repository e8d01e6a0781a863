"""The named queries of step 3 for auditors (ADR 0004, ADR 0030), on both real stores: plans
behind their own timeline, indicators that got worse than before, services holding an ID with
no plan, provinces whose verification disagrees with the agency's claim. Each expected answer is
computed here from the data the test stored (the plans' records as stored, the reports and
verifications it filed), not written by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from catalog.access.principals import Role
from catalog.cycle.engine import Cycle
from catalog.cycle.plans import Plans
from catalog.cycle.progress import Progress
from catalog.cycle.provinces import Provinces
from catalog.cycle.states import Actor
from catalog.graphmap import Node, canonical_decimal
from catalog.jalali import parse_date
from catalog.registry import Registry
from graph_queries import named
from tests.support.plans import REVIEWER, council, load_plan, services_with_ids, steward

# What the agency reports: plan → period → (values by indicator ref, actions declared done).
REPORTS: dict[str, dict[str, tuple[dict[str, str], list[str]]]] = {
    "PL1": {"1404-H1": ({"I1": "10", "I2": "20"}, ["A1"]),
            "1404-H2": ({"I1": "16"}, [])},
    "PL2": {"1404-H1": ({"I1": "60", "I2": "40"}, ["A1", "A2"])},
}
# What the provinces observe of PL2 (all its actions declared done): province → ref → verdict.
VERIFIED: dict[str, dict[str, dict[str, str]]] = {
    "isfahan": {"I1": {"verdict": "confirmed", "value": "60"},
                "I2": {"verdict": "confirmed", "value": "45"}},
    "fars": {"I1": {"verdict": "not_confirmed", "value": "60"},
             "I2": {"verdict": "confirmed", "value": "40.0"}},
}


@pytest.fixture
def step3(registry: Registry, tmp_path: Path) -> Registry:
    """REG: PL1 (its indicators better as they decrease) and PL2 (better as they increase,
    baseline 50) for S1, approved with step 3, reported on (REPORTS) and PL2 verified by two
    provinces (VERIFIED); TAXO: a withdrawn plan for its S1."""
    cycle: Cycle = services_with_ids(registry, tmp_path)
    load_plan(registry, tmp_path)
    load_plan(registry, tmp_path, plan="PL2", overrides={
        "plan_indicators": {"direction": "increase", "baseline": "50", "target": "90"}})
    load_plan(registry, tmp_path, agency="TAXO", overrides={
        "improvement_plans": {"status": "withdrawn"}})
    for plan in ("PL1", "PL2"):
        Plans(cycle).endorse("REG", plan, council())
    cycle.start("REG", 3, steward())
    cycle.submit("REG", 3, steward())
    cycle.approve("REG", 3, REVIEWER)
    progress = Progress(cycle)
    for plan, periods in REPORTS.items():
        for period, (values, done) in periods.items():
            progress.file("REG", plan, steward(), period=period, narrative="گزارش",
                          values=values, done=done)
    provinces = Provinces(cycle)
    for province, verdicts in VERIFIED.items():
        verifier = Actor(f"verifier-{province}", Role.PROVINCIAL_VERIFIER, province=province)
        provinces.record_verification("REG", "PL2", verifier, province=province,
                                      verdicts=verdicts, problems="مشکل", suggestions="پیشنهاد")
    return registry


def _ask(registry: Registry, name: str, **params: Any) -> list[dict[str, Any]]:
    return named.run(registry.store, name, params, registry.iris.base).rows


def _plan(registry: Registry, agency: str, ref: str) -> str:
    return str(registry.iris.owned("plan", agency, ref))


def _parts(registry: Registry, plan: str, label: str) -> list[Node]:
    return [n for n in registry.store.describe(registry.store.plan_parts(plan))
            if n.label == label]


def _latest(plan: str, indicator: str) -> tuple[str, str] | None:
    """The latest period whose report on `plan` states `indicator`, and the value."""
    stated = [(period, values[indicator])
              for period, (values, _) in REPORTS[plan].items() if indicator in values]
    return max(stated) if stated else None


@pytest.mark.parametrize("as_of", ["1404/12/01", "1405/01/01"])
def test_plans_behind_their_own_timeline(step3: Registry, as_of: str) -> None:
    day = parse_date(as_of)
    expected = []
    for ref in REPORTS:
        plan = _plan(step3, "REG", ref)
        done = {a for _, (_, d) in REPORTS[ref].items() for a in d}
        expected += [(plan, a.iri) for a in _parts(step3, plan, "ImprovementAction")
                     if date.fromisoformat(str(a.props["dueDate"])) < day
                     and str(a.props["ref"]) not in done]
    rows = _ask(step3, "plans-behind-schedule", as_of=as_of)
    assert sorted((r["plan"], r["action"]) for r in rows) == sorted(expected)
    assert all(r["agency"] == "REG" and r["due"] < day.isoformat() for r in rows)
    assert _ask(step3, "plans-behind-schedule", as_of=as_of, agency="agency/TAXO") == []


def test_plans_behind_schedule_sees_a_late_action(step3: Registry) -> None:
    """The data holds a late action on the later day: the test above is not vacuous there;
    without `as_of` the timeline is judged today (every action of the test is due in 1404)."""
    later = _ask(step3, "plans-behind-schedule", as_of="1405/01/01")
    assert later != []
    today = named.run(step3.store, "plans-behind-schedule", {}, step3.iris.base)
    assert today.rows == later and today.meta["as_of"] >= "2026-03-21"


def test_indicators_that_got_worse(step3: Registry) -> None:
    expected = []
    for ref in REPORTS:
        plan = _plan(step3, "REG", ref)
        for i in _parts(step3, plan, "Indicator"):
            latest = _latest(ref, str(i.props["ref"]))
            if latest is None:
                continue
            reached, before = Decimal(latest[1]), Decimal(str(i.props["baseline"]))
            increase = i.rels["direction"][0].endswith("/increase")
            if (reached < before) if increase else (reached > before):
                expected.append((i.iri, latest[0], canonical_decimal(reached)))
    rows = _ask(step3, "indicators-worse")
    assert sorted((r["indicator"], r["period"], r["latest"]) for r in rows) == sorted(expected)
    assert expected  # the data holds indicators worse in both directions
    assert {r["direction"].rsplit("/", 1)[-1] for r in rows} == {"increase", "decrease"}


def test_services_with_an_id_and_no_plan(step3: Registry) -> None:
    plans = [n for a in ("REG", "TAXO") for n in step3.store.describe(
        [r.iri for r in step3.store.agency_records(str(step3.iris.agency(a)),
                                                   "ImprovementPlan")])]
    covered = {s for p in plans
               if not p.rels["status"][0].endswith(("/withdrawn", "/rejected"))
               for s in p.rels["improves"]}
    expected = sorted(r.iri for a in ("REG", "TAXO")
                      for r in step3.store.agency_records(str(step3.iris.agency(a)),
                                                          "PublicService")
                      if r.service_id and r.iri not in covered)
    rows = _ask(step3, "services-without-plan")
    assert [r["service"] for r in rows] == expected
    assert expected == [str(step3.iris.owned("service", "TAXO", "S1"))]  # withdrawn plan
    assert _ask(step3, "services-without-plan", agency="agency/REG") == []


def test_provinces_whose_verification_disagrees(step3: Registry) -> None:
    plan = _plan(step3, "REG", "PL2")
    expected = []
    for province, verdicts in VERIFIED.items():
        for ref, v in verdicts.items():
            latest = _latest("PL2", ref)
            if (v["verdict"] == "not_confirmed" or latest is None
                    or Decimal(latest[1]) != Decimal(v["value"])):
                expected.append((province, f"{plan}/indicator/{ref}"))
    rows = _ask(step3, "verification-disagreements")
    assert sorted((r["province"].rsplit("/", 1)[-1], r["indicator"]) for r in rows) == sorted(
        expected)
    assert len(expected) == 2  # one not confirmed in fars, one other value in isfahan
    assert all(Decimal(r["claimed"]) == Decimal(_latest("PL2", r["indicator_ref"])[1])  # type: ignore[index]
               for r in rows)
