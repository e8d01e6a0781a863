"""A workbook upload in two steps (ADR 0031): a dry run that reports every problem by sheet,
row and column, with its requirement ID, and stores nothing; then, only when the person
confirms, the same file is read and checked again and stored whole or not at all. Both steps
read through api.records.read_checked and store through Guard.apply_checked, as the API's
`POST /imports` does (R-20.1, R-16).

Between the two steps the file is kept under the data directory, named by its SHA-256 in a
folder of its uploader (`uploads/<HMAC of the account name>/<sha256>.<suffix>`, mode 0600):
every server process sharing the data directory finds it, a person confirms only a file they
uploaded, and a confirmation names content, never a path. It is deleted when stored, when its
dry run fails, and a day after upload at the latest."""

from __future__ import annotations

import hashlib
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from api.auth import guard_of
from api.records import MAX_UPLOAD, SUFFIX, read_checked
from api.web.render import page
from api.web.session import Person, check_csrf
from catalog import kinds
from catalog.access.policy import Act
from catalog.access.principals import Principal
from catalog.config import Settings
from catalog.guard import Guard
from catalog.problems import Problem

SUFFIXES = frozenset(SUFFIX.values())
KEPT = re.compile(r"^[0-9a-f]{64}\.(xlsx|ttl|jsonld|nt)$")
KEEP_SECONDS = 24 * 3600
CHUNK = 1024 * 1024
FormText = Annotated[str, Form(max_length=200)]
AGAIN = frozenset({"st_upload_none", "st_upload_gone"})


@dataclass(frozen=True)
class ReportRow:
    """One line of the dry run's report."""

    sheet: str
    row: int | None
    column: str
    message_fa: str
    message_en: str
    requirement: str | None
    value: str | None


class TooLarge(Exception):
    pass


def routes(r: APIRouter) -> None:
    @r.get("/upload")
    def upload_page(request: Request, who: Person, agency: str, said: str = "") -> Response:
        may_upload(request, who, agency)
        return show(request, agency, refused=said if said in AGAIN else None)

    @r.post("/upload")
    async def dry_run(request: Request, who: Person, agency: str,
                      workbook: Annotated[UploadFile | None, File()] = None,
                      csrf: FormText = "") -> Response:
        check_csrf(request, csrf)
        may_upload(request, who, agency)
        if workbook is None or not workbook.filename:
            return again(agency, "st_upload_none")
        suffix = Path(workbook.filename).suffix.lower()
        if suffix not in SUFFIXES:
            return show(request, agency, status=415, refused="st_upload_kind")
        try:
            kept = await keep(request, who, workbook, suffix)
        except TooLarge:
            return show(request, agency, status=413, refused="st_upload_large")
        return await run_in_threadpool(checked, request, who, agency, kept,
                                       workbook.filename or kept.name)

    @r.get("/upload/confirm")
    def confirm_page(agency: str) -> Response:  # a language switch after a confirmation
        return RedirectResponse(f"/app/agencies/{quote(agency)}/upload", status_code=303)

    @r.post("/upload/confirm")
    def confirm(request: Request, who: Person, agency: str, file: FormText = "",
                name: FormText = "", csrf: FormText = "") -> Response:
        check_csrf(request, csrf)
        may_upload(request, who, agency)
        kept = folder(request, who) / file
        if not KEPT.match(file) or not kept.is_file():
            return again(agency, "st_upload_gone")
        return store(request, who, agency, kept, name)


def again(agency: str, said: str) -> Response:
    """Back to the upload form, saying why: no file was chosen, or the file to confirm is no
    longer kept (stored already, expired, or another person's)."""
    return RedirectResponse(f"/app/agencies/{quote(agency)}/upload?said={said}",
                            status_code=303)


def may_upload(request: Request, who: Principal, agency: str) -> None:
    """The page acts for `agency`: the policy decides whether `who` writes its records."""
    guard_of(request).policy.check(who, Act.WRITE_RECORDS, agency=agency)


