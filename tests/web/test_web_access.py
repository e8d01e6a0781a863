"""Every write route of the web app, from the app's own route table, tried by a signed-in
person of every role that can sign in (a system has no password): only the roles the core
allows get through; every other is refused with 403 and the store is unchanged. A form
without its CSRF token is refused whoever sends it (ADR 0031; R-2.1, R-3.2, R-4.2, R-20.1).
The demo catalog of this module is its own, so the allowed writes stay here."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from api.app import create_app
from catalog.access.accounts import Accounts
from catalog.access.principals import Principal, Role
from cli.demo import ACCOUNTS, demo_password
from tests.conftest import STORES
from tests.support.browser import Site, serve
from tests.support.robustness import fingerprint
from tests.support.routes import route_table
from tests.web.conftest import demo_registry
from tests.web.web_writes import WEB_WRITES, WebWrite

CONSULTANT = Principal("consultant-x", Role.CONSULTANT)


@pytest.fixture(scope="module", params=STORES)
def demo_site(request: pytest.FixtureRequest) -> Iterator[Site]:
    """This module's own demo, which the allowed writes change (the shared one is read only)."""
    with serve(demo_registry(request, request.param, "web-writes")) as s:
        yield s


def _people(site: Site) -> dict[Role, str]:
    """A demo person of every role but the system's (and a consultant, whom the demo lacks)."""
    accounts = Accounts(site.registry.store)
    accounts.save(CONSULTANT)
    accounts.set_known_password(CONSULTANT.name, demo_password(CONSULTANT.name))
    found = {p.role: p.name for p in reversed(ACCOUNTS) if p.role is not Role.SYSTEM}
    return {**found, Role.CONSULTANT: CONSULTANT.name}


def _signed_in(site: Site, name: str) -> tuple[httpx.Client, str]:
    http = httpx.Client(base_url=site.url)
    pre = http.get("/app/sign-in").cookies.get("govcat_csrf", "")
    r = http.post("/app/sign-in", data={"name": name, "password": demo_password(name),
                                        "csrf": pre})
    assert r.status_code == 303, (name, r.status_code)
    token = re.search(r'name="csrf" value="([^"]+)"', http.get("/").text)
    assert token is not None
    return http, token.group(1)


def _fingerprint(site: Site) -> str:
    return fingerprint(site.registry.store, credentials=False)  # a sign-in makes a session


def test_every_web_write_route_is_listed(demo_site: Site) -> None:
    posts = {p for m, p in route_table(create_app(demo_site.registry))
             if m == "POST" and p.startswith("/app/")}
    assert posts, "the route table lists no web write route"
    assert posts - set(WEB_WRITES) == set(), "add each new web form to tests/web/web_writes.py"


def _try(site: Site, name: str, write: WebWrite, csrf_ok: bool = True) -> int:
    http, csrf = _signed_in(site, name)
    try:
        data = {**{k: v.replace("{person}", name) for k, v in write.data.items()},
                "csrf": csrf if csrf_ok else "forged"}
        return http.post(write.url, data=data).status_code
    finally:
        http.close()


@pytest.mark.parametrize("route", sorted(k for k, w in WEB_WRITES.items()
                                          if not w.open_to_all))
def test_only_the_allowed_roles_pass_each_web_write(demo_site: Site, route: str) -> None:
    write = WEB_WRITES[route]
    people = _people(demo_site)
    before = _fingerprint(demo_site)
    refused = [n for r, n in sorted(people.items()) if r not in write.allowed]
    for name in [*refused, *write.also_refused]:
        assert _try(demo_site, name, write) == 403, (route, name)
    allowed = [write.people.get(role, people[role]) for role in sorted(write.allowed)]
    for name in allowed:
        assert _try(demo_site, name, write, csrf_ok=False) == 403, (route, name)
    assert _fingerprint(demo_site) == before, route  # none of the refused wrote anything
    for name in allowed:
        status = _try(demo_site, name, write)
        assert status < 400 or status in write.passes, (route, name, status)


def test_a_session_is_no_api_token_and_a_token_no_session(demo_site: Site) -> None:
    http, _ = _signed_in(demo_site, "auditor")
    session = http.cookies["govcat_session"]
    http.close()
    r = httpx.get(demo_site.url + "/accounts", headers={"Authorization": f"Bearer {session}"})
    assert r.status_code == 401
    from cli.demo import demo_token

    token_id, secret = demo_token("admin")
    with httpx.Client(base_url=demo_site.url,
                      cookies={"govcat_session": f"gct_{token_id}_{secret}"}) as http:
        r = http.get("/app/accounts")
        assert r.status_code == 303 and r.headers["location"].startswith("/app/sign-in")
