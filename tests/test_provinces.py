"""A piloted plan's provincial slice (R-5.5) and the provinces' verification of a plan (R-8.1,
R-8.2), on both real stores (ADR 0030): the slice is registered by the agency, endorsed by its
council and sent, which stops the plan's one-month clock (late when after its due date); a
province's verifier records one report per plan once every action is declared done, refused
before, for an indicator not of the plan, for another province, and a second time."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.access.principals import Forbidden, Role
from catalog.cycle.engine import Cycle
from catalog.cycle.obligations import MET, Obligations, slice_key
from catalog.cycle.plans import Plans
from catalog.cycle.progress import Progress
from catalog.cycle.provinces import (
    Provinces,
    ProvincialSlice,
    VerificationReport,
    provinces,
)
from catalog.cycle.states import Actor, CycleRefused
from catalog.decided import PROVINCE_LABELS
from catalog.graphmap import nodes_to_graph
from catalog.jalali import add_days, parse_date
from catalog.ontology import mapping
from catalog.registry import CYCLE_LABELS, Registry
from catalog.validation import UNJUDGED
from cli.demo_pilot import walk_pilot
from tests.support.plans import (
    REVIEWER,
    approved_plan,
    council,
    load_plan,
    services_with_ids,
    steward,
)
from tests.test_obligations import Clock

VERIFIER = Actor("verifier-isfahan", Role.PROVINCIAL_VERIFIER, province="isfahan")
VERIFIER_FARS = Actor("verifier-fars", Role.PROVINCIAL_VERIFIER, province="fars")


def _refused(exc: pytest.ExceptionInfo[CycleRefused], requirement: str) -> str:
    [reason] = exc.value.reasons
    assert reason.requirement == requirement and reason.message_fa, reason
    return reason.message_en


def _piloted(registry: Registry, tmp_path: Path, clock: Clock) -> Cycle:
    """REG's PL1 piloted in Isfahan and PL2 not piloted, endorsed and approved with step 3
    on the clock's day (steps 1 and 2 walked first)."""
    services_with_ids(registry, tmp_path, ("REG",))
    cycle = Cycle(registry.store, registry.iris, now=clock)
    load_plan(registry, tmp_path, pilot="isfahan")
    load_plan(registry, tmp_path, plan="PL2")
    for plan in ("PL1", "PL2"):
        Plans(cycle).endorse("REG", plan, council())
    cycle.start("REG", 3, steward())
    cycle.submit("REG", 3, steward())
    cycle.approve("REG", 3, REVIEWER)
    return cycle


def test_the_slice_is_registered_endorsed_and_sent_late(registry: Registry,
                                                        tmp_path: Path) -> None:
    clock = Clock("1404/07/01")
    cycle = _piloted(registry, tmp_path, clock)
    p = Provinces(cycle)
    [clock_pl1] = [o for o in Obligations(cycle).obligations("REG") if o.requirement == "R-5.5"]
    assert clock_pl1.key == slice_key("PL1") and clock_pl1.due == parse_date("1404/08/01")
    # Only an approved plan piloted in a province has a slice; only the agency registers it.
    with pytest.raises(CycleRefused) as exc:
        p.register_slice("REG", "PL2", steward(), description_fa="بخش")
    assert "not piloted" in _refused(exc, "R-5.5")
    for who in (council(), steward("TAXO"), VERIFIER, REVIEWER):
        with pytest.raises(Forbidden):
            p.register_slice("REG", "PL1", who, description_fa="بخش")
    with pytest.raises(CycleRefused) as exc:
        p.register_slice("REG", "PL1", steward(), description_fa="بخش", to=["isfahan"])
    assert "piloted the plan" in _refused(exc, "R-5.5")
    with pytest.raises(CycleRefused) as exc:
        p.register_slice("REG", "PL1", steward(), description_fa="بخش", to=["atlantis"])
    assert "atlantis" in _refused(exc, "R-5.5")
    with pytest.raises(CycleRefused) as exc:
        p.register_slice("REG", "PL1", steward(), description_fa="  ")
    _refused(exc, "R-5.5")
    assert p.provincial_slice("REG", "PL1") is None  # nothing written by the refusals

    clock.set("1404/07/20")
    s = p.register_slice("REG", "PL1", steward(), description_fa="ثبت برخط در همه استان‌ها",
                         description_en="online registration everywhere")
    assert (s.state, s.pilot, s.registered, s.due, s.by) == (
        "registered", "isfahan", parse_date("1404/07/20"), parse_date("1404/08/01"),
        "steward-reg")
    assert list(s.provinces) == [c for c in provinces() if c != "isfahan"]  # all the others
    with pytest.raises(CycleRefused) as exc:
        p.register_slice("REG", "PL1", steward(), description_fa="دوباره")
    assert "already has" in _refused(exc, "R-5.5")
    # Sent only once the council endorsed it; endorsed by the agency's council only.
    with pytest.raises(CycleRefused) as exc:
        p.send_slice("REG", "PL1", steward())
    assert "registered" in _refused(exc, "R-5.5")
    for who in (steward(), council("TAXO"), VERIFIER):
        with pytest.raises(Forbidden):
            p.endorse_slice("REG", "PL1", who)
    endorsed = p.endorse_slice("REG", "PL1", council(), "1404/771")
    assert (endorsed.state, endorsed.resolution) == ("endorsed", "1404/771")
    with pytest.raises(CycleRefused):
        p.endorse_slice("REG", "PL1", council())
    with pytest.raises(Forbidden):
        p.send_slice("REG", "PL1", council())
    assert [o.key for o in Obligations(cycle).obligations("REG", only_open=True)
            if o.requirement == "R-5.5"] == [slice_key("PL1")]

    clock.set("1404/08/03")  # two days past due
    sent = p.send_slice("REG", "PL1", steward())
    assert (sent.state, sent.sent, sent.late) == ("sent", parse_date("1404/08/03"), True)
    [met] = [o for o in Obligations(cycle).obligations("REG") if o.requirement == "R-5.5"]
    assert (met.state, met.ended) == (MET, parse_date("1404/08/03"))
    assert met.missed(add_days(met.due, 5))
    with pytest.raises(CycleRefused):
        p.send_slice("REG", "PL1", steward())
    actions = [h.action for h in cycle.history(s.iri)]
    assert actions == ["register-slice", "endorse-slice", "send-slice"]


