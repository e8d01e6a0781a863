"""The cycle's configuration table, `config/cycle.toml` (R-2.2): approving bodies, where
accredited consultants may validate (R-15), step order and deadlines. Read once per process."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import Literal, URIRef

from catalog.ontology import codelists_graph
from catalog.vocab import GC, PROJECT_ROOT, concept

CONFIG_FILE = PROJECT_ROOT / "config" / "cycle.toml"
STEPS = range(1, 10)


@dataclass(frozen=True)
class DeadlineRule:
    """A step's deadline: months or days after its clock starts, or the end of a plan year."""

    requirement: str
    months: int = 0
    days: int = 0
    plan_year_end: int = 0


@dataclass(frozen=True)
class StepConfig:
    number: int
    body: str  # the approving body's key; reviewers are accounts of one or more bodies
    approving_body_en: str
    approving_body_fa: str
    consultants: bool
    requires: tuple[int, ...]
    requires_requirement: str
    deadline: DeadlineRule | None


@dataclass(frozen=True)
class CycleConfig:
    steps: dict[int, StepConfig]
    plan_first_year: int
    accredited_consultants: frozenset[str]
    # R-7 (ADR 0028): the span of an emergency request sent without a deadline, in days.
    emergency_default_days: int = 10


def _default_body(step: int) -> tuple[str, str]:
    """The approving body the regulation names, from the cycle-step code list."""
    g = codelists_graph()
    bodies = {lit.language: str(lit)
              for lit in g.objects(URIRef(concept("cycle-step", str(step))), GC.approvingBody)
              if isinstance(lit, Literal)}
    return bodies["en"], bodies["fa"]


def _step(number: int, raw: dict[str, object]) -> StepConfig:
    body = raw.get("approving_body")
    en, fa = (body["en"], body["fa"]) if isinstance(body, dict) else _default_body(number)
    requires = raw.get("requires") or {}
    deadline = raw.get("deadline")
    assert isinstance(requires, dict)
    return StepConfig(
        number=number, body=str(raw.get("body", f"step-{number}")),
        approving_body_en=str(en), approving_body_fa=str(fa),
        consultants=bool(raw.get("consultants", False)),
        requires=tuple(int(s) for s in requires.get("steps", [])),
        requires_requirement=str(requires.get("requirement", "R-2.1")),
        deadline=DeadlineRule(**deadline) if isinstance(deadline, dict) else None,
    )


def load_config(path: Path = CONFIG_FILE) -> CycleConfig:
    with path.open("rb") as f:
        raw = tomllib.load(f)
    steps_raw = raw.get("steps", {})
    missing = [n for n in STEPS if str(n) not in steps_raw]
    if missing:
        raise ValueError(f"{path}: no configuration for step(s) {missing} (R-2.2)")
    steps = {n: _step(n, steps_raw[str(n)]) for n in STEPS}
    for cfg in steps.values():
        if any(r >= cfg.number or r not in steps for r in cfg.requires):
            raise ValueError(f"{path}: step {cfg.number} may only require earlier steps")
    emergency = raw.get("emergency", {})
    default_days = int(emergency.get("default_days", 10))
    if not 1 <= default_days <= 365:
        raise ValueError(f"{path}: [emergency] default_days is 1 to 365 days (R-7)")
    return CycleConfig(steps, int(raw["plan_first_year"]),
                       frozenset(raw.get("accredited_consultants", [])), default_days)


@cache
def default_config() -> CycleConfig:
    return load_config()
