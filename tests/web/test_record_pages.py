"""Every record's IRI is a page for a browser, with its links, versions and trail, while
machines still get RDF from the same URL; the records browser finds what people type, in
Arabic or Persian letters and digits (ADR 0031, R-16)."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Browser, Page, expect
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from api.web.record_view import local_href, with_format
from cli.demo import demo_password
from tests.conftest import BASE
from tests.support.browser import Site, assert_accessible, new_page, screenshot, sign_in

SERVICE = "agency/SABT/service/birth-registration"
SERVICE_FA = "ثبت ولادت و صدور شناسنامه نوزاد"
SERVICE_EN = "Birth registration and issuance of the newborn's birth certificate"
DUTY_FA = "ثبت ولادت اتباع ایرانی"  # one of the duties the service follows
DRAFT_DUTY = "agency/PISHKHAN_1045/duty/d-counter-biometrics"  # its agency's step 1 is open
DRAFT_FA = "احراز هویت حضوری متقاضیان و ثبت زیست‌سنجه"
NOT_FOUND_FA = "یافت نشد"


def _open(page: Page, site: Site, path: str) -> int:
    response = page.goto(f"{site.url}/id/{path}")
    assert response is not None
    return response.status


def test_a_service_page_shows_its_duties_versions_and_trail(browser: Browser,
                                                             demo_site: Site) -> None:
    page = new_page(browser)
    sign_in(page, demo_site, "auditor", demo_password("auditor"))
    assert _open(page, demo_site, SERVICE) == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(SERVICE_FA)
    expect(page.locator("p.kind")).to_contain_text("خدمت عمومی")
    links = page.get_by_role("region", name="پیوند به رکوردهای دیگر")
    expect(links.get_by_role("link", name=DUTY_FA, exact=True)).to_be_visible()
    versions = page.get_by_role("region", name="نسخه‌ها")
    expect(versions.get_by_role("row")).to_have_count(2)  # its header and the one version
    trail = page.get_by_role("region", name="سابقه رویدادها")
    expect(trail.get_by_role("row", name=re.compile("تأیید"))).to_contain_text("S-SABT-00002")
    expect(trail.get_by_role("row", name=re.compile("تأیید"))).to_contain_text("۱۴۰۵/۰۶/۳۰")
    assert_accessible(page)
    screenshot(page, "record-service")

    links.get_by_role("link", name=DUTY_FA, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(DUTY_FA)
    assert page.url.endswith("/id/agency/SABT/duty/d-birth-registration")
    incoming = page.get_by_role("region", name="رکوردهایی که به این رکورد پیوند دارند")
    expect(incoming.get_by_role("link", name=SERVICE_FA, exact=True)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "record-duty")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Registration of births of Iranian nationals")
    assert_accessible(page)
    page.context.close()


def test_the_same_url_still_answers_rdf(demo_site: Site) -> None:
    """Machines are answered as before: JSON-LD by default and for `*/*`, Turtle when asked;
    `?format=` wins over a browser's Accept."""
    iri = URIRef(BASE + SERVICE)
    browser_accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    with httpx.Client(base_url=demo_site.url) as http:
        for accept, media, syntax in (("application/ld+json", "application/ld+json", "json-ld"),
                                      ("text/turtle", "text/turtle", "turtle"),
                                      ("*/*", "application/ld+json", "json-ld"),
                                      (None, "application/ld+json", "json-ld")):
            headers = {"Accept": accept} if accept else {}
            r = http.get(f"/id/{SERVICE}", headers=headers)
            assert r.status_code == 200 and r.headers["content-type"].startswith(media), accept
            g = Graph().parse(data=r.text, format=syntax)
            assert SERVICE_FA in {str(t) for t in g.objects(iri, DCTERMS.title)}
        page = http.get(f"/id/{SERVICE}", headers={"Accept": browser_accept})
        assert page.headers["content-type"].startswith("text/html")
        assert SERVICE_FA in page.text and "Cookie" in page.headers["vary"]
        turtle = http.get(f"/id/{SERVICE}", params={"format": "ttl"},
                          headers={"Accept": browser_accept})
        assert turtle.headers["content-type"].startswith("text/turtle")
        by_iri = http.get("/resource", params={"iri": str(iri)}, headers={"Accept": "text/html"})
        assert by_iri.status_code == 200 and SERVICE_FA in by_iri.text


