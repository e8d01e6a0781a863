"""The reviewer's inbox in a real browser (ADR 0031): a submission waits for its step's
approving body only (R-2.2); the reviewer sees what it changes, field by field, rejects it
only with a reason and approves it, seeing the duty IDs issued at once (R-2.1, R-3.2)."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, expect

from catalog.access.accounts import Accounts
from catalog.access.principals import Principal, Role
from catalog.cycle.states import State
from catalog.guard import Guard
from catalog.registry import Registry
from cli.demo import demo_password
from loaders.submission import read_submission
from tests.support.browser import Site, assert_accessible, new_page, screenshot, sign_in
from tests.workbooks import load_valid, two_agencies, write_workbook

STEWARD = Principal("steward-reg", Role.STEWARD, agency="REG")
STRUCTURES = Principal("reviewer-structures", Role.REVIEWER,
                       bodies=frozenset({"macro-structures"}))  # step 1's body
SMART = Principal("reviewer-smart", Role.REVIEWER, bodies=frozenset({"smart-government"}))
PASSWORD = "inbox-test-1405"
REG = "سازمان ثبت نمونه"
DUTY = "ثبت وقایع حیاتی"
REVIEW_STEP_1 = f"بررسی گام ۱ {REG}"


def _world(registry: Registry, tmp_path: Path) -> Guard:
    """Two agencies loaded; the accounts with their passwords; REG's step 1 submitted by its
    steward, through the core as the API would."""
    load_valid(registry, tmp_path / "two.xlsx", two_agencies())
    accounts = Accounts(registry.store)
    for p in (STEWARD, STRUCTURES, SMART):
        accounts.save(p)
        accounts.set_known_password(p.name, PASSWORD)
    guard = Guard(registry)
    guard.move(STEWARD, "REG", 1, "start")
    guard.move(STEWARD, "REG", 1, "submit")
    return guard


def _reviewer(browser: Browser, site: Site, who: Principal) -> Page:
    page = new_page(browser)
    sign_in(page, site, who.name, PASSWORD)
    page.goto(site.url + "/app/inbox")
    assert_accessible(page)
    return page


def _decide(page: Page, button: str, status: int) -> None:
    with page.expect_response(re.compile(r"/app/inbox/REG/1/(approve|reject)$")) as answer:
        page.get_by_role("button", name=button, exact=True).click()
    assert answer.value.status == status
    assert_accessible(page)


def _field_row(page: Page, record: Locator, label: str) -> str:
    """The text of the row of the field `label` in `record`'s table."""
    rowheader = page.get_by_role("rowheader", name=label, exact=True)
    return record.get_by_role("row").filter(has=rowheader).inner_text()


def test_only_the_steps_body_sees_it_and_decides_with_a_reason(browser: Browser, site: Site,
                                                                tmp_path: Path) -> None:
    guard = _world(site.registry, tmp_path)

    other = _reviewer(browser, site, SMART)  # step 2's body: not theirs to decide
    expect(other.get_by_role("status")).to_contain_text("کارتابل شما خالی است")
    expect(other.get_by_role("link", name=REVIEW_STEP_1)).to_have_count(0)
    other.context.close()

    page = _reviewer(browser, site, STRUCTURES)
    row = page.get_by_role("row").filter(has_text=REG)
    expect(row).to_contain_text("گام ۱: اتصال خدمات به وظایف")
    expect(row.get_by_role("cell").nth(3)).to_have_text("۱")  # one duty, REG's
    expect(row.get_by_role("cell").nth(2)).to_contain_text("۱۴")  # a Jalali year, 14xx
    screenshot(page, "reviewer-inbox")
    page.get_by_role("link", name=REVIEW_STEP_1).click()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{REG} · گام ۱: اتصال خدمات به وظایف (ثبت وظایف)")
    record = page.get_by_role("region", name=re.compile(DUTY))
    expect(record.get_by_role("heading")).to_contain_text("افزوده")
    assert "قانون ثبت احوال، ماده ۱" in _field_row(page, record, "مبنای قانونی")
    assert "پیش‌نویس" in _field_row(page, record, "وضعیت")
    expect(page.get_by_text("وصول مالیات")).to_have_count(0)  # TAXO's duty is not in it
    screenshot(page, "reviewer-submission")

    _decide(page, "رد", 409)  # no reason: refused beside the field, nothing written
    expect(page.get_by_role("alert")).to_contain_text("ذکر دلیل الزامی است")
    expect(page.get_by_label("دلیل رد")).to_have_attribute("aria-invalid", "true")
    assert guard.steps(STRUCTURES, "REG")[0].state is State.SUBMITTED

    page.get_by_label("دلیل رد").fill("مبنای قانونی باید شماره ماده را هم داشته باشد")
    _decide(page, "رد", 200)
    expect(page.get_by_role("status")).to_contain_text("رد شد")
    assert guard.steps(STRUCTURES, "REG")[0].state is State.REJECTED
    page.goto(site.url + "/app/inbox")
    expect(page.get_by_role("status")).to_contain_text("کارتابل شما خالی است")

    guard.move(STEWARD, "REG", 1, "submit")  # the steward resubmits
    page.goto(site.url + "/app/inbox")
    page.get_by_role("link", name=REVIEW_STEP_1).click()
    _decide(page, "تأیید", 200)
    expect(page.get_by_role("status")).to_contain_text("تأیید شد")
    issued = page.get_by_role("row").filter(has_text=DUTY)
    expect(issued.get_by_role("cell").nth(1)).to_have_text("D-REG-0001")
    screenshot(page, "reviewer-approved")
    page.context.close()
    duties = site.registry.store.agency_records(str(site.registry.iris.agency("REG")), "Duty")
    assert [d.duty_id for d in duties] == ["D-REG-0001"]


