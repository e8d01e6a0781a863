"""Imports over HTTP (ADR 0008): a steward sends a workbook, a Turtle or a JSON-LD file; it is
read by the same loaders as the CLI's, checked for the principal (R-20.1) and the rules, and
stored whole or not at all, as one numbered change event (R-16)."""

from __future__ import annotations

import tempfile
from pathlib import Path as FilePath
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request

from api.auth import Caller, GuardDep
from catalog.access.principals import Principal
from catalog.guard import Guard
from catalog.problems import Rejected
from loaders.submission import Submission, read_submission

MAX_UPLOAD = 50 * 1024 * 1024
SUFFIX = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "text/turtle": ".ttl", "application/ld+json": ".jsonld", "application/n-triples": ".nt",
}


def router() -> APIRouter:
    r = APIRouter(tags=["records"])

    @r.post("/imports", status_code=201)
    async def import_file(request: Request, guard: GuardDep, who: Caller,
                          dry_run: bool = Query(False, description="check only, store nothing")
                          ) -> dict[str, Any]:
        """Send the file as the body with its media type (an .xlsx workbook, Turtle, JSON-LD
        or N-Triples). Answers 422 with every problem, or 201 with what was stored."""
        media = request.headers.get("content-type", "").split(";")[0].strip()
        suffix = SUFFIX.get(media)
        if suffix is None:
            raise HTTPException(415, {"detail": f"send one of: {', '.join(SUFFIX)}",
                                      "detail_fa": "نوع پرونده پشتیبانی نمی‌شود"})
        body = await _bounded_body(request)
        with tempfile.TemporaryDirectory() as tmp:
            path = FilePath(tmp) / f"upload{suffix}"
            path.write_bytes(body)
            sub = read_checked(guard, who, path)
        if sub.problems:
            raise Rejected(sub.problems)
        if dry_run:
            return {"valid": True, "records": len(sub.changeset)}
        outcome = guard.apply_checked(who, sub.changeset)
        return {"stored": outcome.stored, "unchanged": outcome.unchanged,
                "by_kind": outcome.by_label, "event": outcome.event}

    return r


def read_checked(guard: Guard, who: Principal, path: FilePath) -> Submission:
    """A file read by the loaders and checked for `who` (R-20.1) and the rules of the cycle;
    its `problems` list every fault, by sheet, row and column. The API's imports and the web
    app's workbook upload (api.web.upload) both read through here."""
    return read_submission(path, guard.registry, check=lambda cs: guard.check(who, cs))


async def _bounded_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_UPLOAD:
        raise HTTPException(413, {"detail": f"at most {MAX_UPLOAD // 2**20} MiB",
                                  "detail_fa": "پرونده بزرگ‌تر از حد مجاز است"})
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_UPLOAD:
            raise HTTPException(413, {"detail": f"at most {MAX_UPLOAD // 2**20} MiB",
                                      "detail_fa": "پرونده بزرگ‌تر از حد مجاز است"})
        chunks.append(chunk)
    return b"".join(chunks)
