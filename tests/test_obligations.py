"""Clocks started by events, on both real stores (ADR 0007): R-3.3 (duties changed), R-5.5
(the provincial slice of each piloted plan, ADR 0030), R-7 (Foad 128 emergency requests), R-18
(monitoring), R-19 (the representative and its performance reports). Due dates are checked
against jdatetime's own day arithmetic as well as the Jalali text, across the leap Esfand of
1403."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import jdatetime
import pytest

from catalog.access.principals import Forbidden, Role
from catalog.cycle.config import default_config
from catalog.cycle.engine import TEHRAN, Cycle
from catalog.cycle.obligations import MET, OPEN, Deadline, Obligations, slice_key
from catalog.cycle.plans import Plans
from catalog.cycle.provinces import Provinces
from catalog.cycle.states import Actor, CycleRefused
from catalog.decided import OBLIGATION_LABELS
from catalog.graphmap import nodes_to_graph
from catalog.jalali import parse_date, to_jalali_str
from catalog.ontology import mapping
from catalog.registry import CYCLE_LABELS, Registry
from loaders.submission import read_submission
from tests.support.plans import council, load_plan
from tests.workbooks import two_agencies, write_workbook

BODIES = frozenset(s.body for s in default_config().steps.values())
STEWARD = Actor("steward-reg", Role.STEWARD, agency="REG")
STEWARD_TAXO = Actor("steward-taxo", Role.STEWARD, agency="TAXO")
REVIEWER = Actor("reviewer-1", Role.REVIEWER, bodies=BODIES)
AUDITOR = Actor("auditor-1", Role.AUDITOR)
REP = Actor("Ali Rezaei", Role.REPRESENTATIVE, agency="REG")


class Clock:
    """The cycle's clock, set to noon in Tehran on a Solar Hijri date."""

    def __init__(self, jalali: str) -> None:
        self.set(jalali)

    def set(self, jalali: str) -> None:
        self.at = datetime.combine(parse_date(jalali), time(12), TEHRAN).astimezone(UTC)

    def __call__(self) -> datetime:
        return self.at


def load(registry: Registry, tmp_path: Path, duties: int = 1) -> None:
    """REG and TAXO (tests.workbooks), REG's provincial units in Isfahan and Fars, and a
    delegated counter office under REG (not a provincial unit, R-20.2). REG's duties D2… have
    no service."""
    sheets = two_agencies()
    sheets["agencies"] = [
        ["code", "name_fa", "name_en", "kind", "province", "parent_code"],
        ["REG", "سازمان ثبت نمونه", "Sample Registry", "organization", "tehran", ""],
        ["TAXO", "سازمان مالیات نمونه", "Sample Tax", "organization", "isfahan", ""],
        ["REG_ISF", "اداره کل ثبت اصفهان", "Isfahan Registry", "provincial_unit", "isfahan",
         "REG"],
        ["REG_FRS", "اداره کل ثبت فارس", "Fars Registry", "provincial_unit", "fars", "REG"],
        ["REG_PSH", "دفتر پیشخوان ۱۰", "Counter office 10", "delegated", "tehran", "REG"],
    ]
    header = ["agency_code", "ref", "title_fa", "legal_basis", "status", "changed_on"]
    rows: list[list[Any]] = [header]
    rows += [["REG", f"D{i}", f"وظیفه {i}", "قانون ثبت احوال، ماده ۱", "draft", ""]
             for i in range(1, duties + 1)]
    rows.append(["TAXO", "D1", "وصول مالیات", "قانون مالیات‌های مستقیم، ماده ۱", "draft", ""])
    sheets["duties"] = rows
    sub = read_submission(write_workbook(tmp_path / "obligations.xlsx", sheets), registry)
    assert sub.problems == []
    registry.apply_checked(sub.changeset)


def cycle_at(registry: Registry, clock: Clock) -> tuple[Cycle, Obligations]:
    cycle = Cycle(registry.store, registry.iris, now=clock)
    return cycle, Obligations(cycle)


def jalali(d: date) -> str:
    return to_jalali_str(d)


def oracle_plus_days(text: str, days: int) -> str:
    """jdatetime's own arithmetic, independent of catalog.jalali."""
    y, m, d = map(int, text.split("/"))
    j = jdatetime.date(y, m, d) + timedelta(days=days)
    return f"{j.year:04d}/{j.month:02d}/{j.day:02d}"


def due(ob: Obligations, today: str, agency: str = "REG",
        requirement: str | None = None) -> list[Deadline]:
    return [d for d in ob.deadlines(parse_date(today), agency)
            if requirement is None or d.requirement == requirement]


