"""Resources over HTTP (ADR 0009): list the records of one kind with filters and a
cursor, create or replace one record from a JSON body in its spreadsheet fields, delete one;
versions as ETags, `If-None-Match` (304) on reads and `If-Match` (412) on writes.

A record itself is read where it lives, at its IRI (`/id/…`, `/resource?iri=`: api/app.py).
Every route hands its principal to catalog.guard; none decides who may act.
"""

from __future__ import annotations

import base64
import binascii
import re
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, HTTPException, Query
from fastapi.responses import JSONResponse

from api.auth import Caller, GuardDep, Reader
from catalog import kinds, model
from catalog.cycle.states import State
from catalog.graphmap import Node, json_sound
from catalog.guard import Guard
from catalog.port import EXISTS, record_version
from catalog.resources import MAX_PAGE, Precondition, ResourceQuery
from catalog.text import search_key
from catalog.vocab import concept
from loaders.body import changeset_of_body

# The kinds as declared (catalog.kinds, ADR 0022), GOVCAT_KINDS's included.
ResourceKind = StrEnum("ResourceKind", {k: k for k in kinds.by_api()})  # type: ignore[misc]

EXAMPLE_DUTY = {"agency_code": "SABT", "ref": "D1", "title_fa": "ثبت وقایع حیاتی",
                "title_en": "Registering vital events", "legal_basis": "قانون ثبت احوال، ماده ۱",
                "status": "پیش‌نویس", "changed_on": "1403/10/08"}


def plain(node: Node) -> dict[str, Any]:
    """A record as plain JSON, for app developers; a stored value JSON cannot carry is left
    out and logged (catalog.graphmap.json_sound, ADR 0025)."""
    node = json_sound(node)
    return {"iri": node.iri, "type": node.label, "properties": node.props,
            "links": {k: list(v) for k, v in node.rels.items()}}


# -- versions as ETags ---------------------------------------------------------------------------

def etag(node: Node) -> str:
    """A strong ETag: the record's version, the same in every representation of it."""
    return f'"{record_version(node)}"'


def parse_etags(header: str | None) -> tuple[str, ...]:
    """`"a", W/"b"` → ("a", "b"); `*` → (EXISTS,)."""
    if not header:
        return ()
    found = []
    for part in header.split(","):
        tag = part.strip()
        if tag == "*":
            found.append(EXISTS)
        elif tag:
            found.append(tag.removeprefix("W/").strip('"'))
    return tuple(found)


def not_modified(if_none_match: str | None, node: Node) -> bool:
    """If-None-Match on a read (weak comparison): the client's copy is current."""
    tags = parse_etags(if_none_match)
    return EXISTS in tags or record_version(node) in tags


# -- cursors -------------------------------------------------------------------------------------

def cursor_of(iri: str | None) -> str | None:
    return base64.urlsafe_b64encode(iri.encode()).decode().rstrip("=") if iri else None


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _after(cursor: str | None) -> str:
    """The IRI a cursor names. Anything else (it is decoded from what the client sends) is
    refused, control characters first: a NUL would end FalkorDB's query text early."""
    bad = HTTPException(400, {"detail": "not a cursor of this API: send `next` as given",
                              "detail_fa": "نشانگر صفحه نامعتبر است"})
    if not cursor:
        return ""
    try:
        iri = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise bad from exc
    if _CONTROL.search(iri):
        raise bad
    return iri


def _status(value: str | None) -> str | None:
    if not value:
        return None
    table = model.codes("status")
    notation = table.get(value.lower()) or table.get(search_key(value))
    if notation is None:
        allowed = ", ".join(sorted(set(table.values())))
        raise HTTPException(422, {"detail": f"status is one of {allowed}",
                                  "detail_fa": "وضعیت نامعتبر است"})
    return concept("status", notation)


def resource_query(guard: Guard, kind: str, *, agency: str | None = None,
                   status: str | None = None, q: str | None = None,
                   step_state: State | None = None, cursor: str | None = None,
                   limit: int = 100) -> ResourceQuery:
    """GET /resources/{kind}'s filters as the core's query: for that route and for the web
    app's records browser (api.web.record_page), which lists through the same core."""
    declared = kinds.by_api()[kind]
    if step_state is not None and "step_state" not in declared.filters:
        raise HTTPException(422, {"detail": "step_state filters duties and services only",
                                  "detail_fa": "این صافی تنها برای وظایف و خدمات است"})
    return ResourceQuery(
        declared.label, after=_after(cursor), limit=limit,
        agency=str(guard.registry.iris.agency(agency)) if agency else None,
        status=_status(status), text=q, step_state=step_state.value if step_state else None)


