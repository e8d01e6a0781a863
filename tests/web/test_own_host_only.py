"""No page or asset refers to a host other than govcat's own (ADR 0031): for the public and
for each demo role, the pages reachable from `/` by links are crawled in a real browser; no
request the browser makes leaves the server's host, no `src`, `href`, `action` or CSS `url()`
of a page, of what its scripts made of it, or of a stylesheet names another host (IRIs are
shown as text; links to records go to their pages on this host, `/id/…`), no page answers
with a server error, and axe-core finds no serious or critical WCAG 2.1 AA violation.

What is checked here is the pages' markup, the same over either store: the crawl runs over
the demo on FalkorDB (each page's data on both stores: the page tests and the walk-through)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from cli.demo import demo_password
from tests.support.browser import Site, axe_violations, new_page, sign_in

ROLES = (None, "steward-sabt", "reviewer-structures", "auditor", "admin")
MOST_PAGES = 16
LINKING = {"src", "href", "action", "formaction", "poster", "data", "srcset", "background"}
CSS_REF = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.S)
# Not pages: RDF forms and assets (checked as stylesheets), and what signs the person out.
SKIPPED = re.compile(r"[?&]format=|^/assets/|sign-out")
# Pages whose axe findings are another test's: Swagger UI's own markup (its colours, its
# nested buttons) at /docs, checked for hosts here and for axe by test_the_api_docs_pass_axe.
AXE_ELSEWHERE = frozenset({"/docs"})


class _Refs(HTMLParser):
    """Every linking attribute of a page, and the CSS of its style elements and attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []
        self.css: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        for name, value in attrs:
            if value is None:
                continue
            if name == "srcset":
                self.refs += [part.split()[0] for part in value.split(",") if part.strip()]
            elif name in LINKING:
                self.refs.append(value)
            elif name == "style":
                self.css.append(value)
            elif name == "content" and "url=" in value.lower():  # <meta http-equiv=refresh>
                self.refs.append(value.lower().split("url=", 1)[1])

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.css.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False


def other_host(ref: str, origin: str) -> bool:
    """Whether `ref` (as written in a page) names a host other than `origin`'s."""
    ref = ref.strip()
    if not ref.lower().startswith(("http:", "https:", "//")):
        return False
    return urlsplit(urljoin(origin + "/", ref)).netloc != urlsplit(origin).netloc


def css_refs(css: str) -> list[str]:
    return [m.group(2) or m.group(4) for m in CSS_REF.finditer(css)]


@dataclass
class Crawl:
    site: Site
    page: Page
    problems: list[str] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    stylesheets: dict[str, str] = field(default_factory=dict)

    def stylesheet(self, url: str) -> str:
        if url not in self.stylesheets:
            answer = self.page.request.get(url)
            self.stylesheets[url] = answer.text() if answer.ok else ""
        return self.stylesheets[url]


def _key(url: str) -> str:
    """Query-string variants of a page are one page, but a record named by `?iri=`."""
    parts = urlsplit(url)
    return parts.path + "".join(parse_qs(parts.query).get("iri", []))


def _shape(url: str) -> str:
    """Pages alike (records of one kind, an agency's steps…) share a shape; the crawl takes
    the least visited shape first, to see many kinds of page within its budget."""
    parts = urlsplit(url)
    path = parts.path + "/" + "".join(parse_qs(parts.query).get("iri", []))
    record = parts.path.startswith(("/id/", "/resource"))
    word = r"[a-z]+" if record else r"[a-z-]+"  # a record's kind; a page's name
    segments = [s if re.fullmatch(word, s) else "*" for s in path.split("/")]
    if record:
        segments[-2:] = ["*"]
    else:  # one page of an area's many (a named query, an agency, a submission)
        segments[3:] = ["*"] if len(segments) > 3 else []
    return "/".join(segments)


def _next(queue: list[str], shapes: Counter[str]) -> str:
    def rank(item: tuple[int, str]) -> tuple[int, bool, int]:
        order, url = item
        return (shapes[_shape(url)], urlsplit(url).path.startswith(("/id/", "/resource")), order)

    order, url = min(enumerate(queue), key=rank)
    return queue.pop(order)


def _links(crawl: Crawl) -> list[str]:
    hrefs: list[str] = crawl.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    origin = crawl.site.url
    return [h.split("#", 1)[0] for h in hrefs
            if h.startswith(origin + "/") and not SKIPPED.search(h[len(origin):])]