def test_reopening_step_1_starts_ten_days_across_the_leap_esfand(registry: Registry,
                                                                 tmp_path: Path) -> None:
    """R-3.3: a reopen of step 1 on 1403/12/25 (1403 is leap: Esfand has 30 days) makes the
    update due on 1404/01/05; late from 1404/01/06; met when step 1 is submitted again."""
    load(registry, tmp_path)
    clock = Clock("1403/12/20")
    cycle, ob = cycle_at(registry, clock)
    cycle.start("REG", 1, STEWARD)
    cycle.submit("REG", 1, STEWARD)
    cycle.approve("REG", 1, REVIEWER)
    assert due(ob, "1403/12/25", requirement="R-3.3") == []
    clock.set("1403/12/25")
    cycle.reopen("REG", 1, STEWARD, "law amended")
    [update] = due(ob, "1404/01/05", requirement="R-3.3")
    assert jalali(update.state.due) == "1404/01/05" == oracle_plus_days("1403/12/25", 10)
    assert (update.step, update.state.days_left, update.state.overdue) == (1, 0, False)
    assert (update.what_en, update.what_fa) == ("update duties after a change",
                                                "به‌روزرسانی وظایف پس از تغییر")
    [late] = [d for d in due(ob, "1404/01/06", requirement="R-3.3") if d.state.overdue]
    assert late.state.days_left == -1 and "1 day(s) late" in late.state.describe()
    # TAXO's listing is its own.
    assert due(ob, "1404/01/06", agency="TAXO", requirement="R-3.3") == []
    clock.set("1404/01/07")
    cycle.submit("REG", 1, STEWARD)
    assert due(ob, "1404/01/07", requirement="R-3.3") == []
    [stored] = [o for o in ob.obligations("REG") if o.requirement == "R-3.3"]
    assert (stored.state, stored.ended, stored.clock_start) == (
        MET, parse_date("1404/01/07"), parse_date("1403/12/25"))
    assert stored.missed(parse_date("1404/01/08"))  # met two days late
    trail = cycle.history(stored.iri)
    assert [(e.action, e.to_state, e.actor, e.role, e.step) for e in trail] == [
        ("start-clock", OPEN, "steward-reg", "steward", 1),
        ("stop-clock", MET, "steward-reg", "steward", 1)]
    assert "law amended" in (trail[0].reason or "")


def test_duties_changed_after_approval_starts_the_clock_from_its_date(
        registry: Registry, tmp_path: Path) -> None:
    """R-3.3: a duty edited after approval (reported by the agency) runs 10 days from the
    change; one clock runs at a time; only the agency's own steward reports it."""
    load(registry, tmp_path)
    clock = Clock("1404/02/01")
    _, ob = cycle_at(registry, clock)
    with pytest.raises(Forbidden):
        ob.duties_changed("REG", REVIEWER, parse_date("1404/01/28"))
    with pytest.raises(Forbidden):
        ob.duties_changed("REG", STEWARD_TAXO, parse_date("1404/01/28"))
    started = ob.duties_changed("REG", STEWARD, parse_date("1404/01/28"), "duty D1 edited")
    assert started is not None and jalali(started.due) == "1404/02/07"
    assert jalali(started.due) == oracle_plus_days("1404/01/28", 10)
    assert ob.duties_changed("REG", STEWARD, parse_date("1404/01/30")) is None
    assert [jalali(d.state.due) for d in due(ob, "1404/02/01", requirement="R-3.3")] == [
        "1404/02/07"]


def _to_step_3(cycle: Cycle, registry: Registry, tmp_path: Path) -> None:
    """Steps 1 and 2 approved (REG's S1 holds a service ID), and step 3 submitted with two
    plans the council endorsed: PL1 piloted in Isfahan, PL2 not piloted (R-5.1, R-5.5)."""
    for step in (1, 2):
        cycle.start("REG", step, STEWARD)
        cycle.submit("REG", step, STEWARD)
        cycle.approve("REG", step, REVIEWER)
    load_plan(registry, tmp_path, pilot="isfahan")
    load_plan(registry, tmp_path, plan="PL2")
    for plan in ("PL1", "PL2"):
        Plans(cycle).endorse("REG", plan, council())
    cycle.start("REG", 3, STEWARD)
    cycle.submit("REG", 3, STEWARD)


