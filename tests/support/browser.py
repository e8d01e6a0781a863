"""The web app in a real browser (ADR 0031): govcat served by uvicorn on a free loopback port
over a test store, Debian's Chromium driven by Playwright, and axe-core (from the npm
registry, tools/web-assets) run on each page visited."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from playwright.sync_api import Browser, Page

from api.app import create_app
from catalog.registry import Registry

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
# Chromium on a closed network: no background connections, no sandbox as root (env notes).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
AXE = ROOT / "tools" / "web-assets" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "screenshots"
# WCAG 2.1 A and AA; "serious" and "critical" fail a test.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = ("serious", "critical")


@dataclass
class Site:
    url: str  # http://127.0.0.1:PORT
    registry: Registry


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(registry: Registry) -> Iterator[Site]:
    """govcat's app over `registry`, served on loopback until the block ends."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(registry), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield Site(f"http://127.0.0.1:{port}", registry)
    finally:
        server.should_exit = True
        thread.join(10)


def new_page(browser: Browser, lang: str = "fa") -> Page:
    """A page in a fresh context (its own cookies). CSP is bypassed only so the test can add
    axe-core to the page; the app's own pages load nothing inline."""
    context = browser.new_context(bypass_csp=True, locale="fa-IR" if lang == "fa" else "en-US",
                                  viewport={"width": 1280, "height": 900})
    return context.new_page()


def sign_in(page: Page, site: Site, name: str, password: str) -> None:
    page.goto(site.url + "/app/sign-in")
    page.fill("#name", name)
    page.fill("#password", password)
    page.click("form[action='/app/sign-in'] button[type=submit]")
    page.wait_for_load_state()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations", AXE_TAGS)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in found if v.get("impact") in FAILING_IMPACTS]


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def open_chain_graph(page: Page, site: Site, chain_fa: str) -> None:
    """The named query chain-links for the chain titled `chain_fa`, run, its graph drawn."""
    page.goto(site.url + "/app/queries/chain-links")
    page.get_by_label("زنجیره خدمت").select_option(label=chain_fa)
    page.get_by_role("button", name="اجرای پرسش").click()
    page.wait_for_selector("#au-graph[data-ready='yes']")


def graph_labels(page: Page) -> list[str]:
    """The labels of the nodes the graph drew (api/web/static/graph.js)."""
    return list(page.evaluate("govcatGraph.nodes().map(n => n.data('label'))"))


def click_graph_node(page: Page, href: str) -> None:
    """A real click on the canvas, where cytoscape drew the node of this record."""
    page.locator("#au-graph").scroll_into_view_if_needed()
    at = page.evaluate("(href) => govcatGraph.nodes().filter(n => n.data('href') === href)"
                       "[0].renderedPosition()", href)
    box = page.locator("#au-graph").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
