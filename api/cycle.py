"""The cycle over HTTP (ADR 0008): step states, the agency's and the approving body's actions,
decisions on single duties and services, the audit trail, versions and deadlines. Every route
hands its principal to catalog.guard; none decides who may act."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel, Field

from api.auth import Caller, GuardDep
from catalog.cycle.engine import TEHRAN, Issued
from catalog.cycle.obligations import Deadline
from catalog.cycle.states import STATE_LABELS
from catalog.graphmap import nodes_to_graph
from catalog.jalali import to_jalali_str
from catalog.port import record_version
from catalog.registry import WorkingVersion, diff
from catalog.serialize import serialize

STEP = Path(ge=1, le=9, description="step 1 … 9 of the cycle (R-2.1)")
AGENCY = Path(description="the agency's code, e.g. SABT", examples=["SABT"])


class StepAction(StrEnum):
    start = "start"
    submit = "submit"
    approve = "approve"
    reject = "reject"
    reopen = "reopen"


class ActionBody(BaseModel):
    reason: str | None = Field(None, max_length=4000,
                               description="why; required to reject or reopen (R-2.1)",
                               examples=["مبنای قانونی وظیفه ۳ ذکر نشده است"])


class DecisionBody(BaseModel):
    record: str = Field(description="IRI of a duty (step 1), service (step 2) or improvement "
                        "plan (step 3) of the agency",
                        max_length=2000)
    approve: bool
    reason: str | None = Field(None, max_length=4000)


class ReviewBody(BaseModel):
    record: str = Field(description="IRI of the flagged service or chain", max_length=2000)
    note: str = Field(min_length=1, max_length=4000,
                      description="what the review found or changed (R-3.3)")


def _working(work: WorkingVersion, format: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"iri": work.iri, "seq": work.seq, "at": work.at,
                           "approved_version": record_version(work.approved),
                           "changes": diff(work.approved, work.node)}
    if format is not None:
        out["working"] = serialize(nodes_to_graph([work.node]), format)
    return out


def _issued(items: list[Issued]) -> list[dict[str, Any]]:
    return [{"record": i.record, "id": i.identifier} for i in items]


def _due(d: Deadline) -> dict[str, Any]:
    return {"agency": d.agency, "step": d.step, "requirement": d.requirement,
            "what": d.what_en, "what_fa": d.what_fa, "subject": d.subject, "iri": d.iri,
            "due": d.state.due.isoformat(), "due_jalali": to_jalali_str(d.state.due),
            "days_left": d.state.days_left, "overdue": d.state.overdue}


def router() -> APIRouter:
    r = APIRouter(tags=["cycle"])
    _step_routes(r)
    _trail_routes(r)
    _change_routes(r)
    return r


def _step_routes(r: APIRouter) -> None:
    """The agency's steps, the actions on them and the decisions on single records."""

    @r.get("/agencies/{agency}/steps")
    def steps(guard: GuardDep, who: Caller, agency: str = AGENCY) -> list[dict[str, Any]]:
        """Each of the agency's 9 steps: state, approving body, clock start (Jalali)."""
        out = []
        for s in guard.steps(who, agency):
            out.append({
                "step": s.step, "state": s.state.value, "state_fa": STATE_LABELS[s.state][1],
                "approving_body": s.config.approving_body_en,
                "approving_body_fa": s.config.approving_body_fa, "body": s.config.body,
                "clock_start": s.clock_start.isoformat() if s.clock_start else None,
                "clock_start_jalali": to_jalali_str(s.clock_start) if s.clock_start else None})
        return out

    @r.post("/agencies/{agency}/steps/{step}/{action}")
    def act(guard: GuardDep, who: Caller, action: StepAction, body: ActionBody | None = None,
            agency: str = AGENCY, step: int = STEP) -> dict[str, Any]:
        """The agency starts, submits or reopens its step; the step's approving body (or an
        accredited consultant where the text allows, R-15) approves or rejects it. Approving
        steps 1 and 2 issues the duty and service IDs (R-3.2, R-4.2)."""
        reason = body.reason if body else None
        if action is StepAction.approve:
            issued = guard.approve(who, agency, step, reason)
            return {"step": step, "state": "approved", "issued": _issued(issued)}
        state = guard.move(who, agency, step, action.value, reason)
        return {"step": step, "state": state.value}

    @r.post("/agencies/{agency}/decisions")
    def decide(guard: GuardDep, who: Caller, body: DecisionBody,
               agency: str = AGENCY) -> dict[str, Any]:
        """Approve (issuing its ID once) or reject one duty or service of a submitted step;
        or approve or reject the change waiting on an approved one (see /changes), while its
        step is submitted or approved: approved, it replaces the record and keeps its ID."""
        issued = guard.decide_record(who, agency, body.record, body.approve, body.reason)
        return {"record": body.record, "approved": body.approve,
                "id": issued.identifier if issued else None}


