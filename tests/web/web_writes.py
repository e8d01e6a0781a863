"""Every write route of the web app (a POST under `/app/`), with how a test calls it: tried by a
signed-in person of every role in tests/web/test_web_access.py, from the app's route table, so
a new page's form cannot slip by. Pages decide nothing: each route's answer is the core's
(catalog.guard), so a role refused by the API is refused here too (R-2.1, R-3.2, R-4.2)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from catalog.access.principals import Role


@dataclass(frozen=True)
class WebWrite:
    """A form post: its URL (on the demo catalog), its fields (the CSRF token is added;
    `{person}` in a value is the name of who posts), and the roles allowed to do it; every
    other role is refused (403) and nothing changes."""

    url: str
    data: dict[str, str] = field(default_factory=dict)
    allowed: frozenset[Role] = frozenset()
    # a route anyone may post to (sign-in, sign-out, the language), which changes no record
    open_to_all: bool = False
    # the demo person who acts for a role here, when not the first of that role (cli.demo)
    people: Mapping[Role, str] = field(default_factory=dict)
    # more people tried and refused (403): of an allowed role, but of another agency or body
    also_refused: tuple[str, ...] = ()
    # answers of an allowed role besides < 400 that show the policy let it through and the
    # cycle then refused (409), each with why in a comment
    passes: frozenset[int] = frozenset()


WEB_WRITES: dict[str, WebWrite] = {
    "/app/sign-in": WebWrite("/app/sign-in", {"name": "x", "password": "y"}, open_to_all=True),
    "/app/sign-out": WebWrite("/app/sign-out", open_to_all=True),
    "/app/set-password": WebWrite("/app/set-password",
                                  {"code": "gct_0_0", "password": "p", "again": "p"},
                                  open_to_all=True),
    "/app/accounts/{name}/password-link": WebWrite("/app/accounts/auditor/password-link",
                                                   allowed=frozenset({Role.ADMIN})),
    # the steward's pages (api/web/steward.py, forms.py, upload.py). A step moves once and a
    # new record is created once, so those are tried on TAX, which only the administrator
    # among the people tried may write (R-2.1, R-20.1: SABT's steward is refused TAX's);
    # an upload without a file, or a confirmation of a file not kept, sends back to the form.
    "/app/agencies/{agency}/steps/{step}/{action}": WebWrite(
        "/app/agencies/TAX/steps/5/start", allowed=frozenset({Role.STEWARD, Role.ADMIN}),
        people={Role.STEWARD: "steward-tax"}, also_refused=("steward-sabt",),
        passes=frozenset({409})),  # the second allowed person finds step 5 started
    "/app/agencies/{agency}/records/{kind}": WebWrite(
        "/app/agencies/TAX/records/duties",
        {"agency_code": "TAX", "ref": "WEB-WRITE-{person}", "title_fa": "وظیفه آزمون",
         "legal_basis": "قانون مالیات‌های مستقیم، ماده ۱"},
        allowed=frozenset({Role.STEWARD, Role.ADMIN}), people={Role.STEWARD: "steward-tax"},
        also_refused=("steward-sabt",)),
    "/app/agencies/{agency}/upload": WebWrite("/app/agencies/SABT/upload",
                                              allowed=frozenset({Role.STEWARD, Role.ADMIN})),
    "/app/agencies/{agency}/upload/confirm": WebWrite(
        "/app/agencies/SABT/upload/confirm", {"file": "0" * 64 + ".xlsx"},
        allowed=frozenset({Role.STEWARD, Role.ADMIN})),
    # the auditor's consoles (api/web/consoles.py): read-only, but a query is a form post;
    # one's own Cypher is the auditor's and the admin's (ADR 0004), SPARQL everyone's
    # (ADR 0009, scoped to what each may see)
    "/app/console/cypher": WebWrite("/app/console/cypher",
                                    {"cypher": "MATCH (n:ServiceChain) RETURN count(n) AS n"},
                                    allowed=frozenset({Role.AUDITOR, Role.ADMIN})),
    "/app/console/sparql": WebWrite("/app/console/sparql", {"query": "ASK { ?s ?p ?o }"},
                                    allowed=frozenset(Role) - {Role.SYSTEM}),  # no password
    # the reviewer's inbox (api/web/inbox.py): SSO's step 3 waits for smart-government, whose
    # reviewer decides it; step 1's reviewer is refused (R-2.2), as is every other role (the
    # demo has no accredited consultant, R-15). Approval passes the policy and is then
    # refused by the cycle (409): SSO's draft plan is not endorsed.
    "/app/inbox/{agency}/{step}/approve": WebWrite(
        "/app/inbox/SSO/3/approve", allowed=frozenset({Role.REVIEWER}),
        people={Role.REVIEWER: "reviewer-smart"}, also_refused=("reviewer-structures",),
        passes=frozenset({409})),
    "/app/inbox/{agency}/{step}/reject": WebWrite(
        "/app/inbox/SSO/3/reject", {"reason": "آزمون دسترسی"},
        allowed=frozenset({Role.REVIEWER}), people={Role.REVIEWER: "reviewer-smart"},
        also_refused=("reviewer-structures",)),
}
