"""The help page reads the cycle's configuration: the nine steps with their approving bodies
and deadlines (R-2.2), in Persian first; English on request; accessible (ADR 0031)."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from catalog.cycle.config import default_config
from tests.support.browser import Site, assert_accessible, new_page


def test_help_lists_the_nine_steps_with_their_bodies(browser: Browser, demo_site: Site) -> None:
    page = new_page(browser)
    page.goto(demo_site.url + "/")
    page.get_by_role("link", name="راهنما").first.click()
    rows = page.locator("table tbody tr")
    config = default_config()
    expect(rows).to_have_count(len(config.steps))
    step1 = config.steps[1]
    expect(rows.nth(0)).to_contain_text(step1.approving_body_fa)
    expect(rows.nth(0)).to_contain_text("۱ ماه پس از آغاز")
    expect(rows.nth(0)).to_contain_text(step1.deadline.requirement if step1.deadline else "")
    assert_accessible(page)
    page.get_by_role("link", name="English").click()
    expect(page.locator("table tbody tr").nth(0)).to_contain_text(step1.approving_body_en)
    assert_accessible(page)
    page.context.close()
