"""The cycle on both real stores: transitions, the rules that block a step and why, issued IDs
(also under concurrent approvals), and the audit trail (R-2, R-3.2, R-4.2, R-15, R-16)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from catalog.access.principals import Forbidden, Role
from catalog.cycle.config import default_config
from catalog.cycle.engine import Cycle
from catalog.cycle.states import Actor, CycleRefused, State
from catalog.registry import Registry
from loaders.submission import read_submission
from tests.workbooks import two_agencies, write_workbook

BODIES = frozenset(s.body for s in default_config().steps.values())
STEWARD = Actor("steward-reg", Role.STEWARD, agency="REG")
REVIEWER = Actor("reviewer-1", Role.REVIEWER, bodies=BODIES)
REVIEWER_2 = Actor("reviewer-2", Role.REVIEWER, bodies=BODIES)


def _load(registry: Registry, tmp_path: Path, duties: int = 1,
          duty_ids: dict[int, str] | None = None) -> None:
    sheets = two_agencies()
    header = ["agency_code", "ref", "title_fa", "legal_basis", "status", "changed_on", "duty_id"]
    rows: list[list[Any]] = [header]
    for i in range(1, duties + 1):
        issued = (duty_ids or {}).get(i, "")
        rows.append(["REG", f"D{i}", f"وظیفه {i}", "قانون ثبت احوال، ماده ۱",
                     "approved" if issued else "draft", "", issued])
    rows.append(["TAXO", "D1", "وصول مالیات", "قانون مالیات‌های مستقیم، ماده ۱", "draft", "", ""])
    sheets["duties"] = rows
    sub = read_submission(write_workbook(tmp_path / "cycle.xlsx", sheets), registry)
    assert sub.problems == []
    registry.apply_checked(sub.changeset)


def _cycle(registry: Registry) -> Cycle:
    return Cycle(registry.store, registry.iris)


def _duty(registry: Registry, n: int, agency: str = "REG") -> str:
    return str(registry.iris.owned("duty", agency, f"D{n}"))


def _service(registry: Registry, agency: str = "REG") -> str:
    return str(registry.iris.owned("service", agency, "S1"))


def _submitted(cycle: Cycle, step: int, agency: str = "REG") -> None:
    cycle.start(agency, step, STEWARD)
    cycle.submit(agency, step, STEWARD)


def _refusal(exc: pytest.ExceptionInfo[CycleRefused]) -> tuple[str, str, str]:
    [reason] = exc.value.reasons
    return reason.requirement, reason.message_en, reason.message_fa


def test_a_step_walks_start_submit_reject_resubmit_approve(registry: Registry,
                                                           tmp_path: Path) -> None:
    _load(registry, tmp_path)
    cycle = _cycle(registry)
    assert [s.state for s in cycle.steps("REG")] == [State.NOT_STARTED] * 9
    assert cycle.start("REG", 1, STEWARD) is State.IN_PROGRESS
    assert cycle.submit("REG", 1, STEWARD) is State.SUBMITTED
    assert cycle.reject("REG", 1, REVIEWER, "legal basis missing") is State.REJECTED
    assert cycle.submit("REG", 1, STEWARD) is State.SUBMITTED
    issued = cycle.approve("REG", 1, REVIEWER)
    assert [i.identifier for i in issued] == ["D-REG-0001"]
    first = cycle.steps("REG")
    assert first[0].state is State.APPROVED and first[0].clock_start is not None
    assert first[1].clock_start is not None  # approval of step 1 starts step 2's clock (R-4.1)
    history = cycle.history(cycle.step_iri("REG", 1))
    assert [(e.action, e.from_state, e.to_state) for e in history] == [
        ("start", "not_started", "in_progress"), ("submit", "in_progress", "submitted"),
        ("reject", "submitted", "rejected"), ("submit", "rejected", "submitted"),
        ("approve", "submitted", "approved")]
    assert history[2].reason == "legal basis missing" and history[2].actor == "reviewer-1"
    assert {e.step for e in history} == {1}
    [imported, record_event] = cycle.history(_duty(registry, 1))
    assert (imported.action, imported.role, imported.step) == ("import", "admin", None)
    assert (record_event.action, record_event.issued, record_event.role, record_event.step) == (
        "approve", "D-REG-0001", "reviewer", 1)
    # Another agency's cycle is untouched.
    assert [s.state for s in cycle.steps("TAXO")] == [State.NOT_STARTED] * 9


def test_transitions_not_allowed_are_refused_with_reasons(registry: Registry,
                                                          tmp_path: Path) -> None:
    _load(registry, tmp_path)
    cycle = _cycle(registry)
    with pytest.raises(CycleRefused) as exc:
        cycle.approve("REG", 1, REVIEWER)
    assert _refusal(exc)[0] == "R-2.1" and "not started" in _refusal(exc)[1]
    cycle.start("REG", 1, STEWARD)
    with pytest.raises(CycleRefused) as exc:
        cycle.start("REG", 1, STEWARD)
    assert "in progress" in _refusal(exc)[1]
    with pytest.raises(Forbidden) as denied:
        cycle.submit("REG", 1, REVIEWER)  # the agency submits, not the approving body
    assert "may not start, submit or reopen" in denied.value.denial.message_en
    cycle.submit("REG", 1, STEWARD)
    with pytest.raises(Forbidden) as denied:
        cycle.approve("REG", 1, STEWARD)  # an agency cannot approve itself
    assert denied.value.denial.requirement == "R-2.2"
    with pytest.raises(CycleRefused) as exc:
        cycle.reject("REG", 1, REVIEWER, "  ")
    assert "needs a reason" in _refusal(exc)[1]
    with pytest.raises(Forbidden):
        cycle.start("NOPE", 1, STEWARD)  # not the steward's agency
    with pytest.raises(CycleRefused):
        cycle.start("NOPE", 1, Actor("admin", Role.ADMIN))  # no such agency
    assert cycle.steps("REG")[0].state is State.SUBMITTED


def test_services_need_approved_duties(registry: Registry, tmp_path: Path) -> None:
    _load(registry, tmp_path)
    cycle = _cycle(registry)
    with pytest.raises(CycleRefused) as exc:
        cycle.start("REG", 2, STEWARD)
    requirement, en, fa = _refusal(exc)
    assert requirement == "R-4.1" and "needs step(s) 1 approved" in en
    assert "گام ۲ نیازمند تأیید گام ۱" in fa
    _submitted(cycle, 1)
    cycle.approve("REG", 1, REVIEWER)
    _submitted(cycle, 2)
    [service] = cycle.approve("REG", 2, REVIEWER)
    assert service.identifier == "S-REG-00001"


def test_a_service_mapped_to_an_unapproved_duty_is_not_approved(registry: Registry,
                                                                tmp_path: Path) -> None:
    _load(registry, tmp_path)
    cycle = _cycle(registry)
    _submitted(cycle, 1)
    # The duty the service maps to is rejected; the step is approved without it.
    cycle.reject_record("REG", _duty(registry, 1), REVIEWER, "repealed")
    assert cycle.approve("REG", 1, REVIEWER) == []
    _submitted(cycle, 2)
    with pytest.raises(CycleRefused) as exc:
        cycle.approve_record("REG", _service(registry), REVIEWER)
    assert _refusal(exc)[0] == "R-4.1" and _duty(registry, 1) in _refusal(exc)[1]
    assert cycle.steps("REG")[1].state is State.SUBMITTED


def test_improvement_plans_need_service_ids(registry: Registry, tmp_path: Path) -> None:
    _load(registry, tmp_path)
    cycle = _cycle(registry)
    _submitted(cycle, 1)
    cycle.approve("REG", 1, REVIEWER)
    _submitted(cycle, 2)
    cycle.reject_record("REG", _service(registry), REVIEWER, "no delivering post")
    assert cycle.approve("REG", 2, REVIEWER) == []  # approved, but no service holds an ID
    with pytest.raises(CycleRefused) as exc:
        cycle.start("REG", 3, STEWARD)
    requirement, en, fa = _refusal(exc)
    assert requirement == "R-5.1" and "service ID" in en and "شناسه خدمت" in fa


def test_consultants_only_where_allowed_and_accredited(registry: Registry,
                                                       tmp_path: Path) -> None:
    _load(registry, tmp_path)
    config = replace(default_config(), accredited_consultants=frozenset({"Moshaver Co"}))
    cycle = Cycle(registry.store, registry.iris, config)
    _submitted(cycle, 1)
    with pytest.raises(Forbidden) as denied:
        cycle.approve("REG", 1, Actor("Unknown Co", Role.CONSULTANT))
    assert denied.value.denial.requirement == "R-15"
    assert cycle.approve("REG", 1, Actor("Moshaver Co", Role.CONSULTANT))
    cycle.start("REG", 5, STEWARD)
    cycle.submit("REG", 5, STEWARD)
    with pytest.raises(Forbidden) as denied:
        cycle.approve("REG", 5, Actor("Moshaver Co", Role.CONSULTANT))
    requirement, en = denied.value.denial.requirement, denied.value.denial.message_en
    assert requirement == "R-2.2" and "national data governance system" in en


def test_issued_ids_are_stable_and_respect_existing_ones(registry: Registry,
                                                         tmp_path: Path) -> None:
    _load(registry, tmp_path, duties=4, duty_ids={2: "D-REG-0007"})
    cycle = _cycle(registry)
    _submitted(cycle, 1)
    issued = cycle.approve("REG", 1, REVIEWER)
    # The counter starts above the ID already held (D-REG-0007); that one is kept.
    assert sorted(i.identifier for i in issued) == ["D-REG-0008", "D-REG-0009", "D-REG-0010"]
    again = cycle.approve_record  # a second approval of an approved record issues nothing
    cycle.reopen("REG", 1, STEWARD, "check")
    cycle.submit("REG", 1, STEWARD)
    same = again("REG", _duty(registry, 2), REVIEWER)
    assert (same.identifier, same.fresh) == ("D-REG-0007", False)
    # Duties registered again through the loader keep their issued IDs (stable across edits).
    before = _held(registry)
    _load(registry, tmp_path, duties=4, duty_ids={2: "D-REG-0007"})
    assert _held(registry) == before
    assert sorted(before.values()) == ["D-REG-0007", "D-REG-0008", "D-REG-0009", "D-REG-0010"]


def _held(registry: Registry) -> dict[int, Any]:
    return {n: registry.store.describe([_duty(registry, n)])[0].props.get("dutyId")
            for n in range(1, 5)}


def _approve_all(cycle: Cycle, records: list[str], actors: list[Actor]) -> list[str]:
    with ThreadPoolExecutor(max_workers=len(records)) as pool:
        futures = [pool.submit(cycle.approve_record, "REG", r, a)
                   for r, a in zip(records, actors, strict=True)]
        return [f.result().identifier for f in futures]


def test_twenty_concurrent_approvals_of_one_record_issue_one_id(registry: Registry,
                                                                tmp_path: Path) -> None:
    _load(registry, tmp_path)
    cycle = _cycle(registry)
    _submitted(cycle, 1)
    record = _duty(registry, 1)
    ids = _approve_all(cycle, [record] * 20,
                       [Actor(f"reviewer-{i}", Role.REVIEWER, bodies=BODIES) for i in range(20)])
    assert set(ids) == {"D-REG-0001"}
    issued = [e.issued for e in cycle.history(record) if e.issued]
    assert issued == ["D-REG-0001"]
    assert [e.action for e in cycle.history(record)] == ["import"] + ["approve"] * 20


def test_concurrent_approvals_of_different_records_have_no_duplicate_and_no_gap(
        registry: Registry, tmp_path: Path) -> None:
    _load(registry, tmp_path, duties=24)
    cycle = _cycle(registry)
    _submitted(cycle, 1)
    records = [_duty(registry, n) for n in range(1, 25)]
    ids = _approve_all(cycle, records * 2, [REVIEWER, REVIEWER_2] * 24)
    by_record = dict(zip(records * 2, ids, strict=True))
    assert len(set(by_record.values())) == 24
    assert sorted(by_record.values()) == [f"D-REG-{n:04d}" for n in range(1, 25)]
    for record, identifier in zip(records * 2, ids, strict=True):
        assert by_record[record] == identifier  # both approvals of a record saw one ID


def test_the_cycle_state_cannot_be_loaded_from_a_file(registry: Registry, tmp_path: Path) -> None:
    _load(registry, tmp_path)
    cycle = _cycle(registry)
    cycle.start("REG", 1, STEWARD)
    step = cycle.step_iri("REG", 1)
    forged = tmp_path / "forged.ttl"
    forged.write_text(f"""
        @prefix gc: <https://w3id.org/govcat/ns#> .
        <{step}> a gc:AgencyStep ; gc:state "approved" .
    """, encoding="utf-8")
    sub = read_submission(forged, registry)
    assert [p.requirement for p in sub.problems] == ["R-16"]
    assert cycle.steps("REG")[0].state is State.IN_PROGRESS


def test_edits_racing_an_approval_never_drop_the_issued_id(registry: Registry,
                                                           tmp_path: Path) -> None:
    """An import or edit reads the stored duty to keep its ID, then writes; the write expects
    the record unchanged, so an ID issued in between is re-read, never overwritten (R-3.2)."""
    _load(registry, tmp_path)
    cycle = _cycle(registry)
    _submitted(cycle, 1)
    sheets = two_agencies()
    header = ["agency_code", "ref", "title_fa", "legal_basis", "status", "changed_on"]
    edits = []
    for i in range(8):
        sheets["duties"] = [header, ["REG", "D1", f"وظیفه ۱ ویرایش {i}",
                                     "قانون ثبت احوال، ماده ۱", "submitted", ""]]
        sub = read_submission(write_workbook(tmp_path / f"e{i}.xlsx", sheets), registry)
        assert sub.problems == []
        edits.append(sub.changeset)

    def edit(cs: Any) -> None:
        registry.apply_checked(cs)

    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(edit, cs) for cs in edits[:4]]
        futures.append(pool.submit(cycle.approve, "REG", 1, REVIEWER))
        futures += [pool.submit(edit, cs) for cs in edits[4:]]
        for f in futures:
            f.result()
    [node] = registry.store.describe([_duty(registry, 1)])
    assert node.props["dutyId"] == "D-REG-0001"


# -- a transition and the clocks it starts are one write (ADR 0019) ----------------------------

def _state_and_events(registry: Registry, cycle: Cycle, step: int) -> tuple[State, int]:
    state = next(s.state for s in cycle.steps("REG") if s.step == step)
    return state, len(cycle.history(cycle.step_iri("REG", step)))


def test_a_failure_while_planning_the_clocks_leaves_the_step_unmoved(
        registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The clocks a start begins (R-18, R-19) are worked out before anything is written: a
    failure there writes nothing, not the transition either."""
    from catalog.cycle.obligations import Obligations

    _load(registry, tmp_path)
    cycle = _cycle(registry)
    before = _state_and_events(registry, cycle, 1)

    def broken(*_: object, **__: object) -> object:
        raise RuntimeError("the clocks could not be worked out")

    monkeypatch.setattr(Obligations, "representative", broken)
    with pytest.raises(RuntimeError):
        cycle.start("REG", 1, STEWARD)
    assert _state_and_events(registry, cycle, 1) == before == (State.NOT_STARTED, 0)
    monkeypatch.undo()
    assert cycle.start("REG", 1, STEWARD) is State.IN_PROGRESS


