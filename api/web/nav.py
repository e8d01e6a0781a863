"""The web app's menu: each area's first page and who it is for. What a person may do there is
decided by the policy when they act (catalog.access.policy), not by this menu."""

from __future__ import annotations

from dataclasses import dataclass

from catalog.access.principals import AGENCY_ROLES, Principal, Role


@dataclass(frozen=True)
class Entry:
    key: str  # its UI message: api/web/messages/*.toml
    path: str  # `{agency}` is the person's agency
    roles: frozenset[Role]


ENTRIES = (
    Entry("nav_agency", "/app/agencies/{agency}", AGENCY_ROLES),
    Entry("nav_inbox", "/app/inbox", frozenset({Role.REVIEWER})),
    Entry("nav_queries", "/app/queries", frozenset({Role.AUDITOR, Role.REVIEWER, Role.ADMIN})),
    Entry("nav_deadlines", "/app/deadlines",
          frozenset({Role.AUDITOR, Role.REVIEWER, Role.ADMIN, *AGENCY_ROLES})),
    Entry("nav_monitoring", "/app/monitoring", frozenset({Role.AUDITOR, Role.ADMIN})),
    Entry("nav_cypher", "/app/console/cypher", frozenset({Role.AUDITOR, Role.ADMIN})),
    Entry("nav_sparql", "/app/console/sparql", frozenset({Role.AUDITOR, Role.ADMIN})),
    Entry("nav_records", "/app/records", frozenset(Role)),
    Entry("nav_accounts", "/app/accounts", frozenset({Role.ADMIN})),
    Entry("nav_help", "/app/help", frozenset(Role)),
)


def entries_for(who: Principal | None) -> list[tuple[str, str]]:
    """(message key, path) of the menu of a person; the public menu when nobody signed in."""
    if who is None:
        return [("nav_records", "/app/records"), ("nav_help", "/app/help")]
    return [(e.key, e.path.format(agency=who.agency or ""))
            for e in ENTRIES if who.role in e.roles and ("{agency}" not in e.path or who.agency)]