def router() -> APIRouter:
    r = APIRouter(tags=["resources"])

    @r.get("/resources/{kind}")
    def list_resources(
            guard: GuardDep, who: Reader, kind: ResourceKind,
            agency: Annotated[str | None, Query(max_length=120, examples=["SABT"],
                                                description="the owning agency's code")] = None,
            status: Annotated[str | None, Query(
                max_length=60, description="duties, services: draft, submitted, approved, "
                "rejected, withdrawn (or its Persian label)")] = None,
            q: Annotated[str | None, Query(
                max_length=200, examples=["ثبت", "registry"],
                description="text in a title or name (fa or en) or a code; Arabic and Persian "
                "letters and digits match alike")] = None,
            step_state: Annotated[State | None, Query(
                description="duties and services: the state of their agency's step "
                "(1 for duties, 2 for services)")] = None,
            limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
            cursor: Annotated[str | None, Query(max_length=4000,
                                                description="`next` of the previous page")] = None,
    ) -> dict[str, Any]:
        """Records of one kind in a stable order (by IRI), `limit` at a time: ask again with
        `cursor` = `next` until `next` is null. Records written while you page are seen when
        they sort after your cursor; none is seen twice. A page may hold fewer than `limit`
        items (records you may not see are left out): follow `next`, not the count."""
        query = resource_query(guard, kind.value, agency=agency, status=status, q=q,
                               step_state=step_state, cursor=cursor, limit=limit)
        page = guard.list_resources(who, query)
        return {"items": [plain(n) for n in page.items], "next": cursor_of(page.last)}

    @r.put("/resources/{kind}", responses={201: {"description": "created"},
                                           412: {"description": "If-Match failed"},
                                           422: {"description": "the rules are broken"}})
    def put_resource(
            guard: GuardDep, who: Caller, kind: ResourceKind,
            body: Annotated[dict[str, Any], Body(examples=[EXAMPLE_DUTY], description=(
                "one record in the fields of its spreadsheet sheet (keys, or their Persian or "
                "English labels); dates Solar Hijri or ISO; codes by key or Persian label"))],
            if_match: Annotated[str | None, Header(
                description="the ETag you read: refused with 412 if the record changed")] = None,
            if_none_match: Annotated[str | None, Header(
                description="`*`: create only; refused with 412 if the record exists")] = None,
    ) -> JSONResponse:
        """Create or replace one record. It is checked for your agency (R-20.1) and against
        the rules of the cycle (SHACL, 422 with each problem) and stored whole, as one change
        event, or not at all. The answer's ETag is the record's new version."""
        cs, iri = changeset_of_body(guard.registry, kinds.by_api()[kind.value], body,
                                    f"PUT /resources/{kind.value}")
        pre = Precondition(parse_etags(if_match), parse_etags(if_none_match))
        written = guard.put_record(who, cs, iri, pre)
        outcome = written.outcome
        tag = f'"{written.version}"' if written.version else None
        return JSONResponse(
            {"iri": iri, "etag": tag, "created": written.created, "event": written.event,
             "stored": outcome.stored if outcome else 0,
             "unchanged": bool(outcome and not outcome.stored)},
            status_code=201 if written.created else 200,
            headers={"ETag": tag, "Location": iri} if tag else {})

    @r.delete("/resource", responses={409: {"description": "the cycle keeps it"},
                                      412: {"description": "If-Match failed"}})
    def delete_resource(
            guard: GuardDep, who: Caller, iri: Annotated[str, Query(max_length=2000)],
            if_match: Annotated[str | None, Header(
                description="the ETag you read: refused with 412 if the record changed")] = None,
    ) -> dict[str, Any]:
        """Delete one record of your agency. Refused (409, with the rule) while it holds an
        issued duty or service ID (R-3.2, R-4.2: set its status to withdrawn instead) or other
        records point at it. The change feed names it; reading it then gives 404."""
        written = guard.delete_record(who, iri, Precondition(parse_etags(if_match)))
        if written is None:
            raise HTTPException(404, {"detail": f"no resource {iri}",
                                      "detail_fa": "چنین منبعی نیست"})
        return {"deleted": iri, "event": written.event}

    return r