def test_approving_step_3_starts_a_month_per_piloted_plan(registry: Registry,
                                                          tmp_path: Path) -> None:
    """R-5.5 (ADR 0030): the Organization approves the improvement plans on 1403/06/31: the
    slice of each approved plan piloted in a province is due a calendar month later,
    1403/07/30 (Mehr has 30 days); a plan not piloted has none. Sending the slice stops it."""
    load(registry, tmp_path)
    clock = Clock("1403/06/31")
    cycle, ob = cycle_at(registry, clock)
    _to_step_3(cycle, registry, tmp_path)
    cycle.approve("REG", 3, REVIEWER)
    slices = due(ob, "1403/07/30", requirement="R-5.5")
    assert [(d.subject, jalali(d.state.due), d.step) for d in slices] == [
        ("PL1 (isfahan)", "1403/07/30", 3)]
    assert jalali(slices[0].state.due) == oracle_plus_days("1403/06/31", 30)
    assert all(d.state.days_left == 0 for d in slices)
    [clock_pl1] = [o for o in ob.obligations("REG") if o.requirement == "R-5.5"]
    assert clock_pl1.key == slice_key("PL1") == "R-5.5/PL1"
    provinces = Provinces(cycle)
    with pytest.raises(Forbidden):
        provinces.register_slice("REG", "PL1", STEWARD_TAXO, description_fa="بخش استانی")
    clock.set("1403/07/10")
    provinces.register_slice("REG", "PL1", STEWARD, description_fa="بخش استانی")
    assert due(ob, "1403/07/10", requirement="R-5.5") != []  # registered is not yet sent
    provinces.endorse_slice("REG", "PL1", council(), "1403/55")
    sent = provinces.send_slice("REG", "PL1", STEWARD)
    assert (sent.state, sent.sent, sent.late) == ("sent", parse_date("1403/07/10"), False)
    assert due(ob, "1403/08/01", requirement="R-5.5") == []
    [met] = [o for o in ob.obligations("REG") if o.requirement == "R-5.5"]
    assert (met.state, met.ended) == (MET, parse_date("1403/07/10"))
    # A reopened and re-approved step does not start the slice of a plan again.
    clock.set("1403/07/20")
    cycle.reopen("REG", 3, STEWARD, "new action")
    cycle.submit("REG", 3, STEWARD)
    cycle.approve("REG", 3, REVIEWER)
    assert due(ob, "1403/08/01", requirement="R-5.5") == []
    assert len([o for o in ob.obligations("REG") if o.requirement == "R-5.5"]) == 1


def test_emergency_requests_run_by_their_own_deadline(registry: Registry,
                                                      tmp_path: Path) -> None:
    """R-7: the Organization records a request referred by Foad 128 with the deadline it set;
    it is overdue when unresolved past due; a resolved request is no longer listed."""
    load(registry, tmp_path)
    clock = Clock("1404/06/28")
    cycle, ob = cycle_at(registry, clock)
    with pytest.raises(Forbidden):  # the agency does not set its own deadline
        ob.record_emergency("REG", STEWARD, referred=parse_date("1404/06/28"), subject="x",
                            days=5)
    with pytest.raises(CycleRefused):
        ob.record_emergency("REG", REVIEWER, referred=parse_date("1404/06/28"), subject="x",
                            days=5, due=parse_date("1404/07/01"))
    req = ob.record_emergency("REG", REVIEWER, referred=parse_date("1404/06/28"),
                              subject="صف طولانی صدور شناسنامه", days=5, reference="F128-77")
    assert jalali(req.due) == "1404/07/02" == oracle_plus_days("1404/06/28", 5)
    other = ob.record_emergency("REG", REVIEWER, referred=parse_date("1404/06/30"),
                                subject="Lost documents", due=parse_date("1404/07/15"))
    with pytest.raises(CycleRefused) as exc:
        ob.record_emergency("REG", REVIEWER, referred=parse_date("1404/06/29"),
                            subject="again", days=3, reference="F128-77")
    assert exc.value.reasons[0].requirement == "R-7"
    listed = due(ob, "1404/07/03", requirement="R-7")
    assert [(d.subject, d.state.days_left) for d in listed] == [
        ("صف طولانی صدور شناسنامه #F128-77", -1), ("Lost documents", 12)]
    with pytest.raises(Forbidden):
        ob.resolve_emergency("REG", "F128-77", STEWARD_TAXO)
    clock.set("1404/07/03")
    ob.resolve_emergency("REG", "F128-77", STEWARD, "queue system fixed")
    assert [d.iri for d in due(ob, "1404/07/03", requirement="R-7")] == [other.iri]
    ob.resolve_emergency("REG", other.iri, STEWARD)
    assert due(ob, "1404/07/03", requirement="R-7") == []
    with pytest.raises(CycleRefused):
        ob.resolve_emergency("REG", "F128-77", STEWARD)
    [resolved] = [o for o in ob.obligations("REG") if o.reference == "F128-77"]
    assert resolved.missed(parse_date("1404/07/04"))  # resolved one day late
    assert [e.action for e in cycle.history(resolved.iri)] == ["start-clock", "stop-clock"]
    assert cycle.history(resolved.iri)[0].role == "reviewer"


