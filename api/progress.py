"""Progress reports of approved plans with their evidence files over HTTP (R-5.2, ADR 0029).

- `POST /agencies/{agency}/plans/{plan}/progress`: the agency files its report on an approved
  plan, as `multipart/form-data` (fields `period`, `narrative`, `values` as a JSON object of
  indicator ref → value, `done` action refs, repeated or comma-separated, and the files as
  repeated `evidence` parts) or as JSON without files. Files are judged on their content
  (catalog.cycle.evidence): 415 not an accepted type whatever its name, 413 too large or too
  many, 422 empty or badly named; the message names the file. Written whole or not at all.
- `GET /agencies/{agency}/plans/{plan}/progress`: the plan's reports, to whoever may read the
  plan (catalog.access.visibility); dates both ISO and Solar Hijri.
- `GET /evidence/{sha256}`: a file's bytes with their media type, as an attachment under the
  name it first came with, `X-Content-Type-Options: nosniff`, ETag its SHA-256; only to a
  reader of a plan whose report cites it. Anyone else gets 404, as for a file that does not
  exist: the answer does not tell that it exists.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from api.auth import Caller, GuardDep, Reader
from api.cycle import AGENCY
from catalog.cycle.deadlines import Period
from catalog.cycle.evidence import EvidenceRefused
from catalog.cycle.progress import Progress, ProgressRefused, ProgressReport
from catalog.cycle.states import Reason
from catalog.jalali import to_jalali_str

PLAN = Path(description="the plan's ref within the agency", examples=["PL1"],
            max_length=200)
_SHA256 = re.compile(r"[0-9a-f]{64}")


class ProgressBody(BaseModel):
    """A progress report without files (JSON); with files, send the same fields as
    multipart/form-data and the files as repeated `evidence` parts."""

    period: str = Field(max_length=20, description="a Solar Hijri half year: YYYY-H1 (months "
                        "1-6) or YYYY-H2 (months 7-12)", examples=["1404-H2"])
    narrative: str = Field(min_length=1, max_length=20000,
                           description="what was done in the period, in Persian",
                           examples=["ثبت ولادت برخط شد و زمان آن به یک روز رسید"])
    values: dict[str, str | float | int] = Field(
        default_factory=dict, max_length=500,
        description="the value each indicator reached, by the indicator's ref",
        examples=[{"I1": "3", "I2": 12.5}])
    done: list[str] = Field(default_factory=list, max_length=500,
                            description="the refs of the actions declared done",
                            examples=[["A1"]])


_MULTIPART = {
    "requestBody": {"required": True, "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/ProgressBody"}},
        "multipart/form-data": {"schema": {
            "type": "object", "required": ["period", "narrative"],
            "properties": {
                "period": {"type": "string", "examples": ["1404-H2"]},
                "narrative": {"type": "string"},
                "values": {"type": "string", "description": "a JSON object: indicator ref → "
                           "value", "examples": ['{"I1": "3"}']},
                "done": {"type": "array", "items": {"type": "string"}},
                "evidence": {"type": "array", "items": {"type": "string",
                                                        "format": "binary"}}}}}}},
}


def _refusal(exc: EvidenceRefused | ProgressRefused) -> JSONResponse:
    if isinstance(exc, EvidenceRefused):
        return JSONResponse(exc.as_dict(), status_code=exc.status)
    return JSONResponse({"detail": exc.reasons[0].message_en,
                         "detail_fa": exc.reasons[0].message_fa,
                         "requirement": exc.reasons[0].requirement,
                         "reasons": [_reason(r) for r in exc.reasons]}, status_code=exc.status)


def _reason(r: Reason) -> dict[str, str]:
    return {"message_en": r.message_en, "message_fa": r.message_fa,
            "requirement": r.requirement}


def _bad_request(en: str, fa: str) -> JSONResponse:
    return JSONResponse({"detail": en, "detail_fa": fa, "requirement": "R-5.2"},
                        status_code=422)


def _report(r: ProgressReport) -> dict[str, Any]:
    p = Period.parse(r.period)
    return {"iri": r.iri, "plan": r.plan, "agency": r.agency, "period": r.period,
            "period_start": p.start.isoformat(), "period_start_jalali": to_jalali_str(p.start),
            "period_end": p.end.isoformat(), "period_end_jalali": to_jalali_str(p.end),
            "issued": r.issued.isoformat() if r.issued else None,
            "issued_jalali": to_jalali_str(r.issued) if r.issued else None,
            "by": r.by, "narrative": r.narrative,
            "values": [{"indicator": k, "value": v} for k, v in r.values.items()],
            "done": list(r.done),
            "evidence": [{"sha256": e.sha256, "name": e.name, "bytes": e.size,
                          "media_type": e.media_type, "href": e.href} for e in r.evidence]}


async def _read_body(request: Request, max_files: int
                     ) -> tuple[ProgressBody, list[tuple[str, bytes]]] | JSONResponse:
    """The report's fields and files, from a form or a JSON body; or the 4xx answer."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if kind == "multipart/form-data":
            return await _from_form(request, max_files)
        return ProgressBody.model_validate(await request.json()), []
    except MultiPartException as exc:
        return _bad_request(f"the form cannot be read: {exc.message}",
                            "فرم فرستاده‌شده خوانا نیست")
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                             for e in exc.errors())
        return _bad_request(f"the report's fields are not valid: {problems}",
                            f"فیلدهای گزارش معتبر نیست: {problems}")
    except ValueError:
        return _bad_request("send the report as JSON or as multipart/form-data",
                            "گزارش را به صورت JSON یا multipart/form-data بفرستید")


