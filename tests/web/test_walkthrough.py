"""The web app's walk-through, in a real browser on both stores (ADR 0031): SABT's steward signs
in and uploads SABT's part of the demo workbook with one bad row, sees the problem in Persian in
that row, fixes it, stores it on confirmation and submits step 1 (R-3.1, R-2.1); step 1's
reviewer approves it from the inbox and sees the duty IDs issued at once (R-2.2, R-3.2); the
auditor opens the "start a business" chain as a graph and clicks through to a service (R-6.1).
axe-core checks every page visited; screenshots go to var/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from catalog.cycle.states import State
from catalog.guard import Guard
from cli import demo as people
from cli.demo import demo_password
from cli.main import DEMO_WORKBOOK
from loaders.submission import read_submission
from tests.support.browser import (
    Site,
    assert_accessible,
    click_graph_node,
    graph_labels,
    new_page,
    open_chain_graph,
    screenshot,
    sign_in,
)
from tests.web.agency_workbook import NEW_DUTY, NEW_DUTY_FA, agency_workbook, new_duty_row

SABT_FA = "سازمان ثبت احوال کشور"
CHAIN = "راه‌اندازی کسب‌وکار"  # CH-BUSINESS
SERVICE = "/id/agency/SABT/service/identity-inquiry"  # its first link
SERVICE_FA = "استعلام هویت (تطبیق شماره ملی و مشخصات فردی)"
FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _demo_without_history(site: Site) -> None:
    """The demo workbook and the demo's accounts, with no step of the cycle taken yet."""
    sub = read_submission(DEMO_WORKBOOK, site.registry)
    assert [str(p) for p in sub.problems] == []
    site.registry.apply_checked(sub.changeset)
    people.install_accounts(site.registry)


def _person(browser: Browser, site: Site, name: str) -> Page:
    page = new_page(browser)
    sign_in(page, site, name, demo_password(name))
    assert_accessible(page)
    return page


def _new_duty_stored(site: Site) -> bool:
    iri = str(site.registry.iris.owned("duty", "SABT", NEW_DUTY))
    return bool(site.registry.store.describe([iri]))


def _steward_uploads_and_submits(browser: Browser, site: Site, tmp_path: Path) -> None:
    bad = agency_workbook(tmp_path / "sabt.xlsx", "SABT", None)
    page = _person(browser, site, "steward-sabt")
    page.get_by_role("link", name="دستگاه من").first.click()
    expect(page.locator("#step-1 [data-state]")).to_have_text("آغازنشده")
    assert_accessible(page)
    page.get_by_role("link", name="بارگذاری کاربرگ").click()
    page.get_by_label("پرونده کاربرگ").set_input_files(bad)
    page.get_by_role("button", name="بررسی بدون ذخیره").click()
    expect(page.get_by_role("alert")).to_contain_text("چیزی ذخیره نشد")
    row = page.locator("table tbody tr").filter(
        has_text=str(new_duty_row(bad)).translate(FA_DIGITS))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("مبنای قانونی وظیفه مشخص نیست")
    expect(row).to_contain_text("R-3.1")
    assert_accessible(page)
    screenshot(page, "walkthrough-upload-error")
    assert not _new_duty_stored(site)

    fixed = agency_workbook(tmp_path / "sabt.xlsx", "SABT", "قانون ثبت احوال، ماده ۱")
    page.get_by_label("پرونده کاربرگ").set_input_files(fixed)
    page.get_by_role("button", name="بررسی بدون ذخیره").click()
    expect(page.get_by_role("status")).to_contain_text("بدون اشکال است")
    assert not _new_duty_stored(site)  # a dry run stores nothing
    assert_accessible(page)
    page.get_by_role("button", name="تأیید و ذخیره").click()
    expect(page.get_by_role("status")).to_contain_text("ذخیره شد")
    assert _new_duty_stored(site)

    page.get_by_role("link", name="دستگاه من").first.click()
    page.get_by_role("button", name="آغاز گام ۱").click()
    page.get_by_role("button", name="ارسال گام ۱ برای تأیید").click()
    expect(page.locator("#step-1 [data-state]")).to_have_text("ارسال‌شده برای تأیید")
    assert_accessible(page)
    screenshot(page, "walkthrough-step-1-submitted")
    page.context.close()


def _reviewer_approves(browser: Browser, site: Site) -> None:
    page = _person(browser, site, "reviewer-structures")
    page.get_by_role("link", name="کارتابل بررسی").first.click()
    assert_accessible(page)
    page.get_by_role("link", name=f"بررسی گام ۱ {SABT_FA}").click()
    expect(page.get_by_role("region", name=re.compile(NEW_DUTY_FA))).to_contain_text("افزوده")
    assert_accessible(page)
    page.get_by_role("button", name="تأیید", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("تأیید شد")
    issued = page.get_by_role("row").filter(has_text=NEW_DUTY_FA)
    expect(issued.get_by_role("cell").nth(1)).to_have_text(re.compile(r"^D-SABT-\d{4}$"))
    assert_accessible(page)
    screenshot(page, "walkthrough-duty-ids")
    page.context.close()


def _auditor_opens_the_chain(browser: Browser, site: Site) -> None:
    page = _person(browser, site, "auditor")
    page.get_by_role("link", name="پرسش‌های نظارتی").first.click()
    assert_accessible(page)
    open_chain_graph(page, site, CHAIN)
    labels = graph_labels(page)
    assert CHAIN in labels and SERVICE_FA in labels
    assert_accessible(page)
    screenshot(page, "walkthrough-chain-graph")
    click_graph_node(page, SERVICE)
    page.wait_for_url(site.url + SERVICE)
    expect(page.get_by_role("heading", level=1)).to_contain_text(SERVICE_FA)
    assert_accessible(page)
    screenshot(page, "walkthrough-service")
    page.context.close()


def test_a_steward_a_reviewer_and_an_auditor_walk_the_web_app(browser: Browser, site: Site,
                                                              tmp_path: Path) -> None:
    _demo_without_history(site)
    _steward_uploads_and_submits(browser, site, tmp_path)
    guard = Guard(site.registry)
    steward = people.ACCOUNTS[1]
    assert guard.steps(steward, "SABT")[0].state is State.SUBMITTED
    _reviewer_approves(browser, site)
    sabt = site.registry.store.agency_records(str(site.registry.iris.agency("SABT")), "Duty")
    assert sabt and all(re.fullmatch(r"D-SABT-\d{4}", d.duty_id or "") for d in sabt)
    _auditor_opens_the_chain(browser, site)