def test_the_representative_is_due_ten_days_after_the_cycle_starts(registry: Registry,
                                                                   tmp_path: Path) -> None:
    """R-19: the clock starts when the agency's cycle starts (its first step started); the
    appointment (an org:Membership) stops it; a new appointment ends the previous one."""
    load(registry, tmp_path)
    clock = Clock("1404/01/10")
    cycle, ob = cycle_at(registry, clock)
    assert due(ob, "1404/01/10", requirement="R-19") == []  # the cycle has not started
    cycle.start("REG", 1, STEWARD)
    [rep_due] = due(ob, "1404/01/10", requirement="R-19")
    assert (jalali(rep_due.state.due), rep_due.step) == ("1404/01/20", None)
    [first_monitoring] = due(ob, "1404/01/10", requirement="R-18")
    assert jalali(first_monitoring.state.due) == "1404/07/10"
    cycle.start("REG", 5, STEWARD)  # a second step starting starts nothing again
    assert len(due(ob, "1404/01/10", requirement="R-19")) == 1
    with pytest.raises(Forbidden):
        ob.appoint_representative("REG", "Someone", STEWARD_TAXO)
    with pytest.raises(Forbidden):
        ob.appoint_representative("REG", "Someone", REP)  # the head appoints, not the rep
    clock.set("1404/01/12")
    first = ob.appoint_representative("REG", "Ali Rezaei", STEWARD)
    assert due(ob, "1404/01/25", requirement="R-19") == []
    assert ob.representative("REG") == first and first.appointed == parse_date("1404/01/12")
    clock.set("1404/03/01")
    second = ob.appoint_representative("REG", "Sara Ahmadi", STEWARD)
    assert [(a.person, a.ended) for a in ob.appointments("REG")] == [
        ("Ali Rezaei", parse_date("1404/03/01")), ("Sara Ahmadi", None)]
    assert ob.representative("REG") == second
    assert [e.action for e in cycle.history(second.iri)] == ["appoint"]
    # An agency that appointed before its cycle started gets no R-19 clock.
    ob.appoint_representative("TAXO", "Reza", STEWARD_TAXO)
    cycle.start("TAXO", 1, STEWARD_TAXO)
    assert due(ob, "1404/03/01", agency="TAXO", requirement="R-19") == []
    assert [d.requirement for d in due(ob, "1404/03/01", agency="TAXO")] == [
        "R-3.1", "R-18", "R-11"]


def test_performance_reports_are_filed_by_the_representative(registry: Registry,
                                                             tmp_path: Path) -> None:
    """R-19: one report per period, by the current representative, with the progress of the
    cycle (steps approved when filed), challenges, risks and mitigations."""
    load(registry, tmp_path)
    clock = Clock("1404/05/01")
    cycle, ob = cycle_at(registry, clock)
    cycle.start("REG", 1, STEWARD)
    cycle.submit("REG", 1, STEWARD)
    cycle.approve("REG", 1, REVIEWER)
    with pytest.raises(CycleRefused) as exc:  # nobody is appointed yet
        ob.file_performance_report("REG", REP, period="1404-H1", progress="step 1 done")
    assert exc.value.reasons[0].requirement == "R-19"
    ob.appoint_representative("REG", "Ali Rezaei", STEWARD)
    with pytest.raises(Forbidden):
        ob.file_performance_report("REG", STEWARD, period="1404-H1", progress="x")
    with pytest.raises(CycleRefused):  # a representative, but not REG's
        ob.file_performance_report("REG", Actor("Other", Role.REPRESENTATIVE, agency="REG"),
                                   period="1404-H1", progress="x")
    with pytest.raises(CycleRefused):
        ob.file_performance_report("REG", REP, period="1404-H2", progress="too early")
    filed = ob.file_performance_report(
        "REG", REP, period="1404-H1", progress="duties approved", challenges="legal review",
        risks="staff turnover", mitigations="training")
    assert (filed.period, filed.steps_approved, filed.by) == ("1404-H1", 1, "Ali Rezaei")
    with pytest.raises(CycleRefused):
        ob.file_performance_report("REG", REP, period="1404-h1", progress="again")
    [stored] = ob.performance_reports("REG")
    assert stored == filed and stored.issued == parse_date("1404/05/01")
    assert ob.performance_reports("TAXO") == []
    assert [(e.action, e.actor, e.role) for e in cycle.history(stored.iri)] == [
        ("file-report", "Ali Rezaei", "representative")]


