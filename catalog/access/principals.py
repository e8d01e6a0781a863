"""Principals: the authenticated party behind every action, with its role and its scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    STEWARD = "steward"  # an agency's data steward: writes its agency and the units below
    REPRESENTATIVE = "representative"  # the agency's representative
    COUNCIL = "council"  # the agency's steering council: endorses its improvement plans
    REVIEWER = "reviewer"  # a reviewer of one or more approving bodies
    CONSULTANT = "consultant"  # an accredited consultant, where the text allows
    PROVINCIAL_VERIFIER = "provincial_verifier"  # verifies one province's slice
    AUDITOR = "auditor"  # reads everything, runs queries
    SYSTEM = "system"  # another system: reads within its scopes
    ADMIN = "admin"  # manages accounts


ROLE_LABELS: dict[Role, tuple[str, str]] = {  # (en, fa)
    Role.STEWARD: ("agency data steward", "راهبر داده دستگاه"),
    Role.REPRESENTATIVE: ("agency representative", "نماینده دستگاه"),
    Role.COUNCIL: ("agency steering council", "شورای راهبری دستگاه"),
    Role.REVIEWER: ("reviewer of an approving body", "کارشناس مرجع تأیید"),
    Role.CONSULTANT: ("accredited consultant", "مشاور ذی‌صلاح"),
    Role.PROVINCIAL_VERIFIER: ("provincial verifier", "تأییدکننده استانی"),
    Role.AUDITOR: ("auditor", "ناظر"),
    Role.SYSTEM: ("system client", "سامانه"),
    Role.ADMIN: ("administrator", "مدیر سامانه"),
}

# Roles bound to one agency: their `agency` is required.
AGENCY_ROLES = frozenset({Role.STEWARD, Role.REPRESENTATIVE, Role.COUNCIL})

# The one write scope: Foad 128's account submits the emergency requests it refers (R-7,
# ADR 0028); only a system account may hold it.
SUBMIT_EMERGENCIES = "submit:emergency-requests"
# Scopes a system client may hold: read scopes, what it may see (ADR 0009), and the write
# scope above.
SCOPES = frozenset({"read:approved", "read:all", "read:public-data", SUBMIT_EMERGENCIES})


@dataclass(frozen=True)
class Principal:
    """Who acts, as authenticated (catalog.access.accounts) or as the local operator.

    `agency`: the agency code of a steward or representative; `bodies`: the approving bodies a
    reviewer sits in (keys of config/cycle.toml); `province`: a provincial verifier's province
    notation; `scopes`: a system client's read scopes.
    """

    name: str
    role: Role
    agency: str | None = None
    bodies: frozenset[str] = field(default_factory=frozenset)
    province: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)


# The local operator: whoever can reach the store's files runs `govcat demo`, `govcat admin`.
OPERATOR = Principal("operator", Role.ADMIN)


@dataclass(frozen=True)
class Denial:
    """Why an action is not allowed, in both languages, with the requirement behind it."""

    message_en: str
    message_fa: str
    requirement: str

    def __str__(self) -> str:
        return f"{self.message_en} [{self.requirement}] | {self.message_fa}"


class Forbidden(Exception):
    """The principal may not do this (HTTP 403); nothing was written."""

    def __init__(self, en: str, fa: str, requirement: str) -> None:
        super().__init__(f"{en} [{requirement}]")
        self.denial = Denial(en, fa, requirement)


class Unauthenticated(Exception):
    """No valid credentials (HTTP 401): a missing, unknown, expired or revoked token."""

    def __init__(self, en: str, fa: str) -> None:
        super().__init__(en)
        self.message_en = en
        self.message_fa = fa
