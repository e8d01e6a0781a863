"""The steward's pages in a real browser (ADR 0031): the agency's 9 steps with their state
(R-2.1), a duty registered by a form generated from its kind's declaration with each problem
beside its field, a workbook uploaded as a dry run first and stored only on confirmation, and
step 1 submitted. axe-core checks every page visited."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from api.web.forms import DECIDED_COLUMNS, form_kinds
from catalog.access.accounts import Accounts
from catalog.access.principals import Principal, Role
from cli.demo import demo_password
from tests.conftest import BASE
from tests.support.browser import Site, assert_accessible, new_page, screenshot, sign_in
from tests.workbooks import Sheets, load_valid, two_agencies, write_workbook

PASSWORD = "a steward secret 1405"
AGENCY_PAGE = "/app/agencies/REG"
DUTY_HEADER = ["agency_code", "ref", "title_fa", "legal_basis", "status"]


def _agency(site: Site, tmp_path: Path) -> None:
    """REG exists (loaded by the core) and has two stewards with passwords."""
    load_valid(site.registry, tmp_path / "agency.xlsx",
               {"agencies": two_agencies()["agencies"][:2]})
    accounts = Accounts(site.registry.store)
    for name in ("steward-reg", "steward-reg-2"):
        accounts.save(Principal(name, Role.STEWARD, agency="REG"))
        accounts.set_known_password(name, PASSWORD)


def _stored(site: Site, path: str) -> bool:
    return bool(site.registry.store.describe([BASE + path]))


def _steward(browser: Browser, site: Site, name: str = "steward-reg") -> Page:
    page = new_page(browser)
    sign_in(page, site, name, PASSWORD)
    return page


def test_steward_registers_a_duty_and_submits_step_1(browser: Browser, site: Site,
                                                       tmp_path: Path) -> None:
    _agency(site, tmp_path)
    page = _steward(browser, site)
    page.goto(site.url + AGENCY_PAGE)
    expect(page.locator("table.steps tbody tr")).to_have_count(9)
    expect(page.locator("#step-1 [data-state]")).to_have_text("آغازنشده")
    expect(page.locator("#step-2")).to_contain_text("گام ۱ هنوز تأیید نشده است")
    assert_accessible(page)
    screenshot(page, "steward-agency")

    page.get_by_role("link", name="ثبت تازه در «وظایف»").click()
    assert_accessible(page)
    page.get_by_label("کد داخلی وظیفه").fill("D1")
    page.get_by_label("عنوان فارسی").fill("ثبت وقایع حیاتی")
    page.get_by_label("مبنای قانونی").fill("قانون ثبت احوال، ماده ۱")
    page.get_by_label("تاریخ تغییر").fill("۱۴۰۳/۱۳/۰۸")
    page.get_by_role("button", name="ثبت", exact=True).click()
    date = page.get_by_label("تاریخ تغییر")
    expect(date).to_have_attribute("aria-invalid", "true")
    expect(date).to_have_accessible_description(re.compile("ماه ۱۳ در تاریخ «۱۴۰۳/۱۳/۰۸»"))
    expect(page.locator("#f-changed_on-problem")).to_contain_text("ماه ۱۳")
    expect(page.get_by_label("کد داخلی وظیفه")).not_to_have_attribute("aria-invalid", "true")
    assert not _stored(site, "agency/REG/duty/D1")
    assert_accessible(page)
    screenshot(page, "steward-form-problem")

    date.fill("۱۴۰۳/۱۰/۰۸")
    page.get_by_role("button", name="ثبت", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("رکورد ذخیره شد")
    assert _stored(site, "agency/REG/duty/D1")
    assert_accessible(page)

    page.goto(site.url + AGENCY_PAGE)
    page.get_by_role("button", name="آغاز گام ۱").click()
    expect(page.locator("#step-1 [data-state]")).to_have_text("در حال انجام")
    page.get_by_role("button", name="ارسال گام ۱ برای تأیید").click()
    expect(page.get_by_role("status")).to_have_text("گام ۱ برای تأیید ارسال شد.")
    expect(page.locator("#step-1 [data-state]")).to_have_text("ارسال‌شده برای تأیید")
    assert_accessible(page)
    screenshot(page, "steward-step-submitted")
    page.context.close()


def test_a_refused_step_action_shows_its_reasons(browser: Browser, site: Site,
                                                 tmp_path: Path) -> None:
    _agency(site, tmp_path)
    page = _steward(browser, site)
    page.goto(site.url + AGENCY_PAGE)
    page.get_by_role("button", name="آغاز گام ۲").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("گام ۲ نیازمند تأیید گام ۱ است")
    expect(alert).to_contain_text("(R-4.1)")
    expect(page.locator("#step-2 [data-state]")).to_have_text("آغازنشده")
    assert_accessible(page)
    page.get_by_role("link", name="English").click()  # from the page the refusal answered
    expect(page.get_by_role("heading", level=1)).to_contain_text("Agency REG")
    expect(page.locator("#step-2")).to_contain_text("step 1 is not approved yet")
    expect(page.get_by_role("button", name="Start step 1")).to_be_visible()
    assert page.get_attribute("html", "dir") == "ltr"
    assert_accessible(page)
    page.context.close()


def _duties(*rows: list[str]) -> Sheets:
    return {"duties": [DUTY_HEADER, *rows]}


def test_upload_reports_a_bad_row_then_stores_only_on_confirmation(
        browser: Browser, site: Site, tmp_path: Path) -> None:
    _agency(site, tmp_path)
    good = ["REG", "D2", "صدور گواهی", "قانون ثبت احوال، ماده ۲", "draft"]
    bad = write_workbook(tmp_path / "bad.xlsx",
                         _duties(good, ["REG", "D3", "ثبت فوت", "", "draft"]))
    page = _steward(browser, site)
    page.goto(site.url + AGENCY_PAGE + "/upload")
    assert_accessible(page)
    page.get_by_label("پرونده کاربرگ").set_input_files(bad)
    page.get_by_role("button", name="بررسی بدون ذخیره").click()
    expect(page.get_by_role("alert")).to_contain_text("چیزی ذخیره نشد")
    row = page.locator("table.report tbody tr", has_text="مبنای قانونی")
    expect(row.locator("td").nth(0)).to_have_text("وظایف")
    expect(row.locator("td").nth(1)).to_have_text("۳")
    expect(row.locator("td").nth(2)).to_have_text("مبنای قانونی")
    expect(row.locator("td").nth(3)).to_contain_text("مبنای قانونی وظیفه مشخص نیست")
    expect(row.locator("td").nth(4)).to_have_text("R-3.1")
    assert not _stored(site, "agency/REG/duty/D2")
    assert_accessible(page)
    screenshot(page, "steward-upload-report")

    fixed = write_workbook(tmp_path / "fixed.xlsx",
                           _duties(good, ["REG", "D3", "ثبت فوت", "قانون ثبت احوال، ماده ۳",
                                          "draft"]))
    page.get_by_label("پرونده کاربرگ").set_input_files(fixed)
    page.get_by_role("button", name="بررسی بدون ذخیره").click()
    expect(page.get_by_role("status")).to_contain_text("بدون اشکال است")
    assert not _stored(site, "agency/REG/duty/D2")
    assert_accessible(page)
    screenshot(page, "steward-upload-checked")
    _another_steward_cannot_confirm_it(browser, site, page.input_value("input[name=file]"))

    page.get_by_role("button", name="تأیید و ذخیره").click()
    expect(page.get_by_role("status")).to_contain_text("ذخیره شد")
    assert _stored(site, "agency/REG/duty/D2") and _stored(site, "agency/REG/duty/D3")
    assert_accessible(page)
    page.context.close()


def _another_steward_cannot_confirm_it(browser: Browser, site: Site, kept: str) -> None:
    """The kept file is its uploader's: another account's confirmation finds nothing."""
    other = _steward(browser, site, "steward-reg-2")
    other.goto(site.url + AGENCY_PAGE + "/upload")
    csrf = other.input_value("form[enctype] input[name=csrf]")
    answer = other.request.post(site.url + AGENCY_PAGE + "/upload/confirm",
                                form={"csrf": csrf, "file": kept, "name": "x.xlsx"},
                                max_redirects=0)
    assert answer.status == 303
    other.goto(site.url + answer.headers["location"])
    expect(other.get_by_role("alert")).to_contain_text("در دسترس نیست")
    assert_accessible(other)
    assert not _stored(site, "agency/REG/duty/D2")
    other.context.close()


def test_every_kind_has_one_generated_form(browser: Browser, site: Site,
                                           tmp_path: Path) -> None:
    """Each of the 9 kinds' forms is read from its declaration (catalog.kinds): a labelled
    field per column (the IDs the cycle issues left out), code lists as choices with their
    Persian labels; a rule of the cycle broken by a reference is shown beside its field."""
    _agency(site, tmp_path)
    page = _steward(browser, site)
    for kind in form_kinds():
        page.goto(f"{site.url}{AGENCY_PAGE}/records/{kind.api}/new")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"ثبت تازه در «{kind.sheet.label_fa}»")
        for column in kind.sheet.columns:
            field = page.locator(f"#f-{column.key}")
            if column.key in DECIDED_COLUMNS:
                expect(field).to_have_count(0)
                continue
            expect(page.get_by_label(column.label_fa, exact=False).first).to_be_visible()
            if column.kind in ("enum", "bool"):
                assert field.evaluate("e => e.tagName") == "SELECT"
                expect(field.locator("option").nth(1)).to_have_text(column.choices()[0][1])
        assert_accessible(page)

    page.goto(f"{site.url}{AGENCY_PAGE}/records/services/new")
    page.get_by_label("کد داخلی خدمت").fill("S9")
    page.get_by_label("عنوان فارسی").fill("خدمت آزمون")
    page.locator("#f-kind").select_option(label="خدمت")
    page.get_by_label("وظایف مرتبط").fill("NO-SUCH-DUTY")
    page.get_by_role("button", name="ثبت", exact=True).click()
    duties = page.get_by_label("وظایف مرتبط")
    expect(duties).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-duties-problem")).to_contain_text(re.compile("[آ-ی].*R-"))
    assert not _stored(site, "agency/REG/service/S9")
    assert_accessible(page)
    page.context.close()


def test_the_demo_agencies_show_approved_steps_and_overdue_deadlines(
        browser: Browser, demo_site: Site) -> None:
    """Read only: SABT has steps 1 to 3 approved; TAX's rejected step 1 is overdue (R-3.1)."""
    page = new_page(browser)
    sign_in(page, demo_site, "steward-sabt", demo_password("steward-sabt"))
    page.get_by_role("navigation").get_by_role("link", name="دستگاه من").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("SABT")
    for step in (1, 2, 3):
        expect(page.locator(f"#step-{step} [data-state]")).to_have_text("تأییدشده")
    page.locator("#step-1 summary").click()  # reopening asks for a reason
    expect(page.locator("#step-1").get_by_label("دلیل")).to_be_visible()
    expect(page.get_by_role("button", name="بازگشایی گام ۱")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "steward-agency-demo")
    page.context.close()

    page = new_page(browser)
    sign_in(page, demo_site, "steward-tax", demo_password("steward-tax"))
    page.goto(demo_site.url + "/app/agencies/TAX")
    expect(page.locator("#step-1 [data-state]")).to_have_text("ردشده")
    expect(page.locator("#step-1 .overdue")).to_contain_text("روز گذشته از مهلت")
    expect(page.get_by_role("button", name="ارسال گام ۱ برای تأیید")).to_be_visible()
    assert_accessible(page)
    page.context.close()