def test_a_slice_sent_in_time_is_not_late(registry: Registry, tmp_path: Path) -> None:
    clock = Clock("1404/07/01")
    cycle = _piloted(registry, tmp_path, clock)
    p = Provinces(cycle)
    p.register_slice("REG", "PL1", steward(), description_fa="بخش", to=["fars", "Tehran"])
    p.endorse_slice("REG", "PL1", council())
    clock.set("1404/08/01")  # the due day itself
    sent = p.send_slice("REG", "PL1", steward())
    assert (sent.provinces, sent.late, sent.resolution) == (("fars", "tehran"), False, None)


def _done(registry: Registry, tmp_path: Path) -> tuple[Cycle, Progress]:
    cycle = Cycle(registry.store, registry.iris)
    approved_plan(registry, tmp_path, cycle=services_with_ids(registry, tmp_path, ("REG",)))
    return cycle, Progress(cycle)


VERDICTS = {"I1": {"verdict": "confirmed", "value": "3"},
            "I2": {"verdict": "not_confirmed", "value": "۹", "note": "صف هنوز طولانی است"}}


def test_a_province_verifies_once_every_action_is_declared_done(registry: Registry,
                                                                tmp_path: Path) -> None:
    cycle, progress = _done(registry, tmp_path)
    p = Provinces(cycle)
    progress.file("REG", "PL1", steward(), period="1404-H1", narrative="اقدام ۱ انجام شد",
                  values={"I1": "5"}, done=["A1"])

    def verify(who: Actor = VERIFIER, province: str = "isfahan",
               verdicts: dict[str, dict[str, str]] | None = None) -> object:
        return p.record_verification("REG", "PL1", who, province=province,
                                     verdicts=VERDICTS if verdicts is None else verdicts,
                                     problems="مراجعه حضوری هنوز لازم است",
                                     suggestions="استعلام برخط از ثبت احوال")

    with pytest.raises(CycleRefused) as exc:
        verify()
    assert "A2" in _refused(exc, "R-8.1") and "A1" not in _refused(exc, "R-8.1")
    progress.file("REG", "PL1", steward(), period="1404-H2", narrative="اقدام ۲ انجام شد",
                  values={"I1": "3", "I2": "12"}, done=["A2"])
    with pytest.raises(CycleRefused) as exc:
        verify(verdicts={**VERDICTS, "I9": {"verdict": "confirmed", "value": "1"}})
    assert "I9" in _refused(exc, "R-8.1")
    with pytest.raises(CycleRefused) as exc:
        verify(verdicts={"I1": VERDICTS["I1"]})
    assert "I2" in _refused(exc, "R-8.1")
    with pytest.raises(CycleRefused):
        verify(verdicts={**VERDICTS, "I1": {"verdict": "maybe", "value": "1"}})
    for who, province in ((VERIFIER, "fars"), (VERIFIER_FARS, "isfahan"), (steward(), "isfahan"),
                          (council(), "isfahan"), (REVIEWER, "isfahan")):
        with pytest.raises(Forbidden) as denied:
            verify(who, province)
        assert denied.value.denial.requirement == "R-8.1"
    assert p.verifications("REG", "PL1") == []

    report = verify()
    assert report.iri.endswith("/plan/PL1/verification/isfahan")
    assert (report.province, report.by, report.issued) == ("isfahan", "verifier-isfahan",
                                                          cycle._today())
    assert [(v.indicator, v.verdict, v.value, v.note) for v in report.verdicts] == [
        ("I1", "confirmed", "3.0", None), ("I2", "not_confirmed", "9.0", "صف هنوز طولانی است")]
    assert report.problems and report.suggestions
    with pytest.raises(CycleRefused) as exc:
        verify()
    assert "already" in _refused(exc, "R-8.1")
    fars = verify(VERIFIER_FARS, "fars", {k: {**v, "verdict": "confirmed"}
                                          for k, v in VERDICTS.items()})
    assert [r.province for r in p.verifications("REG", "PL1")] == ["fars", "isfahan"]
    assert [h.action for h in cycle.history(fars.iri)] == ["verify"]


