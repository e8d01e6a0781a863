"""People sign in with a password set through a one-time link; sessions live in an HttpOnly
cookie; forms carry a CSRF token; the pages are Persian first and pass axe-core (ADR 0031)."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Browser, expect

from catalog.access.accounts import Accounts
from catalog.access.principals import Principal, Role
from cli.demo import demo_password
from tests.support.browser import Site, assert_accessible, new_page, screenshot, sign_in

NEWCOMER = Principal("auditor-newcomer", Role.AUDITOR)


def test_home_is_persian_and_offers_sign_in(browser: Browser, demo_site: Site) -> None:
    page = new_page(browser)
    page.goto(demo_site.url + "/")
    assert page.get_attribute("html", "lang") == "fa"
    assert page.get_attribute("html", "dir") == "rtl"
    expect(page.get_by_role("link", name="ورود").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="English").click()
    assert page.get_attribute("html", "dir") == "ltr"
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    page.context.close()


def test_wrong_password_is_refused_in_persian(browser: Browser, demo_site: Site) -> None:
    page = new_page(browser)
    page.goto(demo_site.url + "/app/sign-in")
    page.fill("#name", "steward-sabt")
    page.fill("#password", "not-the-password")
    with page.expect_response(re.compile(r"/app/sign-in$")) as answer:
        page.click("form[action='/app/sign-in'] button[type=submit]")
    assert answer.value.status == 401
    expect(page.get_by_role("alert")).to_have_text("نام کاربری یا گذرواژه نادرست است.")
    assert page.context.cookies() == [c for c in page.context.cookies()
                                      if c["name"] != "govcat_session"]
    assert_accessible(page)
    page.context.close()


def test_admin_issues_a_link_and_the_person_sets_a_password(browser: Browser,
                                                             demo_site: Site) -> None:
    # a person of this test's own: the demo's accounts keep their published passwords
    Accounts(demo_site.registry.store).save(NEWCOMER)
    admin = new_page(browser)
    sign_in(admin, demo_site, "admin", demo_password("admin"))
    session = [c for c in admin.context.cookies() if c["name"] == "govcat_session"]
    assert session and session[0]["httpOnly"] and session[0]["sameSite"] == "Lax"
    admin.goto(demo_site.url + "/app/accounts")
    assert_accessible(admin)
    admin.get_by_role("button", name=f"صدور پیوند گذرواژه برای {NEWCOMER.name}").click()
    link = admin.input_value("#issued-link")
    assert "/app/set-password?code=gct_" in link
    screenshot(admin, "accounts")
    admin.context.close()

    person = new_page(browser)
    person.goto(link)
    assert_accessible(person)
    person.fill("#password", "a new secret 1405")
    person.fill("#again", "a new secret 1405")
    person.get_by_role("button", name="تعیین گذرواژه").click()
    expect(person.get_by_role("status")).to_contain_text("گذرواژه تعیین شد")
    sign_in(person, demo_site, NEWCOMER.name, "a new secret 1405")
    expect(person.get_by_text(f"واردشده با نام {NEWCOMER.name}")).to_be_visible()
    person.context.close()

    again = new_page(browser)  # the link was spent
    again.goto(link)
    again.fill("#password", "another secret 1405")
    again.fill("#again", "another secret 1405")
    again.get_by_role("button", name="تعیین گذرواژه").click()
    expect(again.get_by_role("alert")).to_contain_text("پیوند معتبر نیست")
    again.context.close()


def test_a_form_without_its_csrf_token_changes_nothing(demo_site: Site) -> None:
    with httpx.Client(base_url=demo_site.url) as http:
        r = http.get("/app/sign-in")
        r = http.post("/app/sign-in", data={"name": "admin", "password": demo_password("admin"),
                                            "csrf": r.cookies.get("govcat_csrf", "")})
        assert r.status_code == 303 and "govcat_session" in http.cookies
        r = http.post("/app/accounts/auditor/password-link", data={"csrf": "forged"})
        assert r.status_code == 403
        assert "/app/set-password?code=" not in r.text
        page = http.get("/app/accounts").text
        token = re.search(r'name="csrf" value="([^"]+)"', page)
        assert token is not None
        r = http.post("/app/accounts/auditor/password-link", data={"csrf": token.group(1)})
        assert r.status_code == 201 and "/app/set-password?code=" in r.text


def test_docs_load_from_govcats_own_host(browser: Browser, demo_site: Site) -> None:
    page = new_page(browser, "en")
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(httpx.URL(r.url).host))
    page.goto(demo_site.url + "/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("govcat")
    assert hosts == {"127.0.0.1"}
    page.context.close()