def _check_refs(crawl: Crawl, url: str, html: str) -> None:
    origin = crawl.site.url
    refs = _Refs()
    refs.feed(html)
    found = list(refs.refs)
    for css in refs.css:
        found += css_refs(css)
    for ref in found:
        if other_host(ref, origin):
            crawl.problems.append(f"{url}: names another host: {ref}")
    links = crawl.page.eval_on_selector_all("link[rel~=stylesheet][href]",
                                            "els => els.map(e => e.href)")
    for sheet in links:
        for ref in css_refs(crawl.stylesheet(sheet)):
            if other_host(ref, origin):
                crawl.problems.append(f"{sheet} (of {url}): names another host: {ref}")


def _visit(crawl: Crawl, url: str) -> list[str]:
    """Open one page, check it; the same-origin links it holds."""
    try:
        response = crawl.page.goto(url)
    except PlaywrightError as exc:  # a download (CSV, …) is not a page
        if "Download is starting" in str(exc):
            return []
        raise
    if response is None or not response.headers.get("content-type", "").startswith("text/html"):
        return []
    crawl.visited.append(url)
    if response.status >= 500:
        crawl.problems.append(f"{url}: answered {response.status}")
    _check_refs(crawl, url, response.text())
    _check_refs(crawl, url + " (as its scripts left it)", crawl.page.content())
    if urlsplit(url).path in AXE_ELSEWHERE:
        return _links(crawl)
    for v in axe_violations(crawl.page):
        crawl.problems.append(f"{url}: axe {v['impact']} {v['id']}: {v['help']} {v['nodes']}")
    return _links(crawl)


def crawl_from_home(crawl: Crawl) -> None:
    queue, seen, shapes = [crawl.site.url + "/"], {"/"}, Counter[str]()
    while queue and len(crawl.visited) < MOST_PAGES:
        url = _next(queue, shapes)
        shapes[_shape(url)] += 1
        for link in _visit(crawl, url):
            if _key(link) not in seen:
                seen.add(_key(link))
                queue.append(link)


def _watch(context: BrowserContext, crawl: Crawl) -> None:
    context.on("request", lambda r: crawl.requested.append(r.url))


MARKUP_ONLY = pytest.mark.parametrize("demo_site", ["falkordb"], indirect=True)


@MARKUP_ONLY
@pytest.mark.parametrize("role", ROLES, ids=[r or "public" for r in ROLES])
def test_every_page_reachable_stays_on_govcats_host(browser: Browser, demo_site: Site,
                                                    role: str | None) -> None:
    page = new_page(browser)
    crawl = Crawl(demo_site, page)
    _watch(page.context, crawl)
    if role is not None:
        sign_in(page, demo_site, role, demo_password(role))
        assert any(c["name"] == "govcat_session" for c in page.context.cookies()), role
    crawl_from_home(crawl)
    page.context.close()
    elsewhere = sorted({u for u in crawl.requested
                        if u.startswith(("http:", "https:")) and other_host(u, demo_site.url)})
    assert elsewhere == [], elsewhere
    assert len(crawl.visited) >= 3, crawl.visited  # home, records, a record at least
    assert any("/id/" in u for u in crawl.visited), crawl.visited
    assert crawl.problems == [], "\n".join(crawl.problems)


@MARKUP_ONLY
def test_the_api_docs_pass_axe(browser: Browser, demo_site: Site) -> None:
    """Swagger UI with govcat's contrast fixes (static/docs.css) and without deep links,
    whose anchors nested inside its buttons: closed, and with an operation opened."""
    page = new_page(browser, "en")
    page.goto(demo_site.url + "/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    assert axe_violations(page) == []
    page.locator(".opblock-summary-control").first.click()
    page.wait_for_selector(".swagger-ui .opblock.is-open .opblock-body")
    violations = axe_violations(page)
    page.context.close()
    assert violations == [], violations


def test_the_checks_see_another_host() -> None:
    """The crawl's own checks: what names another host, and what does not."""
    origin = "http://127.0.0.1:8000"
    assert other_host("https://cdn.example/x.js", origin)
    assert other_host("//cdn.example/x.js", origin)
    assert other_host("http://127.0.0.1:9000/", origin)
    assert not other_host("/id/agency/SABT", origin)
    assert not other_host("http://127.0.0.1:8000/assets/app.css", origin)
    assert not other_host("data:image/png;base64,AAAA", origin)
    refs = _Refs()
    refs.feed('<img srcset="a.png 1x, https://x.example/b.png 2x"><style>'
              'body{background:url("https://x.example/c.png")}</style>'
              '<p>https://govcat.test/id/x</p><form action="//x.example/post"></form>')
    named = refs.refs + [r for css in refs.css for r in css_refs(css)]
    assert [r for r in named if other_host(r, origin)] == [
        "https://x.example/b.png", "//x.example/post", "https://x.example/c.png"]
    assert css_refs("@import 'https://x.example/a.css'; a{b:url(/ok.png)}") == [
        "https://x.example/a.css", "/ok.png"]
