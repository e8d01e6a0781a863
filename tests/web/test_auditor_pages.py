"""The auditor's pages in a real browser (ADR 0004, ADR 0031; R-6.1, R-18): every named query
as a form whose answer is a table and the API's CSV, the "start a business" chain as a graph
labelled with Persian titles whose nodes open the records' pages (by a click, by the keyboard
and by the list of links beside it), the read-only Cypher and SPARQL consoles with their
refusals in Persian, the deadlines and the monitoring report. axe-core checks every page."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, expect

from api.web.render import messages
from cli.demo import demo_password, demo_token
from graph_queries import named
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

CHAIN = "راه‌اندازی کسب‌وکار"  # the demo's "start a business" chain, CH-BUSINESS
LICENCE = "/id/agency/TEHRAN_MUN/service/business-licence"  # its final service
LICENCE_FA = "صدور پروانه کسب (تأییدیه شهرداری)"
TAXPAYER = "/id/agency/TAX/service/taxpayer-registration"
TAXPAYER_FA = "ثبت‌نام مالیاتی و تخصیص کد اقتصادی"
WRITE_REFUSED = "پرسش‌ها فقط‌خواندنی‌اند؛ این پرسش می‌خواهد چیزی بنویسد"


def test_every_named_query_has_persian_words_for_its_page() -> None:
    found = messages()
    for q in named.catalog_of_queries().values():
        assert f"au_q_{q.name}" in found and f"au_q_{q.name}_about" in found, q.name
        for p in q.params:
            assert f"au_p_{p.name}" in found and f"au_type_{p.type}" in found, (q.name, p)


def _auditor(browser: Browser, site: Site) -> Page:
    page = new_page(browser)
    sign_in(page, site, "auditor", demo_password("auditor"))
    return page


def _api_csv(site: Site, name: str, params: dict[str, str]) -> str:
    token_id, secret = demo_token("auditor")
    r = httpx.get(f"{site.url}/queries/{name}", params={**params, "format": "csv"},
                  headers={"Authorization": f"Bearer gct_{token_id}_{secret}"})
    assert r.status_code == 200
    return r.text


def test_a_query_with_a_parameter_answers_a_table_and_the_apis_csv(browser: Browser,
                                                                   demo_site: Site) -> None:
    page = _auditor(browser, demo_site)
    page.goto(demo_site.url + "/app/queries")
    expect(page.get_by_role("heading", level=1)).to_have_text("پرسش‌های نظارتی")
    assert_accessible(page)
    screenshot(page, "auditor-queries")
    page.get_by_role("link", name="وظایف بدون خدمت").click()
    assert_accessible(page)
    page.get_by_label("دستگاه").select_option(label="سازمان ثبت احوال کشور")
    page.get_by_role("button", name="اجرای پرسش").click()
    table = page.get_by_role("table", name="پاسخ پرسش وظایف بدون خدمت")
    expect(table).to_be_visible()
    expect(page.get_by_text("۲ ردیف")).to_be_visible()  # SABT: 16 duties, 14 with a service
    expect(table.get_by_role("row")).to_have_count(3)
    assert_accessible(page)
    screenshot(page, "auditor-query-table")
    with page.expect_download() as got:
        page.get_by_role("link", name="دریافت CSV").click()
    csv = Path(got.value.path()).read_text(encoding="utf-8")
    assert csv == _api_csv(demo_site, "unrealized-duties", {"agency": "agency/SABT"})
    assert len(csv.splitlines()) == 3
    page.context.close()


def _chain_graph(page: Page, site: Site) -> None:
    open_chain_graph(page, site, CHAIN)


def test_the_start_a_business_chain_as_a_graph_opens_its_services(browser: Browser,
                                                                  demo_site: Site) -> None:
    page = _auditor(browser, demo_site)
    _chain_graph(page, demo_site)
    labels = graph_labels(page)
    assert CHAIN in labels and LICENCE_FA in labels and TAXPAYER_FA in labels
    assert not [x for x in labels if "://" in x or "/id/" in x], labels  # titles, not IRIs
    assert_accessible(page)
    screenshot(page, "auditor-chain-graph")
    click_graph_node(page, LICENCE)
    page.wait_for_url(demo_site.url + LICENCE)

    _chain_graph(page, demo_site)  # the list beside the graph: the same nodes, as links
    nodes = page.get_by_role("table", name="گره‌های گراف")
    nodes.get_by_role("link", name=TAXPAYER_FA).click()
    page.wait_for_url(demo_site.url + TAXPAYER)

    _chain_graph(page, demo_site)  # the keyboard: arrows move from node to node, Enter opens
    graph = page.get_by_role("application")
    graph.focus()
    graph.press("ArrowRight")
    expect(page.locator("#au-graph-current")).to_have_text(f"{CHAIN} (زنجیره خدمت)")
    graph.press("Enter")
    page.wait_for_url(demo_site.url + "/id/chain/CH-BUSINESS")
    page.context.close()


def test_the_graph_speaks_english_in_english(browser: Browser, demo_site: Site) -> None:
    page = _auditor(browser, demo_site)
    page.context.add_cookies([{"name": "govcat_lang", "value": "en", "url": demo_site.url}])
    page.goto(demo_site.url + "/app/queries/chain-links?run=1&chain=chain/CH-BUSINESS")
    page.wait_for_selector("#au-graph[data-ready='yes']")
    assert "Starting a business" in graph_labels(page)
    expect(page.get_by_role("table", name="The nodes of the graph")).to_be_visible()
    assert_accessible(page)
    page.context.close()


def test_the_cypher_console_reads_and_refuses_a_write_in_persian(browser: Browser,
                                                                  demo_site: Site) -> None:
    page = _auditor(browser, demo_site)
    page.goto(demo_site.url + "/app/console/cypher")
    assert page.get_attribute("#console-text", "dir") == "ltr"
    assert_accessible(page)
    page.get_by_role("button", name="اجرای پرسش").click()  # the example it offers: every link
    expect(page.get_by_role("status")).to_have_text("۱۳ ردیف")  # of the 3 chains: 4 + 5 + 4
    page.get_by_label("متن پرسش").fill(
        "MATCH (c:ServiceChain) RETURN c.`title@fa` AS chain ORDER BY chain")
    page.get_by_role("button", name="اجرای پرسش").click()
    expect(page.get_by_role("status")).to_have_text("۳ ردیف")
    expect(page.get_by_role("cell", name=CHAIN)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "auditor-cypher")

    page.get_by_label("متن پرسش").fill("CREATE (n:WebProbe {iri: 'x'}) RETURN n")
    with page.expect_response(re.compile(r"/app/console/cypher$")) as answer:
        page.get_by_role("button", name="اجرای پرسش").click()
    assert answer.value.status == 403
    expect(page.get_by_role("alert")).to_contain_text(WRITE_REFUSED)
    assert_accessible(page)
    assert demo_site.registry.store.read("MATCH (n:WebProbe) RETURN count(n) AS n") == [{"n": 0}]
    page.context.close()


def test_the_sparql_console_reads_and_refuses_an_update_in_persian(browser: Browser,
                                                                    demo_site: Site) -> None:
    page = _auditor(browser, demo_site)
    page.goto(demo_site.url + "/app/console/sparql")
    assert_accessible(page)
    page.get_by_role("button", name="اجرای پرسش").click()  # the example: the chains' titles
    expect(page.get_by_role("status")).to_have_text("۳ ردیف")
    page.get_by_label("متن پرسش").fill(
        'SELECT ?title WHERE { ?c a gc:ServiceChain ; dct:title ?title '
        'FILTER(LANG(?title) = "fa") } ORDER BY ?title')
    page.get_by_role("button", name="اجرای پرسش").click()
    expect(page.get_by_role("status")).to_have_text("۳ ردیف")
    expect(page.get_by_role("cell", name=CHAIN)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "auditor-sparql")
    page.get_by_label("متن پرسش").fill("INSERT DATA { <a> <b> <c> }")
    page.get_by_role("button", name="اجرای پرسش").click()
    expect(page.get_by_role("alert")).to_contain_text("فقط‌خواندنی")
    assert_accessible(page)
    page.context.close()


def test_a_steward_is_refused_the_cypher_console(browser: Browser, demo_site: Site) -> None:
    page = new_page(browser)
    sign_in(page, demo_site, "steward-sabt", demo_password("steward-sabt"))
    answer = page.goto(demo_site.url + "/app/console/cypher")
    assert answer is not None and answer.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("اجازه این کار را ندارید")
    expect(page.get_by_role("alert")).to_contain_text("راهبر داده دستگاه")
    expect(page.get_by_label("متن پرسش")).to_have_count(0)
    assert_accessible(page)
    page.context.close()


def test_deadlines_and_the_monitoring_report(browser: Browser, demo_site: Site) -> None:
    page = _auditor(browser, demo_site)
    page.goto(demo_site.url + "/app/deadlines")
    caption = page.locator("caption").first.inner_text()
    assert re.search(r"[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2}", caption), caption  # today, Jalali
    assert_accessible(page)
    screenshot(page, "auditor-deadlines")
    page.get_by_label("دستگاه").select_option("SABT")
    page.get_by_label("فقط مهلت‌های گذشته").check()
    page.get_by_role("button", name="نمایش").click()
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows.first).to_be_visible()
    late = page.get_by_role("cell", name=re.compile(r"^[۰-۹]+ روز گذشته$"))
    expect(late).to_have_count(rows.count() - 1)  # every row overdue, days in Persian digits
    assert page.get_by_role("cell", name="SABT", exact=True).count() == rows.count() - 1
    assert_accessible(page)

    page.goto(demo_site.url + "/app/monitoring")
    page.get_by_label("دوره").select_option(index=1)  # the previous half-year
    page.get_by_role("button", name="نمایش").click()
    expect(page.get_by_role("heading", name=re.compile("سازمان ثبت احوال کشور"))).to_be_visible()
    assert re.search(r"از [۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2} تا", page.locator("main").inner_text())
    assert_accessible(page)
    screenshot(page, "auditor-monitoring")
    with page.expect_download() as got:
        page.get_by_role("link", name="CSV: یک ردیف برای هر انحراف").click()
    assert Path(got.value.path()).read_text(encoding="utf-8").startswith("period,as_of,agency,")
    page.context.close()
