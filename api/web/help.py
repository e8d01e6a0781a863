"""The help page (`/app/help`), in Persian first: the cycle's nine steps with the body that
approves each and its deadline, read from the cycle's configuration (config/cycle.toml, R-2.2),
the roles and what each does here, and how people sign in (ADR 0031)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.web.render import page
from api.web.steward import step_title
from catalog.access.principals import ROLE_LABELS, Role
from catalog.cycle.config import StepConfig, default_config

# Roles that sign in to the web app (a system uses API tokens), in the order they act.
PEOPLE = (Role.STEWARD, Role.REPRESENTATIVE, Role.COUNCIL, Role.REVIEWER, Role.CONSULTANT,
          Role.PROVINCIAL_VERIFIER, Role.AUDITOR, Role.ADMIN)


def _deadline(step: StepConfig) -> dict[str, object] | None:
    rule = step.deadline
    if rule is None:
        return None
    if rule.plan_year_end:
        return {"key": "help_due_plan_year", "n": rule.plan_year_end, "req": rule.requirement}
    if rule.months:
        return {"key": "help_due_months", "n": rule.months, "req": rule.requirement}
    return {"key": "help_due_days", "n": rule.days, "req": rule.requirement}


def router() -> APIRouter:
    r = APIRouter(include_in_schema=False)

    @r.get("/app/help")
    def help_page(request: Request) -> Response:
        steps = [{"number": s.number, "title": step_title(s.number),
                  "body": {"fa": s.approving_body_fa, "en": s.approving_body_en},
                  "due": _deadline(s), "requires": s.requires}
                 for s in sorted(default_config().steps.values(), key=lambda s: s.number)]
        roles = [{"role": r.value, "label": {"en": ROLE_LABELS[r][0], "fa": ROLE_LABELS[r][1]}}
                 for r in PEOPLE]
        return page(request, "help.html", steps=steps, roles=roles)

    return r