def test_a_change_to_an_approved_duty_shows_its_old_and_new_values(
        browser: Browser, site: Site, tmp_path: Path) -> None:
    guard = _world(site.registry, tmp_path)
    guard.approve(STRUCTURES, "REG", 1)
    guard.move(STEWARD, "REG", 1, "reopen", "عنوان وظیفه اصلاح می‌شود")
    header, reg_duty = two_agencies()["duties"][:2]
    reg_duty[2] = "ثبت وقایع حیاتی و صدور شناسنامه"  # the steward retitles REG's duty
    edit = write_workbook(tmp_path / "edit.xlsx", {"duties": [header, reg_duty]})
    sub = read_submission(edit, site.registry)
    assert sub.problems == []
    guard.apply_checked(STEWARD, sub.changeset)
    guard.move(STEWARD, "REG", 1, "submit")

    page = _reviewer(browser, site, STRUCTURES)
    page.get_by_role("link", name=REVIEW_STEP_1).click()
    assert_accessible(page)
    record = page.get_by_role("region", name=re.compile(DUTY))
    expect(record.get_by_role("heading")).to_contain_text("تغییریافته")
    title = record.get_by_role("row").filter(has=page.get_by_role("rowheader"))
    expect(title).to_have_count(1)  # only the title changed
    expect(title.get_by_role("cell").nth(0)).to_have_text(DUTY)
    expect(title.get_by_role("cell").nth(1)).to_have_text("ثبت وقایع حیاتی و صدور شناسنامه")
    screenshot(page, "reviewer-change")
    _decide(page, "تأیید", 200)
    expect(page.get_by_text("این تأیید شناسه تازه‌ای صادر نکرد.")).to_be_visible()
    page.context.close()
    [duty] = site.registry.store.describe([str(site.registry.iris.owned("duty", "REG", "D1"))])
    assert duty.props["title@fa"] == "ثبت وقایع حیاتی و صدور شناسنامه"
    assert duty.props["dutyId"] == "D-REG-0001"


def test_the_demo_plans_wait_for_smart_government_and_a_steward_has_no_inbox(
        browser: Browser, demo_site: Site) -> None:
    page = new_page(browser)
    sign_in(page, demo_site, "reviewer-smart", demo_password("reviewer-smart"))
    page.goto(demo_site.url + "/app/inbox")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^بررسی گام ۳ ")).click()  # SSO's step 3
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("گام ۳")
    plans = page.get_by_role("region").filter(has_text="برنامه بهبود")
    expect(plans.first).to_be_visible()
    expect(plans.first.get_by_role("heading")).to_contain_text("افزوده")
    screenshot(page, "reviewer-plans")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="The body's decision")).to_be_visible()
    assert_accessible(page)
    page.context.close()

    steward = new_page(browser)
    sign_in(steward, demo_site, "steward-sabt", demo_password("steward-sabt"))
    with steward.expect_response(re.compile(r"/app/inbox$")) as answer:
        steward.goto(demo_site.url + "/app/inbox")
    assert answer.value.status == 403
    expect(steward.get_by_role("alert")).to_contain_text("R-2.2")
    assert_accessible(steward)
    steward.context.close()
