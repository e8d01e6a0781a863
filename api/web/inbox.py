"""The reviewer's inbox (ADR 0031): the submissions waiting for the reviewer's approving bodies
(R-2.1, R-2.2), each with what it changes since the last approved version of its records, and
the body's decision: approve (issuing the duty, service or plan IDs at once, R-3.2, R-4.2,
R-5.1) or reject with a reason (R-2.1).

Pages call the same core as `POST /agencies/{agency}/steps/{step}/{action}` (api.cycle):
Guard.approve and Guard.move; the policy and the cycle decide, and a refusal is shown beside
the form it answers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import Response

from api.auth import guard_of
from api.web import inbox_view as view
from api.web.errors import reasons_of
from api.web.render import lang_of, page
from api.web.session import Person, check_csrf
from catalog.access.principals import Principal
from catalog.access.visibility import only_visible
from catalog.cycle.engine import Issued, StepStatus
from catalog.cycle.states import STATE_LABELS, CycleRefused, State
from catalog.guard import Guard

Agency = Annotated[str, Path(max_length=120, pattern=r"^[A-Za-z0-9_\-]+$")]
Step = Annotated[int, Path(ge=1, le=9)]
Csrf = Annotated[str, Form(max_length=200)]
Reason = Annotated[str, Form(max_length=4000)]


def _titles(guard: Guard, who: Principal, iris: list[str], lang: str) -> dict[str, str]:
    """The titles of the records and concepts `who` may see, by IRI (catalog.access)."""
    nodes = only_visible(who, guard.registry.store.describe(iris)) if iris else []
    return {n.iri: view.title_of(n, lang) for n in nodes}


def _agency_names(guard: Guard, who: Principal, codes: list[str], lang: str) -> dict[str, str]:
    iris = {code: str(guard.registry.iris.agency(code)) for code in codes}
    titles = _titles(guard, who, sorted(set(iris.values())), lang)
    return {code: titles.get(iri, code) for code, iri in iris.items()}


def _status(guard: Guard, who: Principal, agency: str, step: int) -> StepStatus:
    return next(s for s in guard.steps(who, agency) if s.step == step)


def _step_context(request: Request, who: Principal, agency: str, step: int) -> dict[str, Any]:
    """What the submission page and the decision page both show of the step."""
    guard, lang = guard_of(request), lang_of(request)
    status = _status(guard, who, agency, step)
    return {"agency": agency, "step": step, "state": status.state.value,
            "state_label": STATE_LABELS[status.state][1 if lang == "fa" else 0],
            "body": status.config.approving_body_fa if lang == "fa"
            else status.config.approving_body_en,
            "agency_name": _agency_names(guard, who, [agency], lang)[agency],
            "step_title": view.step_title(step, lang)}


def _submission_page(request: Request, who: Principal, agency: str, step: int,
                     status: int = 200, **refusal: Any) -> Response:
    """The submission with its records' changes and the forms; `refusal`: what the core said
    to a decision (`refused`: the form it answers, `reasons`, the `reason` typed)."""
    guard, lang = guard_of(request), lang_of(request)
    context = _step_context(request, who, agency, step)
    found = guard.submission(who, agency, step)
    titles = _titles(guard, who, view.linked_iris(found.records), lang)
    base = guard.registry.iris.base
    return page(request, "inbox_step.html", status=status, **context,
                waiting=context["state"] == State.SUBMITTED.value, since=found.since,
                records=[view.record_view(c, titles, base, lang) for c in found.records],
                refused=refusal.get("refused"), reasons=refusal.get("reasons", []),
                reason=refusal.get("reason", ""))


def _decided(request: Request, who: Principal, agency: str, step: int,
             issued: list[Issued] | None = None, reason: str = "") -> Response:
    """The page after a decision: the step's new state and, after an approval, the IDs it
    issued (R-3.2, R-4.2, R-5.1), at once."""
    guard, lang = guard_of(request), lang_of(request)
    titles = _titles(guard, who, [i.record for i in issued or []], lang)
    base = guard.registry.iris.base
    rows = [{"id": i.identifier, "title": titles.get(i.record, i.record),
             "href": view.local_href(i.record, base)} for i in issued or []]
    return page(request, "inbox_decided.html", **_step_context(request, who, agency, step),
                issued=rows, reason=reason)


def router() -> APIRouter:
    r = APIRouter(prefix="/app/inbox", include_in_schema=False)

    @r.get("")
    def inbox(request: Request, who: Person) -> Response:
        guard, lang = guard_of(request), lang_of(request)
        waiting = guard.inbox(who)
        names = _agency_names(guard, who, [w.agency for w in waiting], lang)
        return page(request, "inbox.html", items=[
            {"agency": w.agency, "agency_name": names[w.agency], "step": w.status.step,
             "step_title": view.step_title(w.status.step, lang), "since": w.since,
             "records": w.records} for w in waiting])

    @r.get("/{agency}/{step}")
    def submission(request: Request, who: Person, agency: Agency, step: Step) -> Response:
        return _submission_page(request, who, agency, step)

    @r.post("/{agency}/{step}/approve")
    def approve(request: Request, who: Person, agency: Agency, step: Step,
                csrf: Csrf = "") -> Response:
        check_csrf(request, csrf)
        try:
            issued = guard_of(request).approve(who, agency, step)
        except CycleRefused as exc:
            return _submission_page(request, who, agency, step, 409, refused="approve",
                                    reasons=reasons_of(exc))
        return _decided(request, who, agency, step, issued=issued)

    @r.post("/{agency}/{step}/reject")
    def reject(request: Request, who: Person, agency: Agency, step: Step, csrf: Csrf = "",
               reason: Reason = "") -> Response:
        check_csrf(request, csrf)
        try:  # rejected with reasons; the cycle refuses an empty one
            guard_of(request).move(who, agency, step, "reject", reason)
        except CycleRefused as exc:
            return _submission_page(request, who, agency, step, 409, refused="reject",
                                    reasons=reasons_of(exc), reason=reason)
        return _decided(request, who, agency, step, reason=reason)

    return r
