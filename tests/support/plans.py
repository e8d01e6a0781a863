"""Improvement plans for tests (R-5.1, ADR 0027): an agency whose steps 1 and 2 are approved
(its services hold service IDs), the rows of a plan with its indicators and actions, and a plan
taken through the council's endorsement and the approval of step 3.

    cycle = services_with_ids(registry, tmp_path)   # REG and TAXO, S1 with an ID each
    load_plan(registry, tmp_path)                   # REG PL1 for S1: 2 indicators, 2 actions
    plan = approved_plan(registry, tmp_path)        # …endorsed, step 3 approved: its IRI
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from catalog.access.principals import Role
from catalog.cycle.config import default_config
from catalog.cycle.engine import Cycle
from catalog.cycle.plans import Plans
from catalog.cycle.states import Actor
from catalog.registry import Registry
from loaders.submission import read_submission
from tests.workbooks import load_valid, two_agencies, write_workbook

BODIES = frozenset(s.body for s in default_config().steps.values())
REVIEWER = Actor("reviewer-plans", Role.REVIEWER, bodies=BODIES)


def steward(agency: str = "REG") -> Actor:
    return Actor(f"steward-{agency.lower()}", Role.STEWARD, agency=agency)


def council(agency: str = "REG") -> Actor:
    return Actor(f"council-{agency.lower()}", Role.COUNCIL, agency=agency)


def services_with_ids(registry: Registry, tmp_path: Path,
                      agencies: tuple[str, ...] = ("REG", "TAXO")) -> Cycle:
    """two_agencies() stored, and for each of `agencies` steps 1 and 2 walked and approved,
    so its service S1 holds a service ID (R-4.2)."""
    load_valid(registry, tmp_path / "base.xlsx", two_agencies())
    cycle = Cycle(registry.store, registry.iris)
    for agency in agencies:
        for step in (1, 2):
            cycle.start(agency, step, steward(agency))
            cycle.submit(agency, step, steward(agency))
            cycle.approve(agency, step, REVIEWER)
    return cycle


def plan_sheets(agency: str = "REG", plan: str = "PL1", service: str = "S1", *,
                indicators: int = 2, actions: int = 2, pilot: str = "",
                overrides: dict[str, dict[str, Any]] | None = None) -> dict[str, list[list[Any]]]:
    """The three sheets of one plan. `overrides`: {sheet: {column: value}} applied to every
    row of that sheet (to break a rule)."""
    sheets: dict[str, list[list[Any]]] = {
        "improvement_plans": [
            ["agency_code", "ref", "title_fa", "title_en", "goals_fa", "service",
             "pilot_province"],
            [agency, plan, "کاهش زمان ثبت ولادت", "Faster birth registration",
             "ثبت ولادت در همان روز، بی‌مراجعه حضوری", service, pilot],
        ],
        "plan_indicators": [
            ["agency_code", "plan", "ref", "title_fa", "unit_fa", "baseline", "target",
             "direction"],
            *[[agency, plan, f"I{i}", f"شاخص {i}", "روز", "۱۴", "1", "decrease"]
              for i in range(1, indicators + 1)],
        ],
        "plan_actions": [
            ["agency_code", "plan", "ref", "title_fa", "start", "due", "approaches"],
            *[[agency, plan, f"A{i}", f"اقدام {i}", "1404/07/01", f"1404/1{i}/15",
               "integrated_registry_data;iot"] for i in range(1, actions + 1)],
        ],
    }
    for name, values in (overrides or {}).items():
        header = sheets[name][0]
        for row in sheets[name][1:]:
            for column, value in values.items():
                if column not in header:
                    header.append(column)
                    for other in sheets[name][1:]:
                        other.append("")
                row[header.index(column)] = value
    return {k: v for k, v in sheets.items() if len(v) > 1}


def submit_rows(registry: Registry, path: Path, sheets: dict[str, list[list[Any]]]) -> Any:
    """The submission of `sheets` as a workbook (not stored): its problems and change set."""
    return read_submission(write_workbook(path, sheets), registry)


def load_plan(registry: Registry, tmp_path: Path, agency: str = "REG", plan: str = "PL1",
              **kwargs: Any) -> str:
    """Store a valid plan; its IRI."""
    load_valid(registry, tmp_path / f"plan-{agency}-{plan}.xlsx",
               plan_sheets(agency, plan, **kwargs))
    return str(registry.iris.owned("plan", agency, plan))


def approved_plan(registry: Registry, tmp_path: Path, agency: str = "REG",
                  cycle: Cycle | None = None) -> str:
    """REG's (or `agency`'s) plan PL1 for S1, endorsed by its council and approved with step 3
    (R-5.1); the plan's IRI. Steps 1 and 2 are walked first unless `cycle` is given."""
    cycle = cycle or services_with_ids(registry, tmp_path, (agency,))
    iri = load_plan(registry, tmp_path, agency)
    Plans(cycle).endorse(agency, "PL1", council(agency), "1404/112")
    cycle.start(agency, 3, steward(agency))
    cycle.submit(agency, 3, steward(agency))
    cycle.approve(agency, 3, REVIEWER)
    return iri
