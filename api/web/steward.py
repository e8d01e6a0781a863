"""The steward's agency page (ADR 0031): the agency's 9 steps of the cycle (R-2.1), each with
its state, approving body (R-2.2), deadline and what blocks it, and the actions the person may
take on it now. The actions post to the same guard functions as the API's
`POST /agencies/{agency}/steps/{step}/{action}` (api.cycle); the policy and the cycle decide,
and a refusal is shown with its reasons and requirement IDs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from rdflib import Literal, URIRef
from rdflib.namespace import SKOS

from api.auth import guard_of
from api.cycle import StepAction
from api.web import forms, upload
from api.web.errors import reasons_of
from api.web.render import page
from api.web.session import Person, check_csrf
from catalog.access.policy import Act
from catalog.access.principals import Forbidden, Principal
from catalog.access.visibility import only_visible
from catalog.cycle.engine import TEHRAN, StepStatus
from catalog.cycle.facts import PLAN
from catalog.cycle.obligations import Deadline
from catalog.cycle.states import STATE_LABELS, TRANSITIONS, Action, CycleRefused, State, fa
from catalog.guard import Guard
from catalog.ontology import codelists_graph
from catalog.vocab import concept

PREFIX = "/app/agencies/{agency}"
FormText = Annotated[str, Form(max_length=4000)]
# States in which the agency still works on a step: what keeps it from moving is shown.
_OPEN = frozenset({State.NOT_STARTED, State.IN_PROGRESS, State.REJECTED, State.REOPENED})


@dataclass(frozen=True)
class StepView:
    """One step as the page shows it."""

    status: StepStatus
    title: dict[str, str]
    state: dict[str, str]
    due: Deadline | None
    blocks: list[dict[str, str]]
    actions: list[str]


def router() -> APIRouter:
    r = APIRouter(prefix=PREFIX, include_in_schema=False)

    @r.get("")
    def agency_page(request: Request, who: Person, agency: str) -> Response:
        return show(request, who, agency)

    @r.post("/steps/{step}/{action}")
    def act(request: Request, who: Person, agency: str, action: StepAction,
            step: Annotated[int, Path(ge=1, le=9)], csrf: FormText = "",
            reason: FormText = "") -> Response:
        check_csrf(request, csrf)
        try:
            take(guard_of(request), who, agency, step, action, reason.strip() or None)
        except CycleRefused as exc:  # shown on the page with its reasons
            return show(request, who, agency, refused=reasons_of(exc), status=409)
        return RedirectResponse(f"/app/agencies/{quote(agency)}?done={action.value}&step={step}",
                                status_code=303)

    @r.get("/steps/{step}/{action}")
    def act_page(agency: str) -> Response:  # the language switch on a page `act` answered
        return RedirectResponse(f"/app/agencies/{quote(agency)}", status_code=303)

    forms.routes(r)
    upload.routes(r)
    return r


def take(guard: Guard, who: Principal, agency: str, step: int, action: StepAction,
         reason: str | None) -> None:
    """The API's step action (api.cycle `act`): the same guard calls, the same checks."""
    if action is StepAction.approve:
        guard.approve(who, agency, step, reason)
    else:
        guard.move(who, agency, step, action.value, reason)


def show(request: Request, who: Principal, agency: str,
         refused: list[dict[str, str | None]] | None = None, status: int = 200) -> Response:
    guard = guard_of(request)
    views = step_views(guard, who, agency)
    shown = {v.due.iri for v in views if v.due is not None}
    done = request.query_params.get("done")
    return page(request, "steward_agency.html", status=status, agency=agency,
                agency_label=agency_label(guard, who, agency), steps=views, refused=refused or [],
                clocks=[d for d in due_now(guard, who, agency) if d.iri not in shown],
                done=done if done in StepAction.__members__ else None,
                done_step=request.query_params.get("step", ""),
                kinds=forms.form_kinds(), may_write=may(guard, who, Act.WRITE_RECORDS, agency))


