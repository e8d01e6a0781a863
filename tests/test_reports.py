"""The six-monthly monitoring report of R-18 on both real stores: counts that come from the
change events and clocks the test itself created, as of the end of the period or of today,
rendered as CSV and as a bilingual Markdown document; and `govcat report …` through the CLI."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog.access.principals import Forbidden
from catalog.cycle.deadlines import Period
from catalog.cycle.engine import TEHRAN
from catalog.cycle.reports import (
    FINDING_COLUMNS,
    MonitoringReport,
    monitoring_report,
    to_csv,
    to_findings_csv,
    to_markdown,
)
from catalog.cycle.states import CycleRefused
from catalog.jalali import parse_date
from catalog.registry import Registry
from cli.main import app
from tests.support.cli import installations, run
from tests.test_obligations import AUDITOR, REVIEWER, STEWARD, Clock, cycle_at, load
from tests.workbooks import two_agencies, write_workbook

H1 = Period.parse("1404-H1")


def days(a: str, b: str) -> int:
    return (parse_date(b) - parse_date(a)).days


def _scenario(registry: Registry, tmp_path: Path) -> Clock:
    """REG walks step 1 in 1404-H1 with one rejection of the step and one of a duty, leaves
    step 2 waiting past its month, appoints its representative late, and gets two emergency
    requests, one handled late; TAXO never starts."""
    load(registry, tmp_path, duties=2)  # D1 is mapped by service S1, D2 by none
    clock = Clock("1404/01/05")
    cycle, ob = cycle_at(registry, clock)
    cycle.start("REG", 1, STEWARD)  # R-3.1 due 1404/02/05, R-19 1404/01/15, R-18 1404/07/05
    clock.set("1404/01/20")
    cycle.submit("REG", 1, STEWARD)  # on time: R-3.1 is met
    clock.set("1404/01/25")
    cycle.reject("REG", 1, REVIEWER, "legal basis missing")
    clock.set("1404/02/10")
    cycle.submit("REG", 1, STEWARD)
    clock.set("1404/02/12")
    cycle.reject_record("REG", str(registry.iris.owned("duty", "REG", "D1")), REVIEWER,
                        "repealed")
    cycle.approve("REG", 1, REVIEWER)  # D2 gets its ID; step 2's month runs to 1404/03/12
    clock.set("1404/03/01")
    ob.record_emergency("REG", REVIEWER, referred=parse_date("1404/03/01"), subject="queue",
                        days=5, reference="F-1")
    ob.record_emergency("REG", REVIEWER, referred=parse_date("1404/03/01"), subject="forms",
                        days=20, reference="F-2")
    clock.set("1404/03/10")
    ob.resolve_emergency("REG", "F-1", STEWARD)  # 4 days late
    ob.resolve_emergency("REG", "F-2", STEWARD)  # on time
    clock.set("1404/04/01")
    ob.appoint_representative("REG", "Ali Rezaei", STEWARD)  # 79 days late
    clock.set("1404/08/01")
    return clock


def _report(registry: Registry, clock: Clock, period: Period = H1, today: str = "1404/08/01",
            agency: str | None = None) -> MonitoringReport:
    cycle, _ = cycle_at(registry, clock)
    return monitoring_report(cycle, period, AUDITOR, agency, parse_date(today))


def test_the_report_of_a_period_counts_what_happened_in_it(registry: Registry,
                                                           tmp_path: Path) -> None:
    clock = _scenario(registry, tmp_path)
    report = _report(registry, clock)
    assert report.cutoff == parse_date("1404/06/31")  # the period has ended
    # Provincial and delegated bodies that have not begun their own cycle follow REG.
    assert [a.code for a in report.agencies] == ["REG", "TAXO"]
    reg, taxo = report.agencies
    assert (reg.steps_approved, reg.representative) == (1, "Ali Rezaei")
    [late] = reg.steps_late
    assert (late.requirement, late.due, late.days_late) == (
        "R-4.1", parse_date("1404/03/12"), days("1404/03/12", "1404/06/31"))
    assert [(f.requirement, f.days_late) for f in reg.deadlines_missed] == [
        ("R-4.1", days("1404/03/12", "1404/06/31")),  # step 2 never submitted
        ("R-19", days("1404/01/15", "1404/04/01")),  # appointed late
        ("R-7", 4)]  # F-1 handled four days late; F-2 on time is not a deviation
    assert "#F-1" in reg.deadlines_missed[2].en
    assert [(f.on, f.en) for f in reg.rejected] == [
        (parse_date("1404/01/25"), "step 1 rejected by reviewer-1: legal basis missing"),
        (parse_date("1404/02/12"), "duty D1 rejected by reviewer-1: repealed")]
    assert [(f.requirement, f.en) for f in reg.omissions] == [
        ("R-19", "no performance report filed for 1404-H1"),
        ("R-4.1", "duty D2 has no service mapped to it"),
        ("R-4.1", "service S1 is mapped to 1 duty(ies) without a duty ID")]
    assert (taxo.steps_approved, taxo.steps_late, taxo.deadlines_missed, taxo.rejected) == (
        0, [], [], [])
    assert [f.en for f in taxo.omissions] == [
        "the cycle has not begun", "service S1 is mapped to 1 duty(ies) without a duty ID"]


def test_a_running_period_is_reported_as_of_today(registry: Registry, tmp_path: Path) -> None:
    clock = _scenario(registry, tmp_path)
    [reg] = _report(registry, clock, today="1404/03/01", agency="REG").agencies
    assert reg.steps_late == []  # step 2 is due on 1404/03/12
    assert [(f.requirement, f.days_late) for f in reg.deadlines_missed] == [
        ("R-19", days("1404/01/15", "1404/03/01"))]  # still open on 1404/03/01
    assert len(reg.rejected) == 2 and reg.representative is None
    assert [f.requirement for f in reg.omissions][:1] == ["R-19"]
    assert reg.omissions[0].en == "no representative appointed"


def test_an_earlier_period_sees_nothing_of_later_events(registry: Registry,
                                                        tmp_path: Path) -> None:
    clock = _scenario(registry, tmp_path)
    report = _report(registry, clock, period=Period.parse("1403-H2"))
    reg = report.agencies[0]
    assert (reg.steps_approved, reg.steps_late, reg.deadlines_missed, reg.rejected) == (
        0, [], [], [])
    assert reg.omissions[0].en == "the cycle has not begun"


def test_who_may_produce_it_and_for_which_period(registry: Registry, tmp_path: Path) -> None:
    clock = _scenario(registry, tmp_path)
    cycle, _ = cycle_at(registry, clock)
    with pytest.raises(Forbidden):
        monitoring_report(cycle, H1, STEWARD)
    assert monitoring_report(cycle, H1, REVIEWER, "TAXO").agencies[0].code == "TAXO"
    with pytest.raises(CycleRefused) as exc:
        monitoring_report(cycle, Period.parse("1404-H2"), AUDITOR, today=parse_date("1404/05/01"))
    assert exc.value.reasons[0].requirement == "R-18"
    with pytest.raises(CycleRefused):
        monitoring_report(cycle, H1, AUDITOR, "NOPE")


def test_csv_and_markdown(registry: Registry, tmp_path: Path) -> None:
    clock = _scenario(registry, tmp_path)
    report = _report(registry, clock)
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    assert [(r["agency"], r["steps_approved"], r["steps_late"], r["deadlines_missed"],
             r["records_rejected"], r["omissions"], r["representative"]) for r in rows] == [
        ("REG", "1", "1", "3", "2", "3", "Ali Rezaei"), ("TAXO", "0", "0", "0", "0", "2", "")]
    assert {(r["period"], r["as_of"]) for r in rows} == {("1404-H1", "1404/06/31")}
    findings = list(csv.DictReader(io.StringIO(to_findings_csv(report))))
    assert tuple(findings[0]) == FINDING_COLUMNS and len(findings) == 11
    assert [(f["category"], f["due"], f["on"], f["days_late"]) for f in findings
            if f["requirement"] == "R-7"] == [("deadlines_missed", "1404/03/06", "1404/03/10",
                                                "4")]
    md = to_markdown(report)
    assert md.startswith("# گزارش پایش شش‌ماهه")
    for text in ("Six-monthly monitoring report", "**1404-H1** (1404/01/01 – 1404/06/31)",
                 "| REG — سازمان ثبت نمونه | 1/9 | 1 | 3 | 2 | 3 | Ali Rezaei |",
                 "## REG — سازمان ثبت نمونه", "### گام‌های با تأخیر / Steps late (1)",
                 "due 1404/03/12", "[R-7] handle an emergency request referred by Foad 128",
                 "### کاستی‌ها / Omissions (2)", "چرخه هوشمندسازی آغاز نشده است"):
        assert text in md, text


# -- the CLI ------------------------------------------------------------------------------------

BASE = "https://govcat.cli/id/"


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    with installations(tmp_path, BASE, "data") as [one]:
        yield one


def _account(env: dict[str, str], name: str, *options: str) -> None:
    code, out = run(env, "admin", "account", name, *options)
    assert code == 0, out


def test_report_commands(env: dict[str, str], tmp_path: Path) -> None:
    """Each command acts as a real account: --by on the server, --token (or $GOVCAT_TOKEN)
    anywhere, else the operator; the policy decides (ADR 0008)."""
    assert run(env, "load", str(write_workbook(tmp_path / "a.xlsx", two_agencies())))[0] == 0
    _account(env, "rev-1", "--role", "reviewer", "--body", "smart-government")
    _account(env, "ali", "--role", "steward", "--agency", "REG")
    _account(env, "rep-reg", "--role", "representative", "--agency", "REG")
    code, out = run(env, "report", "emergency", "--agency", "REG", "--referred", "1404/06/28",
                     "--days", "5", "--subject", "صف طولانی", "--reference", "F1",
                     "--by", "rev-1")
    assert code == 0 and "due 1404/07/02" in out, out
    code, out = run(env, "report", "emergency", "--agency", "REG", "--referred", "1404/06/28",
                     "--days", "5", "--subject", "x", "--by", "ali")
    assert code == 3 and "forbidden [R-7]" in out, out  # the Organization records them
    code, out = run(env, "deadlines", "--agency", "REG", "--overdue", "--today", "1404/07/03")
    assert code == 0 and "[R-7]" in out and "#F1" in out and "1 day(s) late" in out, out
    code, out = run(env, "report", "emergency-resolved", "--agency", "REG", "--request", "F1",
                     "--by", "rev-1")
    assert code == 3 and "[R-2.1]" in out  # the agency handles it, not the Organization
    assert run(env, "report", "emergency-resolved", "--agency", "REG", "--request", "F1",
                "--by", "nobody")[0] == 2  # no such account
    code, out = run(env, "report", "emergency-resolved", "--agency", "REG", "--request", "F1",
                     "--by", "ali")
    assert code == 0, out
    code, out = run(env, "report", "emergency-resolved", "--agency", "REG", "--request", "F1",
                     "--by", "ali")
    assert code == 1 and "refused [R-7]" in out  # no longer open
    code, out = run(env, "deadlines", "--agency", "REG", "--overdue", "--today", "1404/07/03")
    assert code == 0 and "[R-7]" not in out
    # The representative, appointed by the steward, files with a token of its own account.
    code, out = run(env, "report", "representative", "--agency", "REG", "--person", "rep-reg",
                     "--by", "ali")
    assert code == 0 and "representative rep-reg" in out, out
    issued = CliRunner().invoke(app, ["admin", "token", "rep-reg"], env=env)
    assert issued.exit_code == 0, issued.output
    token = issued.stdout.splitlines()[0]
    period = Period.of(datetime.now(UTC).astimezone(TEHRAN).date()).label
    code, out = run(env, "report", "performance", "--agency", "REG", "--period", period,
                     "--progress", "گام ۱ آغاز شد", "--token", token)
    assert code == 0 and f"performance report {period} filed" in out, out
    code, out = run(env, "report", "performance", "--agency", "REG", "--period", period,
                     "--progress", "again", "--by", "ali")
    assert code == 3 and "forbidden [R-19]" in out, out  # only the representative files
    code, out = run(env, "report", "performances", "--agency", "REG",
                     "--token", "gct_0000000000000000_" + "x" * 43)
    assert code == 2  # an unknown token
    code, out = run(env, "report", "performances", "--agency", "REG", "--by", "rev-1")
    assert code == 0 and "representative rep-reg" in out and "progress: گام ۱ آغاز شد" in out
    code, out = run(env, "report", "monitoring", "--period", "1404-H1", "--format", "csv",
                     "--today", "1404/08/01")
    assert code == 0 and out.splitlines()[0].startswith("period,as_of,agency"), out
    assert [line.split(",")[2] for line in out.splitlines()[1:]] == ["REG", "TAXO"]
    target = tmp_path / "h1.md"
    code, out = run(env, "report", "monitoring", "--period", "1404-H1", "--output",
                     str(target), "--today", "1404/08/01", "--by", "rev-1")
    assert code == 0 and target.read_text(encoding="utf-8").startswith("# گزارش پایش")
    assert run(env, "report", "monitoring", "--period", "1404-H3")[0] == 2
    code, out = run(env, "report", "monitoring", "--period", "1404-H1", "--by", "ali")
    assert code == 3 and "[R-18]" in out