def _trail_routes(r: APIRouter) -> None:
    """The audit trail, a step's or record's history, a record's versions."""

    @r.get("/trail")
    def trail(guard: GuardDep, who: Caller, agency: str | None = None,
              actor: str | None = None, before: int | None = Query(None, ge=1),
              limit: int = Query(100, ge=1, le=1000)) -> list[dict[str, Any]]:
        """The audit trail (R-16), newest first: every change event, an agency's, or an
        actor's. Page with `before` = the smallest `seq` of the last page."""
        return guard.trail(who, agency, actor, before, limit)

    @r.get("/history")
    def history(guard: GuardDep, who: Caller,
                iri: str = Query(max_length=2000)) -> list[dict[str, Any]]:
        """Every change event that acted on one step or record, oldest first (R-16)."""
        return [e._asdict() for e in guard.history(who, iri)]

    @r.get("/versions")
    def versions(guard: GuardDep, who: Caller, iri: str = Query(max_length=2000),
                 format: str = Query("jsonld", pattern="^(jsonld|ttl|nt)$")
                 ) -> list[dict[str, Any]]:
        """A record's versions as its writes left them, oldest first; `working`: a change
        proposed to the approved record, not the record itself until its body approves it."""
        return [{"seq": v.seq, "at": v.at, "working": v.working,
                 "content": serialize(v.graph, format)}
                for v in guard.versions(who, iri)]


def _change_routes(r: APIRouter) -> None:
    """Changes waiting on approved records, review flags, deadlines."""

    @r.get("/working", responses={404: {"description": "no change is waiting"}})
    def change(guard: GuardDep, who: Caller, iri: str = Query(max_length=2000),
               format: str = Query("jsonld", pattern="^(jsonld|ttl|nt)$")) -> dict[str, Any]:
        """The change waiting on an approved duty or service (its working version) and what
        it changes in the approved version, field by field. The approved version is what
        the record's IRI, the profiles, the feed and SPARQL serve until the step's body
        approves the change; the ID and IRI never change."""
        work = guard.working_change(who, iri)
        if work is None:
            raise HTTPException(404, {"detail": f"no change of {iri} is waiting",
                                      "detail_fa": "تغییری در انتظار تصمیم نیست"})
        return _working(work, format)

    @r.get("/agencies/{agency}/changes")
    def waiting(guard: GuardDep, who: Caller, agency: str = AGENCY) -> list[dict[str, Any]]:
        """The changes to the agency's approved duties and services waiting for the body of
        their step, each with what it changes (approve or reject each with /decisions)."""
        return [_working(w, None) for w in guard.waiting_changes(who, agency)]

    @r.post("/agencies/{agency}/reviews")
    def resolve_review(guard: GuardDep, who: Caller, body: ReviewBody,
                       agency: str = AGENCY) -> dict[str, Any]:
        """R-3.3: the agency reviewed a service or chain flagged after a duty it rests on
        changed, and says what it found or did; the flag's clock stops (an event in the
        trail). Open flags: the named query `review-flags`, or /deadlines."""
        guard.resolve_review(who, agency, body.record, body.note)
        return {"record": body.record, "resolved": True}

    @r.get("/deadlines")
    def deadlines(guard: GuardDep, who: Caller, agency: str | None = None,
                  overdue: bool = False) -> list[dict[str, Any]]:
        """What is due and overdue, with Solar Hijri dates and days left or late."""
        today = datetime.now(UTC).astimezone(TEHRAN).date()
        found = [_due(d) for d in guard.deadlines(who, today, agency)]
        return [d for d in found if d["overdue"]] if overdue else found