def test_every_stored_term_is_declared(registry: Registry, tmp_path: Path) -> None:
    """The slice, the reports and their verdicts carry only terms of the ontology, read back
    as RDF, and are the cycle's: no file loads them, the shapes do not judge them."""
    assert PROVINCE_LABELS <= CYCLE_LABELS and PROVINCE_LABELS <= UNJUDGED
    clock = Clock("1404/07/01")
    cycle = _piloted(registry, tmp_path, clock)
    p = Provinces(cycle)
    p.register_slice("REG", "PL1", steward(), description_fa="بخش", description_en="slice")
    p.endorse_slice("REG", "PL1", council(), "1")
    s = p.send_slice("REG", "PL1", steward())
    clock.set("1404/12/20")
    Progress(cycle).file("REG", "PL1", steward(), period="1404-H2", narrative="همه انجام شد",
                         values={"I1": "2"}, done=["A1", "A2"])
    v = p.record_verification("REG", "PL1", VERIFIER, province="isfahan", verdicts=VERDICTS,
                              problems="مشکل", suggestions="پیشنهاد")
    items = [r.iri for r in registry.store.verifications(v.plan)]
    nodes = registry.store.describe([s.iri, *items, *(f"{v.iri}/indicator/{i}"
                                                      for i in VERDICTS)])
    assert sorted(n.label for n in nodes) == sorted(
        ["ProvincialSlice", "VerificationReport", "IndicatorVerification",
         "IndicatorVerification"])
    known = set(mapping().terms)
    for n in nodes:
        used = {k.partition("@")[0] for k in n.props} | set(n.rels)
        assert used <= known, (n.label, used - known)
    graph = nodes_to_graph(nodes)
    assert len(set(graph.subjects())) == len(nodes)
    # Neither is a part of the plan: the plan stands as its council endorsed it (ADR 0027).
    assert registry.store.plan_parts(v.plan) == sorted(
        n.iri for n in registry.store.describe(registry.store.plan_parts(v.plan))
        if n.label in ("Indicator", "ImprovementAction"))
    assert Plans(cycle).plans("REG", only=[v.plan])[0].endorsed


def test_the_demo_walks_a_piloted_plan_once(registry: Registry, tmp_path: Path) -> None:
    """cli.demo_pilot.walk_pilot, which the demo calls: the slice registered, endorsed, sent in
    time, and the pilot province's report after the agency declared every action done; run
    again, it takes no step twice."""
    cycle = _piloted(registry, tmp_path, Clock("1404/07/01"))
    Progress(cycle).file("REG", "PL1", steward(), period="1404-H1", narrative="اقدام ۱",
                         values={"I1": "4"}, done=["A1"])
    days = {"registered": "1404/07/10", "endorsed": "1404/07/12", "sent": "1404/07/15",
            "verified": "1404/12/01"}

    def walk() -> tuple[object, object]:
        return walk_pilot(registry, "REG", "PL1", steward=steward(), council=council(),
                          verifier=VERIFIER, period="1404-H2", **days)

    s, report = walk()
    assert isinstance(s, ProvincialSlice) and isinstance(report, VerificationReport)
    assert (s.state, s.late, s.sent) == ("sent", False, parse_date("1404/07/15"))
    assert [(v.indicator, v.verdict, v.value) for v in report.verdicts] == [
        ("I1", "confirmed", "4.0"), ("I2", "not_confirmed", "14.0")]
    assert walk() == (s, report)
    assert [r.period for r in registry.store.progress_reports(s.plan)] == ["1404-H1", "1404-H2"]