async def _from_form(request: Request, max_files: int
                     ) -> tuple[ProgressBody, list[tuple[str, bytes]]]:
    # One more part than allowed is read, so that too many files are told as such (413).
    async with request.form(max_files=max_files + 1, max_fields=1000) as form:
        files = []
        for part in form.getlist("evidence"):
            if isinstance(part, UploadFile):
                files.append((part.filename or "", await part.read()))
        done = [d.strip() for v in form.getlist("done") if isinstance(v, str)
                for d in v.split(",") if d.strip()]
        values_text = form.get("values")
        values = json.loads(values_text) if isinstance(values_text, str) and \
            values_text.strip() else {}
        body = ProgressBody.model_validate({
            "period": form.get("period"), "narrative": form.get("narrative"),
            "values": values, "done": done})
    return body, files


def router() -> APIRouter:
    r = APIRouter(tags=["cycle"])

    @r.post("/agencies/{agency}/plans/{plan}/progress", status_code=201,
            openapi_extra=_MULTIPART, responses={
                404: {"description": "no such plan of the agency"},
                409: {"description": "the plan is not approved, or the period is reported"},
                413: {"description": "an evidence file too large, too many, too much"},
                415: {"description": "an evidence file of no accepted type (its content)"}})
    async def file_progress(request: Request, guard: GuardDep, who: Caller,
                            agency: str = AGENCY, plan: str = PLAN) -> Any:
        """R-5.2: the agency (its steward or representative) files its progress report on
        an approved plan for a half year: values reached, actions done, a narrative and
        evidence files, written whole or not at all; one per plan and period."""
        progress = Progress(guard.cycle)
        read = await _read_body(request, progress.limits.max_files)
        if isinstance(read, JSONResponse):
            return read
        body, files = read
        try:
            report = await run_in_threadpool(
                progress.file, agency, plan, who, period=body.period, narrative=body.narrative,
                values=body.values, done=body.done, files=files)
        except (EvidenceRefused, ProgressRefused) as exc:
            return _refusal(exc)
        return JSONResponse(_report(report), status_code=201)

    @r.get("/agencies/{agency}/plans/{plan}/progress")
    def list_progress(guard: GuardDep, who: Reader, agency: str = AGENCY,
                      plan: str = PLAN) -> Any:
        """The plan's progress reports (R-5.2), by period, with links to their evidence
        files; to whoever may read the plan, else 404."""
        try:
            reports = Progress(guard.cycle).reports(agency, plan, who)
        except ProgressRefused as exc:
            return _refusal(exc)
        return {"agency": agency, "plan": plan, "reports": [_report(x) for x in reports]}

    @r.get("/evidence/{sha256}", response_class=Response, responses={
        200: {"content": {"application/pdf": {}, "image/*": {}, "text/csv": {}},
              "description": "the file's bytes"},
        404: {"description": "no such file, or none the reader may see"}})
    def evidence(request: Request, guard: GuardDep, who: Reader,
                 sha256: str = Path(max_length=64)) -> Response:
        """An evidence file (R-5.2), to a reader of a plan whose report cites it."""
        found = (Progress(guard.cycle).evidence(sha256, who)
                 if _SHA256.fullmatch(sha256) else None)
        if found is None:
            return JSONResponse({"detail": "no such evidence file",
                                 "detail_fa": "چنین پروندهٔ مستندی نیست"}, status_code=404)
        etag = f'"{found.sha256}"'
        headers = {"ETag": etag, "X-Content-Type-Options": "nosniff",
                   "Cache-Control": "private, no-cache", "Vary": "Authorization",
                   "Content-Disposition": _disposition(found.name)}
        if request.headers.get("if-none-match") in (etag, found.sha256):
            return Response(status_code=304, headers=headers)
        return Response(found.data, media_type=found.media_type, headers=headers)

    return r


def _disposition(name: str) -> str:
    """An attachment under `name`: an ASCII fallback and the UTF-8 name (RFC 6266, 5987)."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_"
                       for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
