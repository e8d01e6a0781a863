"""Who may do what (R-2.1, R-8, R-15, R-19, R-20.1): principals, accounts with API tokens, and
the policy that every action of the core passes through. ADR 0008 records the decisions."""

from catalog.access.principals import Forbidden, Principal, Role

__all__ = ["Forbidden", "Principal", "Role"]
