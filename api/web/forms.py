"""One form per kind of record, generated from the kind's declaration (catalog.kinds, ADR 0022):
its sheet's columns with their Persian and English labels and descriptions, required marks,
code lists as choices with Persian labels, references and Solar Hijri dates as the workbook
takes them. A form is saved through the same core path as the API's `PUT /resources/{kind}`
(loaders.body → Guard.put_record: R-20.1, the rules of the cycle, one atomic write); each
problem of a refusal is shown beside its field, and nothing is stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from api.auth import guard_of
from api.web.render import page
from api.web.session import Person, check_csrf
from catalog import kinds
from catalog.access.policy import Act
from catalog.access.principals import Principal
from catalog.decided import CYCLE_STATUSES, ISSUED, LEGACY
from catalog.kind import Kind
from catalog.port import EXISTS, StaleVersion
from catalog.problems import Problem, Rejected
from catalog.resources import Precondition, Written
from catalog.sheets import Column
from loaders.body import changeset_of_body

# The kinds a steward registers one by one.
FORM_KINDS = ("duties", "services", "units", "posts", "employees", "systems", "datasets",
              "flows", "chains")
# What only the cycle sets (catalog.decided: ): an issued or legacy ID is
# not typed into a new record, and its status is not one of the cycle's.
DECIDED_COLUMNS = frozenset({column for _, column, _ in ISSUED.values()} | {LEGACY[1]})
# Columns holding codes, references, addresses or English: written left to right.
_LTR_KINDS = frozenset({"ref", "ref_list", "url", "int", "decimal", "date"})


@dataclass
class Field:
    """One input of a form: its column, the value typed, the problems found in it."""

    column: Column
    value: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"f-{self.column.key}"

    @property
    def control(self) -> str:
        if self.column.kind in ("enum", "bool"):
            return "select"
        return "textarea" if self.column.kind == "list" else "input"

    @property
    def choices(self) -> list[tuple[str, str]]:
        """(key, Persian label) of a code list; the statuses the cycle sets left out."""
        decided = CYCLE_STATUSES if self.column.key == "status" else frozenset()
        return [(k, fa) for k, fa in self.column.choices() if k not in decided]

    @property
    def ltr(self) -> bool:
        key = self.column.key
        return (self.column.kind in _LTR_KINDS or key.endswith("_en")
                or key in ("ref", "id", "code", "duty_id", "service_id", "legacy_id"))


def form_kinds() -> list[Kind]:
    found = kinds.by_api()
    return [found[k] for k in FORM_KINDS if k in found]


def kind_of(name: str) -> Kind:
    if name not in FORM_KINDS or name not in kinds.by_api():
        raise HTTPException(404)
    return kinds.by_api()[name]


def routes(r: APIRouter) -> None:
    @r.get("/records/{kind}/new")
    def new_record(request: Request, who: Person, agency: str, kind: str) -> Response:
        declared = kind_of(kind)
        # the page acts for `agency`: the policy decides who writes its records
        guard_of(request).policy.check(who, Act.WRITE_RECORDS, agency=agency)
        return show(request, agency, declared, defaults(declared, agency))

    @r.get("/records/{kind}")
    def form_page(agency: str, kind: str) -> Response:  # a language switch after a post
        return RedirectResponse(f"/app/agencies/{quote(agency)}/records/{kind}/new",
                                status_code=303)

    @r.post("/records/{kind}")
    async def save_record(request: Request, who: Person, agency: str, kind: str) -> Response:
        declared = kind_of(kind)
        posted = await request.form()
        check_csrf(request, str(posted.get("csrf", "")))
        values = {c.key: str(posted.get(c.key, "")).strip() for c in declared.sheet.columns}
        try:
            written = await run_in_threadpool(save, request, who, declared, values)
        except Rejected as exc:  # nothing stored: each problem beside its field
            return show(request, agency, declared, values, exc.problems, status=422)
        except StaleVersion:
            return show(request, agency, declared, values, [EXISTS_ALREADY], status=412)
        return RedirectResponse(f"/app/agencies/{quote(agency)}/records/{kind}/new?saved="
                                + quote(written.iri, safe=""), status_code=303)


EXISTS_ALREADY = Problem("a record with this reference exists already; nothing was stored",
                         "رکوردی با همین کد پیش‌تر ثبت شده است؛ چیزی ذخیره نشد")


def save(request: Request, who: Principal, kind: Kind, values: dict[str, str]) -> Written:
    """The API's PUT /resources/{kind} with `If-None-Match: *` (a new record): the same
    reading of the fields (loaders.body) and the same guard call."""
    guard = guard_of(request)
    body = {k: v for k, v in values.items() if v}
    cs, iri = changeset_of_body(guard.registry, kind, body, f"web form: {kind.api}")
    return guard.put_record(who, cs, iri, Precondition(if_none_match=(EXISTS,)))


def defaults(kind: Kind, agency: str) -> dict[str, str]:
    """A new record is of the page's agency (where its sheet names one), and a draft."""
    keys = kind.sheet.keys
    found = {"agency_code": agency} if "agency_code" in keys else {}
    if kind.owner in keys and kind.sheet.column(kind.owner).target == "agencies":
        found[kind.owner] = agency
    if "status" in keys:
        found["status"] = "draft"
    return found


def fields(kind: Kind, values: dict[str, str], problems: list[Problem]) -> list[Field]:
    return [Field(c, values.get(c.key, ""), [p for p in problems if p.column == c.key])
            for c in kind.sheet.columns if c.key not in DECIDED_COLUMNS]


def show(request: Request, agency: str, kind: Kind, values: dict[str, str],
         problems: list[Problem] | None = None, status: int = 200) -> Response:
    """The form of `kind`, with what was typed; each problem beside its field (matched by
    Problem.column), the others at the top."""
    found = problems or []
    keys = set(kind.sheet.keys) - DECIDED_COLUMNS
    return page(request, "steward_form.html", status=status, agency=agency, kind=kind,
                fields=fields(kind, values, found),
                others=[p for p in found if p.column not in keys], failed=bool(found),
                saved=saved(request) if status == 200 else None)


def saved(request: Request) -> str | None:
    """The record just stored (after the redirect): an IRI of this catalog, or nothing."""
    iri = request.query_params.get("saved", "")
    return iri if iri.startswith(guard_of(request).registry.iris.base) else None