def test_a_draft_is_not_found_for_the_public_and_readable_for_the_auditor(
        browser: Browser, demo_site: Site) -> None:
    anonymous = new_page(browser)
    assert _open(anonymous, demo_site, DRAFT_DUTY) == 404
    expect(anonymous.get_by_role("heading", level=1)).to_have_text(NOT_FOUND_FA)
    expect(anonymous.get_by_text(DRAFT_FA)).to_have_count(0)
    assert_accessible(anonymous)
    anonymous.context.close()

    auditor = new_page(browser)
    sign_in(auditor, demo_site, "auditor", demo_password("auditor"))
    assert _open(auditor, demo_site, DRAFT_DUTY) == 200
    expect(auditor.get_by_role("heading", level=1)).to_have_text(DRAFT_FA)
    expect(auditor.get_by_role("link", name="پیش‌نویس")).to_be_visible()  # its status, by label
    assert_accessible(auditor)
    # its RDF, linked from the page, is read as the person signed in (the session's cookie)
    turtle = auditor.get_by_role("link", name="Turtle").get_attribute("href")
    assert turtle is not None
    answer = auditor.request.get(demo_site.url + turtle)
    assert answer.ok and answer.headers["content-type"].startswith("text/turtle")
    assert DRAFT_FA in answer.text()
    auditor.context.close()


def test_the_records_search_folds_arabic_letters_and_persian_digits(
        browser: Browser, demo_site: Site) -> None:
    page = new_page(browser)
    page.goto(demo_site.url + "/")
    page.get_by_role("link", name="رکوردها").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("رکوردها")
    assert_accessible(page)
    page.get_by_label("نوع").select_option("services")
    page.get_by_label("متن").fill("براي نقل و انتقال املاك (ماده ۳۷)")  # ي, ك and ۳۷
    page.get_by_role("button", name="جست‌وجو").click()
    results = page.get_by_role("region", name="نتیجه‌ها")
    found = results.get_by_role("link")
    expect(found).to_have_count(1)
    expect(found).to_have_text("صدور گواهی عدم بدهی برای نقل و انتقال املاک (ماده 37)")
    assert_accessible(page)
    screenshot(page, "record-search")
    found.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("صدور گواهی عدم بدهی")
    assert_accessible(page)
    page.context.close()


def test_the_records_browser_pages_through_what_the_reader_may_see(
        browser: Browser, demo_site: Site) -> None:
    page = new_page(browser)
    page.goto(demo_site.url + "/app/records?kind=services")
    first = page.get_by_role("region", name="نتیجه‌ها").get_by_role("link").all_inner_texts()
    assert len(first) == 25
    page.get_by_role("link", name="صفحه بعد").click()
    second = page.get_by_role("region", name="نتیجه‌ها").get_by_role("link").all_inner_texts()
    assert second and not set(first) & set(second)
    assert_accessible(page)
    page.get_by_label("دستگاه").select_option("TAX")  # its services are drafts: none public
    page.get_by_role("button", name="جست‌وجو").click()
    expect(page.get_by_text("رکوردی یافت نشد.")).to_be_visible()
    assert_accessible(page)
    page.context.close()


def test_links_to_records_stay_on_this_host() -> None:
    """A record under the catalog's base is linked at its path here, `/id/…` (the route
    gives the same IRI back); any other IRI by `/resource?iri=`, never at another host."""
    assert local_href(BASE + SERVICE, BASE) == f"/id/{SERVICE}"
    assert local_href("https://w3id.org/govcat/code/status/approved", BASE) == (
        "/resource?iri=https%3A%2F%2Fw3id.org%2Fgovcat%2Fcode%2Fstatus%2Fapproved")
    assert local_href(BASE + "law/قانون", BASE).startswith("/resource?iri=https%3A%2F%2F")
    assert local_href(BASE + "x?y=1", BASE).startswith("/resource?iri=")
    assert with_format(f"/id/{SERVICE}", "ttl") == f"/id/{SERVICE}?format=ttl"
    assert with_format("/resource?iri=x", "nt") == "/resource?iri=x&format=nt"