def checked(request: Request, who: Principal, agency: str, kept: Path, name: str) -> Response:
    """The dry run: read and checked, nothing stored; a file with problems is not kept."""
    sub = read_checked(guard_of(request), who, kept)
    if sub.problems:
        kept.unlink(missing_ok=True)
        return show(request, agency, status=422, name=name, report=report(sub.problems))
    return show(request, agency, name=name, kept=kept.name, rows=sub.rows)


def store(request: Request, who: Principal, agency: str, kept: Path, name: str) -> Response:
    """The confirmation: checked again now (the catalog may have changed since the dry run),
    then stored whole, as one change event (R-16), or not at all."""
    guard: Guard = guard_of(request)
    sub = read_checked(guard, who, kept)
    if sub.problems:
        kept.unlink(missing_ok=True)
        return show(request, agency, status=422, name=name, report=report(sub.problems))
    outcome = guard.apply_checked(who, sub.changeset)
    kept.unlink(missing_ok=True)
    return show(request, agency, status=201, name=name, stored=outcome.stored,
                unchanged=outcome.unchanged, event=outcome.event,
                by_kind=[(kind_name(k), n) for k, n in sorted(outcome.by_label.items())])


def report(problems: list[Problem]) -> list[ReportRow]:
    return [ReportRow(sheet_label(p.sheet), p.row, column_label(p.sheet, p.column),
                      p.message_fa, p.message_en, p.requirement, p.value) for p in problems]


def kind_name(label: str) -> dict[str, str]:
    """A store label (`Duty`) as a person reads it: its sheet's fa and en names."""
    kind = kinds.by_label().get(label)
    return ({"fa": kind.sheet.label_fa, "en": kind.sheet.label_en} if kind
            else {"fa": label, "en": label})


def sheet_label(sheet: str | None) -> str:
    found = kinds.sheet_for(sheet) if sheet else None
    return found.label_fa if found else (sheet or "")


def column_label(sheet: str | None, column: str | None) -> str:
    found = kinds.sheet_for(sheet) if sheet else None
    if found is None or column not in found.keys:
        return column or ""
    return found.column(column).label_fa


# -- keeping the file between the dry run and the confirmation --------------------------------

def folder(request: Request, who: Principal) -> Path:
    """The uploader's own folder under the data directory, named by a keyed hash of the
    account name (the server key: catalog.access.credentials)."""
    owner = guard_of(request).accounts.sealer.lookup("upload", who.name)[:32]
    return Settings().data_dir / "uploads" / owner


async def keep(request: Request, who: Principal, workbook: UploadFile, suffix: str) -> Path:
    """The upload, at most MAX_UPLOAD bytes, written once under its SHA-256."""
    target = folder(request, who)
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    sweep(target.parent)
    digest, size, chunks = hashlib.sha256(), 0, []
    while chunk := await workbook.read(CHUNK):
        size += len(chunk)
        if size > MAX_UPLOAD:
            raise TooLarge()
        digest.update(chunk)
        chunks.append(chunk)
    path = target / f"{digest.hexdigest()}{suffix}"
    await run_in_threadpool(write, path, b"".join(chunks))
    return path


def write(path: Path, content: bytes) -> None:
    """Written beside, then renamed: another process sees the whole file or none."""
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(content)
    os.replace(part, path)


def sweep(uploads: Path) -> None:
    """Files left unconfirmed for a day, by anyone, are removed."""
    limit = time.time() - KEEP_SECONDS
    for old in uploads.glob("*/*"):
        try:
            if old.stat().st_mtime < limit:
                old.unlink(missing_ok=True)
        except FileNotFoundError:
            continue


def show(request: Request, agency: str, status: int = 200, **context: Any) -> Response:
    values: dict[str, Any] = {"name": None, "report": None, "kept": None, "stored": None,
                              "refused": None, "rows": 0, **context}
    # a file name in a sentence of the other direction is isolated (Unicode FSI … PDI)
    shown = f"\u2068{values['name']}\u2069" if values["name"] else ""
    return page(request, "steward_upload.html", status=status, agency=agency,
                max_mib=MAX_UPLOAD // 2**20, shown_name=shown, **values)
