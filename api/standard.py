"""`POST /imports/standard` (ADR 0023): a CPSV-AP 3, W3C ORG / CPOV or DCAT-AP 3 file (or
govcat's own RDF) as the body; every record is reported at once, by its IRI and label. The
records that have all govcat needs are stored in one atomic write, checked for the caller
(R-20.1) and by the rules like every write; 200 with what was stored and the report, or, when
nothing of the file can be written, 403 if some records are of agencies the caller may not
write (R-20.1), else 422 if some lack what govcat needs (the report says what, per record).

With supplements (`govcat import FILE --with SUPPLEMENT.ttl`), the body is multipart/form-data:
one part `file` (the published file) and a part `with` per supplement (statements about the
file's IRIs), each read by its file name's suffix (.ttl, .jsonld, .json, .nt) or else its media
type, by the same rules as the file; the whole body is bounded as any upload is. Each record's
`supplied` says what came from a supplement, its `template` the Turtle a supplement would add;
`supplement_template` gathers those for the whole file."""

from __future__ import annotations

import re
import tempfile
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path as FilePath
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse

from api.auth import Caller, GuardDep
from api.records import _bounded_body
from loaders.rdf_files import FORMATS
from loaders.standard import read_standard
from loaders.standard.template import supplement_template

SUFFIX = {"text/turtle": ".ttl", "application/ld+json": ".jsonld",
          "application/n-triples": ".nt"}
MULTIPART = "multipart/form-data"
MAX_SUPPLEMENTS = 20
_RDF = {"type": "string", "format": "binary"}
BODY = {"requestBody": {"required": True, "content": {
    **{media: {"schema": {"type": "string"}} for media in SUFFIX},
    MULTIPART: {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": {**_RDF, "description": "the file of the other registry, as published"},
        "with": {"type": "array", "items": _RDF, "description":
                 "supplements: Turtle or JSON-LD statements about the file's IRIs (a Persian "
                 "title, an agency's kind, a duty, who delivers a service)"}}}},
}}}

Part = tuple[str, bytes]  # a safe file name (its suffix says its format), the bytes


def _refused(status: int, en: str, fa: str) -> HTTPException:
    return HTTPException(status, {"detail": en, "detail_fa": fa})


def _name(filename: str | None, media: str, fallback: str) -> str:
    """A file name that is only a name: no folders, no characters a path may misread; its
    suffix the part's format (by its name, else by its media type)."""
    base = re.split(r"[\\/]", filename or "")[-1]
    base = re.sub(r"[^\w.\-]", "_", base)[:100].lstrip(".") or fallback
    if FilePath(base).suffix.lower() in FORMATS:
        return base
    if media in SUFFIX:
        return base + SUFFIX[media]
    raise _refused(415, f"part {fallback!r}: send a .ttl, .jsonld, .json or .nt file, or one "
                   f"of: {', '.join(SUFFIX)}", f"بخش «{fallback}»: نوع پرونده پشتیبانی نمی‌شود")


def _multipart(content_type: str, body: bytes) -> tuple[Part, list[Part]]:
    """The `file` part and the `with` parts of a multipart/form-data body."""
    head = b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n"
    try:
        msg = BytesParser(policy=HTTP).parsebytes(head + body)
        parts = list(msg.iter_parts()) if msg.is_multipart() else []
    except Exception:  # noqa: BLE001 - any malformed body is the sender's fault
        parts = []
    files: list[Part] = []
    sups: list[Part] = []
    for part in parts:
        field = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if field not in ("file", "with") or not isinstance(payload, bytes):
            raise _refused(422, "send the parts `file` (once) and `with` (each supplement)",
                           "بخش‌های `file` (یک بار) و `with` (هر مکمل) را بفرستید")
        media = part.get_content_type()
        if field == "file":
            files.append((_name(part.get_filename(), media, "file"), payload))
        else:
            sups.append((_name(part.get_filename(), media, f"with-{len(sups) + 1}"), payload))
    if len(files) != 1 or len(sups) > MAX_SUPPLEMENTS:
        raise _refused(422, f"send one part `file` and at most {MAX_SUPPLEMENTS} parts `with`",
                       f"یک بخش `file` و حداکثر {MAX_SUPPLEMENTS} بخش `with` بفرستید")
    return files[0], sups


def router() -> APIRouter:
    r = APIRouter(tags=["records"])

    @r.post("/imports/standard", status_code=200, openapi_extra=BODY)
    async def import_standard(
        request: Request, guard: GuardDep, who: Caller,
        agency: str | None = Query(None, description="code of govcat's agency that owns the "
                                   "file's records (registered already)"),
        dry_run: bool = Query(False, description="report only, store nothing"),
    ) -> Any:
        """Send Turtle, JSON-LD or N-Triples as the body with its media type, or, with
        supplements, multipart/form-data: `file` and one `with` per supplement. 200: the
        complete records were stored (`stored`), the others are listed in `report.records`
        with what they lack and the Turtle a supplement would add; 422: nothing of the file
        can be stored (the report says why, per record)."""
        content_type = request.headers.get("content-type", "")
        media = content_type.split(";")[0].strip().lower()
        if media != MULTIPART and media not in SUFFIX:
            raise _refused(415, f"send one of: {', '.join([*SUFFIX, MULTIPART])}",
                           "نوع پرونده پشتیبانی نمی‌شود")
        body = await _bounded_body(request)
        if media == MULTIPART:
            (name, data), sups = _multipart(content_type, body)
        else:
            (name, data), sups = ("upload" + SUFFIX[media], body), []
        with tempfile.TemporaryDirectory() as tmp:
            paths = []
            for i, (part_name, part) in enumerate([(name, data), *sups]):
                folder = FilePath(tmp) / str(i)  # one folder each: names may repeat
                folder.mkdir()
                paths.append(folder / part_name)
                paths[-1].write_bytes(part)
            run = read_standard(paths[0], guard.registry, agency=agency,
                                check=lambda cs: guard.check(who, cs),
                                authorize=lambda cs: guard.authorize_changeset(who, cs),
                                supplements=paths[1:])
        report = run.report.to_dict()
        if media != MULTIPART:
            report["source"] = "request body"
        if any(r.template for r in run.report.lacking):
            report["supplement_template"] = supplement_template([run.report])
        forbidden = any(r.forbidden for r in run.report.records)
        if not run.changeset.subjects and (forbidden or run.report.lacking
                                           or run.report.problems):
            return JSONResponse({
                "detail": "no record of the file has all govcat needs; nothing was stored"
                          + ("; some are of agencies you may not write" if forbidden else ""),
                "detail_fa": "هیچ رکوردی از پرونده همهٔ آنچه govcat نیاز دارد را ندارد؛ "
                             "چیزی ذخیره نشد",
                **({"requirement": "R-20.1"} if forbidden else {}),
                "report": report}, status_code=403 if forbidden else 422)
        if dry_run or not run.changeset.subjects:  # nothing new: records govcat holds
            return {"stored": 0 if not dry_run else None,
                    "storable": len(run.report.storable), "report": report}
        outcome = guard.apply_checked(who, run.changeset)
        return {"stored": outcome.stored, "unchanged": outcome.unchanged,
                "by_kind": outcome.by_label, "event": outcome.event, "report": report}

    return r