def due_now(guard: Guard, who: Principal, agency: str) -> list[Deadline]:
    """The agency's open deadlines as of today in Tehran (R-3.1 … R-19), as `GET /deadlines`
    gives them (api.cycle)."""
    return guard.deadlines(who, datetime.now(UTC).astimezone(TEHRAN).date(), agency)


def step_views(guard: Guard, who: Principal, agency: str) -> list[StepView]:
    steps = guard.steps(who, agency)  # the policy decides who reads them
    due = {d.iri: d for d in due_now(guard, who, agency) if d.subject is None}
    states = {s.step: s.state for s in steps}
    return [StepView(s, step_title(s.step), _state(s.state),
                     due.get(guard.cycle.step_iri(agency, s.step)),
                     blocks(guard, who, agency, s, states), actions(guard, who, agency, s))
            for s in steps]


def _state(state: State) -> dict[str, str]:
    en, fa_label = STATE_LABELS[state]
    return {"en": en, "fa": fa_label, "key": state.value}


def blocks(guard: Guard, who: Principal, agency: str, s: StepStatus,
           states: dict[int, State]) -> list[dict[str, str]]:
    """What keeps an open step from going on: the steps it needs approved (config/cycle.toml,
    R-2.1), and for step 3 the services without a plan endorsed by the council (R-5.1)."""
    if s.state not in _OPEN:
        return []
    found = [{"fa": f"گام {fa(n)} هنوز تأیید نشده است", "en": f"step {n} is not approved yet",
              "requirement": s.config.requires_requirement}
             for n in s.config.requires if states.get(n) is not State.APPROVED]
    if s.step == PLAN.step:
        found += plan_blocks(guard, who, agency)
    return found


def plan_blocks(guard: Guard, who: Principal, agency: str) -> list[dict[str, str]]:
    """Step 3 (R-5.1): each service holding an ID needs a plan the council endorsed."""
    _, covers = guard.plans(who, agency)
    if not covers:
        return [{"fa": "هنوز هیچ خدمتی شناسه خدمت ندارد",
                 "en": "no service holds a service ID yet", "requirement": "R-5.1"}]
    return [{"fa": f"خدمت {c.service_id} برنامه بهبود مصوب شورای راهبری ندارد",
             "en": f"service {c.service_id} has no plan endorsed by the steering council",
             "requirement": "R-5.1"} for c in covers if not c.covered]


def actions(guard: Guard, who: Principal, agency: str, s: StepStatus) -> list[str]:
    """The actions the state allows (R-2.1) that the policy lets this person take."""
    return [a.value for a, (sources, _) in TRANSITIONS.items()
            if s.state in sources and may_act(guard, who, agency, s.step, a)]


def may_act(guard: Guard, who: Principal, agency: str, step: int, action: Action) -> bool:
    act = Act.DECIDE_STEP if action in (Action.APPROVE, Action.REJECT) else Act.MOVE_STEP
    return may(guard, who, act, agency, step)


def may(guard: Guard, who: Principal, act: Act, agency: str, step: int | None = None) -> bool:
    """Whether the policy (catalog.access.policy) lets `who` take `act`: asked, not decided."""
    try:
        guard.policy.check(who, act, agency=agency, step=step)
    except Forbidden:
        return False
    return True


@cache
def step_title(step: int) -> dict[str, str]:
    """The step's name in the cycle-step code list (ontology/codelists.ttl)."""
    labels = codelists_graph().objects(URIRef(concept("cycle-step", str(step))), SKOS.prefLabel)
    found = {lit.language or "": str(lit) for lit in labels if isinstance(lit, Literal)}
    return {"fa": found.get("fa", f"گام {fa(step)}"), "en": found.get("en", f"Step {step}")}


def agency_label(guard: Guard, who: Principal, agency: str) -> dict[str, str]:
    """The agency's names (skos:prefLabel, `prefLabel@fa`/`@en`) as `who` may see them."""
    iri = str(guard.registry.iris.agency(agency))
    found = only_visible(who, guard.registry.store.describe([iri]))
    props = found[0].props if found else {}
    return {lang: str(props[f"prefLabel@{lang}"]) for lang in ("fa", "en")
            if props.get(f"prefLabel@{lang}")}
