"""Improvement plans in step 3 on both real stores (R-5.1, R-5.3, R-5.5; ADR 0027): the rows a
steward registers and the rules they are judged by, the steering council's endorsement of a plan
as it stands, and the rules that make step 3 hold its content."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from catalog.access.principals import Forbidden, Role
from catalog.cycle.engine import Cycle
from catalog.cycle.plans import Plans
from catalog.cycle.states import Actor, CycleRefused, State
from catalog.guard import Guard
from catalog.iris import Iris
from catalog.registry import Registry
from catalog.vocab import GC, concept
from tests.support.plans import (
    REVIEWER,
    approved_plan,
    council,
    load_plan,
    plan_sheets,
    services_with_ids,
    steward,
    submit_rows,
)
from tests.workbooks import load_valid


def _problems(registry: Registry, tmp_path: Path, **kwargs: Any) -> list[tuple[str, str]]:
    sub = submit_rows(registry, tmp_path / "plan.xlsx", plan_sheets(**kwargs))
    return sorted({(p.requirement or "", p.message_en) for p in sub.problems})


# -- what a steward registers, and the rules it is judged by ----------------------------------

def test_a_plan_with_its_indicators_and_actions_is_stored_as_linked_records(
        registry: Registry, tmp_path: Path) -> None:
    services_with_ids(registry, tmp_path, ("REG",))
    iri = load_plan(registry, tmp_path, pilot="tehran")
    [plan] = registry.store.describe([iri])
    assert plan.label == "ImprovementPlan"
    assert plan.rels["improves"] == (str(registry.iris.owned("service", "REG", "S1")),)
    assert plan.rels["spatial"][0].endswith("/province/tehran")
    parts = registry.store.describe(registry.store.plan_parts(iri))
    indicators = [p for p in parts if p.label == "Indicator"]
    actions = [p for p in parts if p.label == "ImprovementAction"]
    assert len(indicators) == 2 and len(actions) == 2
    # Persian digits are read as numbers, Solar Hijri dates stored as ISO dates.
    assert {p.props["baseline"] for p in indicators} == {"14.0"}
    assert {p.props["startDate"] for p in actions} == {"2025-09-23"}
    assert {a.rsplit("/", 1)[-1] for p in actions for a in p.rels["approach"]} == {
        "integrated_registry_data", "iot"}


def _plan_graph_problems(registry: Registry, tmp_path: Path,
                         mutate: Callable[[Graph, Iris], None] | None) -> list[tuple[str, str]]:
    """The problems of REG's valid plan rows, the change set's graph changed by `mutate`: each
    rule judged by SHACL on its own, whatever path the records come by."""
    sub = submit_rows(registry, tmp_path / "plan.xlsx", plan_sheets())
    assert sub.problems == []
    if mutate is not None:
        mutate(sub.changeset.graph, registry.iris)
        # The change set's indexes are kept by the graph's size, which a replaced value keeps.
        sub.changeset.nodes = sub.changeset._by_subject = None
    return sorted({(p.requirement or "", p.message_en) for p in registry.check(sub.changeset)})


def _plan(iris: Iris) -> URIRef:
    return iris.owned("plan", "REG", "PL1")


def _parts(g: Graph, cls: URIRef) -> list[URIRef]:
    return sorted(URIRef(str(s)) for s in g.subjects(RDF.type, cls))


def _drop(prop: URIRef, cls: URIRef | None = None) -> Callable[[Graph, Iris], None]:
    def mutate(g: Graph, iris: Iris) -> None:
        for s in _parts(g, cls) if cls is not None else [_plan(iris)]:
            g.remove((s, prop, None))
    return mutate


def _set(prop: URIRef, value: Callable[[Iris], URIRef | Literal],
         cls: URIRef | None = None) -> Callable[[Graph, Iris], None]:
    def mutate(g: Graph, iris: Iris) -> None:
        for s in _parts(g, cls) if cls is not None else [_plan(iris)]:
            g.set((s, prop, value(iris)))
    return mutate


_DEC = XSD.decimal
SHACL_CASES: list[tuple[str, Callable[[Graph, Iris], None], str, str]] = [
    ("plan-title-fa", _drop(DCTERMS.title), "R-5.1", "persian title"),
    ("plan-goals", _drop(GC.goal), "R-5.1", "goals"),
    ("plan-service", _drop(GC.improves), "R-5.1", "service"),
    ("plan-other-agency", _set(GC.improves, lambda i: i.owned("service", "TAXO", "S1")),
     "R-5.1", "another agency"),
    ("plan-pilot", _set(DCTERMS.spatial, lambda i: URIRef(concept("status", "draft"))),
     "R-5.5", "province"),
    ("indicator-unit", _drop(GC.unitOfMeasure, GC.Indicator), "R-5.1", "unit"),
    ("indicator-before", _drop(GC.baseline, GC.Indicator), "R-5.1", "before"),
    ("indicator-target", _set(GC.target, lambda i: Literal("20", datatype=_DEC), GC.Indicator),
     "R-5.1", "target"),
    ("indicator-direction", _drop(GC.direction, GC.Indicator), "R-5.1", "direction"),
    ("action-dates", _set(GC.dueDate, lambda i: Literal("2025-01-01", datatype=XSD.date),
                          GC.ImprovementAction), "R-5.1", "start"),
    ("action-approach", _set(GC.approach, lambda i: URIRef(concept("province", "tehran")),
                             GC.ImprovementAction), "R-5.3", "approach"),
    ("part-plan", _set(GC.plan, lambda i: i.owned("plan", "REG", "PL9"), GC.Indicator),
     "R-5.1", "plan"),
    ("part-agency", _set(GC.agency, lambda i: i.agency("TAXO"), GC.ImprovementAction),
     "R-20.1", "another agency's plan"),
]


@pytest.mark.parametrize(("name", "mutate", "requirement", "needle"), SHACL_CASES,
                         ids=[c[0] for c in SHACL_CASES])
def test_each_rule_of_a_plan_refuses_its_breach_with_its_requirement(
        registry: Registry, tmp_path: Path, name: str, mutate: Callable[[Graph, Iris], None],
        requirement: str, needle: str) -> None:
    services_with_ids(registry, tmp_path)
    assert _plan_graph_problems(registry, tmp_path, None) == []  # unbroken, they pass
    found = _plan_graph_problems(registry, tmp_path, mutate)
    assert any(r == requirement and needle in m.lower() for r, m in found), found


def test_a_workbook_names_the_sheet_row_and_column_of_a_bad_cell(registry: Registry,
                                                                 tmp_path: Path) -> None:
    services_with_ids(registry, tmp_path, ("REG",))
    sub = submit_rows(registry, tmp_path / "bad.xlsx",
                      plan_sheets(overrides={"plan_indicators": {"baseline": "چهارده"}}))
    assert {(p.sheet, p.row, p.column) for p in sub.problems} == {
        ("plan_indicators", 2, "baseline"), ("plan_indicators", 3, "baseline")}


def test_a_workbook_cell_outside_its_code_list_is_named_by_sheet_row_and_column(
        registry: Registry, tmp_path: Path) -> None:
    services_with_ids(registry, tmp_path, ("REG",))
    for sheets, where in (
            (plan_sheets(actions=1, overrides={"plan_actions": {"approaches": "iot;magic"}}),
             ("plan_actions", 2, "approaches")),
            (plan_sheets(pilot="atlantis"), ("improvement_plans", 2, "pilot_province"))):
        sub = submit_rows(registry, tmp_path / "bad.xlsx", sheets)
        assert {(p.sheet, p.row, p.column) for p in sub.problems} == {where}
    # Persian labels of the code lists are read as their codes.
    ok = plan_sheets(actions=1, overrides={"plan_actions": {"approaches": "اینترنت اشیا"}})
    assert submit_rows(registry, tmp_path / "ok.xlsx", ok).problems == []


def test_a_plan_for_a_service_without_a_service_id_is_refused(registry: Registry,
                                                              tmp_path: Path) -> None:
    services_with_ids(registry, tmp_path, ("REG",))  # TAXO's S1 holds no ID
    found = _problems(registry, tmp_path, agency="TAXO")
    assert ("R-5.1", "The service this plan improves holds no service ID yet; improvement "
            "plans are registered for services that hold a service ID (R-5.1).") in found


def test_no_submission_sets_a_plan_id_or_an_approval(registry: Registry, tmp_path: Path) -> None:
    services_with_ids(registry, tmp_path, ("REG",))
    guard = Guard(registry)
    for column, value in (("plan_id", "P-REG-00001"), ("status", "approved")):
        sub = submit_rows(registry, tmp_path / "forged.xlsx",
                          plan_sheets(overrides={"improvement_plans": {column: value}}))
        found = [(p.requirement, p.column) for p in guard.check(steward(), sub.changeset)]
        assert (("R-5.1" if column == "plan_id" else "R-2.1"), column) in found, found


# -- the steering council's endorsement (R-5.1) ------------------------------------------------

def test_only_the_agencys_own_council_endorses_its_plans(registry: Registry,
                                                         tmp_path: Path) -> None:
    cycle = services_with_ids(registry, tmp_path)
    load_plan(registry, tmp_path)
    plans = Plans(cycle)
    for actor in (steward(), REVIEWER, council("TAXO"),
                  Actor("rep", Role.REPRESENTATIVE, agency="REG"), Actor("admin", Role.ADMIN)):
        with pytest.raises(Forbidden):
            plans.endorse("REG", "PL1", actor)
    state, fresh = plans.endorse("REG", "PL1", council(), "1404/112")
    assert fresh and state.endorsed and state.endorsements[0].resolution == "1404/112"
    assert plans.endorse("REG", "PL1", council())[1] is False  # as it stands: once
    actions = [e.action for e in cycle.history(state.iri)]
    assert actions.count("endorse") == 1


def test_a_change_after_the_endorsement_needs_the_council_again(registry: Registry,
                                                                tmp_path: Path) -> None:
    cycle = services_with_ids(registry, tmp_path, ("REG",))
    load_plan(registry, tmp_path)
    plans = Plans(cycle)
    plans.endorse("REG", "PL1", council())
    # The same rows loaded again change nothing: still endorsed.
    load_plan(registry, tmp_path)
    assert plans.plans("REG")[0].endorsed
    # A changed target of one indicator is a plan the council has not seen.
    sheets = plan_sheets(indicators=1, actions=0)
    sheets["plan_indicators"][1][sheets["plan_indicators"][0].index("target")] = "2"
    load_valid(registry, tmp_path / "changed.xlsx", sheets)
    assert not plans.plans("REG")[0].endorsed
    assert plans.endorse("REG", "PL1", council())[0].endorsed


def test_a_plan_without_indicators_or_actions_cannot_be_endorsed(registry: Registry,
                                                                 tmp_path: Path) -> None:
    cycle = services_with_ids(registry, tmp_path, ("REG",))
    load_plan(registry, tmp_path, indicators=0, actions=0)
    with pytest.raises(CycleRefused) as exc:
        Plans(cycle).endorse("REG", "PL1", council())
    assert [r.requirement for r in exc.value.reasons] == ["R-5.1", "R-5.1"]
    assert "indicator" in exc.value.reasons[0].message_en


# -- step 3 holds its content -------------------------------------------------------------------

def test_step_3_is_submitted_only_when_every_service_with_an_id_has_an_endorsed_plan(
        registry: Registry, tmp_path: Path) -> None:
    cycle = services_with_ids(registry, tmp_path, ("REG",))
    cycle.start("REG", 3, steward())
    with pytest.raises(CycleRefused) as exc:
        cycle.submit("REG", 3, steward())
    [reason] = exc.value.reasons
    assert reason.requirement == "R-5.1" and "S-REG-" in reason.message_en
    load_plan(registry, tmp_path)
    with pytest.raises(CycleRefused) as exc:  # registered, not endorsed
        cycle.submit("REG", 3, steward())
    assert "as it now stands" in exc.value.reasons[0].message_en
    Plans(cycle).endorse("REG", "PL1", council())
    assert cycle.submit("REG", 3, steward()) is State.SUBMITTED


def test_approving_step_3_approves_the_endorsed_plans_and_issues_their_ids(
        registry: Registry, tmp_path: Path) -> None:
    iri = approved_plan(registry, tmp_path)
    cycle_plans = Plans(Cycle(registry.store, registry.iris))
    [plan] = cycle_plans.plans("REG")
    assert plan.iri == iri and plan.status == "approved"
    assert plan.plan_id == "P-REG-00001"
    # Approved as it stands, the council's endorsement is not recorded again.
    assert cycle_plans.endorse("REG", "PL1", council())[1] is False


def test_the_body_approves_no_plan_the_council_did_not_endorse(registry: Registry,
                                                               tmp_path: Path) -> None:
    cycle = services_with_ids(registry, tmp_path, ("REG",))
    load_plan(registry, tmp_path)
    Plans(cycle).endorse("REG", "PL1", council())
    cycle.start("REG", 3, steward())
    cycle.submit("REG", 3, steward())
    load_plan(registry, tmp_path, plan="PL2")  # a second plan, never endorsed
    with pytest.raises(CycleRefused) as exc:
        cycle.approve("REG", 3, REVIEWER)
    assert "PL2" in exc.value.reasons[0].message_en
    assert [s.state for s in cycle.steps("REG")][2] is State.SUBMITTED
    # One plan at a time: the endorsed one is approved, the other still refused.
    pl1 = str(registry.iris.owned("plan", "REG", "PL1"))
    assert cycle.approve_record("REG", pl1, REVIEWER).identifier == "P-REG-00001"
    with pytest.raises(CycleRefused):
        cycle.approve_record("REG", str(registry.iris.owned("plan", "REG", "PL2")), REVIEWER)


def test_an_approved_plan_changed_since_goes_to_the_council_again(registry: Registry,
                                                                  tmp_path: Path) -> None:
    approved_plan(registry, tmp_path)
    cycle = Cycle(registry.store, registry.iris)
    sheets = plan_sheets(indicators=1, actions=0)
    sheets["plan_indicators"][1][sheets["plan_indicators"][0].index("target")] = "3"
    load_valid(registry, tmp_path / "changed.xlsx", sheets)
    [plan] = Plans(cycle).plans("REG")
    assert plan.status == "approved" and not plan.endorsed
    cycle.reopen("REG", 3, steward(), "هدف شاخص ۱ تغییر کرد")
    with pytest.raises(CycleRefused) as exc:
        cycle.submit("REG", 3, steward())
    assert "as it now stands" in exc.value.reasons[0].message_en
    Plans(cycle).endorse("REG", "PL1", council())
    cycle.submit("REG", 3, steward())
    assert cycle.approve("REG", 3, REVIEWER) == []  # no new ID: the plan keeps its own
    assert Plans(cycle).plans("REG")[0].plan_id == "P-REG-00001"