def test_the_monitoring_clock_restarts_at_each_report(registry: Registry,
                                                      tmp_path: Path) -> None:
    """R-18: the next monitoring of an agency is due six months after the last one: recorded
    on 1404/06/31, the next falls on 1404/12/29 (1404 is not leap: Esfand has 29 days)."""
    load(registry, tmp_path)
    clock = Clock("1404/01/10")
    cycle, ob = cycle_at(registry, clock)
    cycle.start("REG", 1, STEWARD)
    with pytest.raises(Forbidden):
        ob.record_monitoring("1404-H1", STEWARD, ["REG"])
    clock.set("1404/06/31")
    assert ob.record_monitoring("1404-H1", REVIEWER, ["REG"]) == ["REG"]
    assert ob.record_monitoring("1404-H1", AUDITOR, ["REG"]) == []  # already recorded
    [next_one] = due(ob, "1404/07/01", requirement="R-18")
    assert jalali(next_one.state.due) == "1404/12/29"
    r18 = sorted((o.clock_start, o.state) for o in ob.obligations("REG")
                 if o.requirement == "R-18")
    assert r18 == [(parse_date("1404/01/10"), MET), (parse_date("1404/06/31"), OPEN)]
    [issued] = ob.monitoring_reports("REG")
    assert (issued.period, issued.by, issued.issued) == ("1404-H1", "reviewer-1",
                                                         parse_date("1404/06/31"))


def test_obligations_cannot_be_loaded_from_a_file(registry: Registry, tmp_path: Path) -> None:
    """Only the cycle writes clocks and appointments (R-16): a file carrying one is refused."""
    load(registry, tmp_path)
    base = registry.iris.base
    forged = tmp_path / "forged.ttl"
    forged.write_text(f"""
        @prefix gc: <https://w3id.org/govcat/ns#> .
        <{base}agency/REG/obligation/x> a gc:Obligation ; gc:state "met" .
    """, encoding="utf-8")
    sub = read_submission(forged, registry)
    if not sub.problems:  # an unknown class is left out; a known one is refused
        registry.apply_checked(sub.changeset)
    assert registry.store.describe([f"{base}agency/REG/obligation/x"]) == []
    assert OBLIGATION_LABELS <= CYCLE_LABELS


def test_every_stored_term_is_declared(registry: Registry, tmp_path: Path) -> None:
    """The nodes of ADR 0007 carry only terms of the ontology, so they read back as RDF."""
    load(registry, tmp_path)
    clock = Clock("1404/01/10")
    cycle, ob = cycle_at(registry, clock)
    _to_step_3(cycle, registry, tmp_path)
    cycle.approve("REG", 3, REVIEWER)  # the clock with its plan and province
    ob.record_emergency("REG", REVIEWER, referred=parse_date("1404/01/10"), subject="صف",
                        days=3, reference="F-9")
    ob.appoint_representative("REG", "Ali Rezaei", STEWARD)
    ob.appoint_representative("REG", "Ali Rezaei", STEWARD)  # the first membership ends
    ob.file_performance_report("REG", REP, period="1404-H1", progress="p", challenges="c",
                               risks="r", mitigations="m")
    ob.record_monitoring("1404-H1", REVIEWER, ["REG"])
    iris = ([o.iri for o in ob.obligations()] + [a.iri for a in ob.appointments()]
            + [r.iri for r in ob.performance_reports() + ob.monitoring_reports()])
    nodes = registry.store.describe(iris)
    assert {n.label for n in nodes} == OBLIGATION_LABELS

    known = set(mapping().terms)
    for n in nodes:
        used = {k.partition("@")[0] for k in n.props} | set(n.rels)
        assert used <= known, (n.label, used - known)
        assert n.label in {mapping().label_of[c] for c in mapping().label_of}, n.label
    graph = nodes_to_graph(nodes)  # every node reads back as RDF of the ontology
    assert len(set(graph.subjects())) == len(nodes)