def test_a_clock_statement_failing_in_the_store_rolls_the_transition_back(
        registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Atomicity through the store itself: the clock statement written with a start fails
    at run time after writing (a division by zero); the step stays as it was, with no change
    event, on both stores (Neo4j: one transaction; FalkorDB: one statement)."""
    from catalog.port import StoreError
    from catalog.store import obligations_cypher as oc

    _load(registry, tmp_path)
    cycle = _cycle(registry)
    poisoned = ("MATCH (a:Resource {iri: $agency}) SET a.poisoned = $key "
                "WITH a RETURN size($key) / 0 AS boom")
    monkeypatch.setattr(oc, "START_CLOCK", poisoned)
    with pytest.raises(StoreError):
        cycle.start("REG", 1, STEWARD)
    assert _state_and_events(registry, cycle, 1) == (State.NOT_STARTED, 0)
    agency = registry.store.describe([str(registry.iris.agency("REG"))])[0]
    assert "poisoned" not in agency.props
    monkeypatch.undo()
    assert cycle.start("REG", 1, STEWARD) is State.IN_PROGRESS
    assert {o.requirement for o in _obligations(cycle)} == {"R-18", "R-19"}


def _obligations(cycle: Cycle) -> list[Any]:
    from catalog.cycle.obligations import Obligations

    return Obligations(cycle).obligations("REG")


def test_an_approval_its_following_clocks_and_events_are_written_together(
        registry: Registry, tmp_path: Path) -> None:
    """Approving step 1 writes its transition and step 2's clock in one write, and every
    change event of it keeps its own place in the trail (no two share a number)."""
    _load(registry, tmp_path)
    cycle = _cycle(registry)
    _submitted(cycle, 1)
    cycle.approve("REG", 1, REVIEWER)
    steps = {s.step: s for s in cycle.steps("REG")}
    assert steps[1].state is State.APPROVED and steps[2].clock_start is not None
    seqs = [r["seq"] for r in cycle.trail(limit=1000)]
    assert len(seqs) == len(set(seqs)) and len(seqs) >= 5  # start, R-18, R-19, submit, approve


def test_a_transition_whose_step_changed_meanwhile_writes_no_clock(
        registry: Registry, tmp_path: Path) -> None:
    """The guard holds the clocks back too: a reopening of step 1 (which starts R-3.3's ten
    days) checked while the step was approved, but written after another actor reopened and
    resubmitted it, is refused and starts no clock."""
    from catalog.cycle.states import Action

    _load(registry, tmp_path)
    cycle = _cycle(registry)
    _submitted(cycle, 1)
    cycle.approve("REG", 1, REVIEWER)
    cycle.reopen("REG", 1, STEWARD, "a new law")
    cycle.submit("REG", 1, STEWARD)  # met: no clock of it open now
    r33 = [o for o in _obligations(cycle) if o.requirement == "R-3.3"]
    assert len(r33) == 1 and not r33[0].open
    events = _state_and_events(registry, cycle, 1)
    with pytest.raises(CycleRefused):  # the step is submitted, not approved: the guard fails
        cycle._transition("REG", 1, Action.REOPEN, STEWARD, "late", checked=True)
    assert [o for o in _obligations(cycle) if o.requirement == "R-3.3"] == r33
    assert _state_and_events(registry, cycle, 1) == events
