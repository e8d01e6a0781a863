"""Every write route of the web app (a POST under `/app/`), with how a test calls it: tried by a
signed-in person of every role in tests/web/test_web_access.py, from the app's route table, so
a new page's form cannot slip by. Pages decide nothing: each route's answer is the core's
(catalog.guard), so a role refused by the API is refused here too (R-2.1, R-3.2, R-4.2)."""

from __future__ import annotations

from dataclasses import dataclass, field

from catalog.access.principals import Role


@dataclass(frozen=True)
class WebWrite:
    """A form post: its URL (on the demo catalog), its fields (the CSRF token is added), and
    the roles allowed to do it; every other role is refused (403) and nothing changes."""

    url: str
    data: dict[str, str] = field(default_factory=dict)
    allowed: frozenset[Role] = frozenset()
    # a route anyone may post to (sign-in, sign-out, the language), which changes no record
    open_to_all: bool = False


WEB_WRITES: dict[str, WebWrite] = {
    "/app/sign-in": WebWrite("/app/sign-in", {"name": "x", "password": "y"}, open_to_all=True),
    "/app/sign-out": WebWrite("/app/sign-out", open_to_all=True),
    "/app/set-password": WebWrite("/app/set-password",
                                  {"code": "gct_0_0", "password": "p", "again": "p"},
                                  open_to_all=True),
    "/app/accounts/{name}/password-link": WebWrite("/app/accounts/auditor/password-link",
                                                   allowed=frozenset({Role.ADMIN})),
}
