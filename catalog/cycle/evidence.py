"""Evidence files of progress reports (R-5.2, ADR 0029): judged on their content, never on
their name, and kept content-addressed in the graph store itself.

- **What a file is** is read from its bytes by their magic numbers (the `filetype` library):
  PDF, PNG, JPEG, WebP, TIFF, XLSX, ODS, XLS are accepted; CSV is accepted when the bytes are
  UTF-8 text that reads as rows of the same number of fields. Anything else is refused (415),
  whatever its name says: a PDF named `.png` is a PDF; a Windows or Linux program named `.pdf`
  is refused.
- **How much** is bounded per file, per report and in number of files (413), configurable
  by the environment (`GOVCAT_EVIDENCE_MAX_FILE_BYTES`, `GOVCAT_EVIDENCE_MAX_REPORT_BYTES`,
  `GOVCAT_EVIDENCE_MAX_FILES`); an empty file or a name that cannot be shown is refused (422).
- **Where** it is kept: a `gc:Evidence` node `evidence/{sha256}` (`gc:sha256`,
  `dcat:byteSize`, `dcat:mediaType` → the IANA media type, `dct:title` the first name it came
  with, `gc:bytes` the content in base64), written in the same store write as the report that
  cites it; the same bytes twice are one node.

Every refusal is `EvidenceRefused`: an HTTP status, the file's name, English and Persian,
R-5.2. Nothing here touches the store.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import filetype

REQUIREMENT = "R-5.2"
IANA = "https://www.iana.org/assignments/media-types/"

# The media types accepted as evidence, with how a person would call them (en, fa).
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
XLS = "application/vnd.ms-excel"
CSV = "text/csv"
ACCEPTED: dict[str, tuple[str, str]] = {
    PDF: ("a PDF document", "سند PDF"),
    "image/png": ("a PNG image", "تصویر PNG"),
    "image/jpeg": ("a JPEG image", "تصویر JPEG"),
    "image/webp": ("a WebP image", "تصویر WebP"),
    "image/tiff": ("a TIFF image", "تصویر TIFF"),
    XLSX: ("an Excel workbook (XLSX)", "کاربرگ اکسل (XLSX)"),
    ODS: ("an OpenDocument spreadsheet (ODS)", "کاربرگ OpenDocument (ODS)"),
    XLS: ("an Excel 97-2003 workbook (XLS)", "کاربرگ اکسل ۹۷-۲۰۰۳ (XLS)"),
    CSV: ("a CSV table (UTF-8)", "جدول CSV (UTF-8)"),
}
ACCEPTED_EN = "PDF, PNG, JPEG, WebP, TIFF, XLSX, ODS, XLS or CSV (UTF-8)"
ACCEPTED_FA = "PDF، PNG، JPEG، WebP، TIFF، XLSX، ODS، XLS یا CSV (UTF-8)"
# File names ending so are offered for download under the accepted type's usual extension.
EXTENSIONS = {PDF: "pdf", "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp",
              "image/tiff": "tif", XLSX: "xlsx", ODS: "ods", XLS: "xls", CSV: "csv"}

MAX_NAME = 255
_MB = 1024 * 1024


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(f"GOVCAT_{name}", "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else default


@dataclass(frozen=True)
class EvidenceLimits:
    """How much evidence a report may carry (R-5.2): bytes per file, bytes per report, files
    per report. Defaults: 10 MiB, 25 MiB, 10 files; each under the API's largest body."""

    max_file_bytes: int = 10 * _MB
    max_report_bytes: int = 25 * _MB
    max_files: int = 10

    @classmethod
    def from_env(cls) -> EvidenceLimits:
        d = cls()
        return cls(_env_int("EVIDENCE_MAX_FILE_BYTES", d.max_file_bytes),
                   _env_int("EVIDENCE_MAX_REPORT_BYTES", d.max_report_bytes),
                   _env_int("EVIDENCE_MAX_FILES", d.max_files))


class EvidenceRefused(Exception):
    """An evidence file (or the set of them) refused: `status` 413 (too large, too many), 415
    (not an accepted type, judged on the content), 422 (empty, a bad name). Nothing stored."""

    def __init__(self, status: int, en: str, fa: str, file: str | None = None) -> None:
        super().__init__(en)
        self.status = status
        self.message_en = en
        self.message_fa = fa
        self.file = file
        self.requirement = REQUIREMENT

    def as_dict(self) -> dict[str, Any]:
        return {"detail": self.message_en, "detail_fa": self.message_fa, "file": self.file,
                "requirement": self.requirement}


@dataclass(frozen=True)
class EvidenceFile:
    """One accepted file: its name as sent, its bytes, and what its content is."""

    name: str
    data: bytes = field(repr=False)
    media_type: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)

    def node(self, iri: str) -> dict[str, Any]:
        """The properties of its gc:Evidence node (the first name it came with is its
        title), with the IRI of its media type."""
        return {"iri": iri, "media": IANA + self.media_type,
                "props": {"iri": iri, "sha256": self.sha256, "byteSize": self.size,
                          "title": self.name,
                          "bytes": base64.b64encode(self.data).decode("ascii")}}


def media_type_of(data: bytes) -> str | None:
    """The accepted media type the bytes are, read from their content; None: none of them."""
    kind = filetype.guess(data)
    if kind is not None:
        return kind.mime if kind.mime in ACCEPTED else None
    return CSV if _is_csv(data) else None


def _is_csv(data: bytes) -> bool:
    """UTF-8 text (a BOM allowed) without control characters but tab and line ends, that is
    not a script (`#!`) or markup, and whose rows all have the same number (> 1) of fields
    by a comma, semicolon or tab."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    if any(unicodedata.category(c) == "Cc" and c not in "\t\r\n" for c in text):
        return False
    head = text.lstrip()
    if not head or head.startswith(("#!", "<", "{", "[")):
        return False
    lines = [line for line in text.splitlines() if line.strip()]
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines[:50]), delimiters=",;\t")
    except csv.Error:
        return False
    widths = {len(row) for row in csv.reader(io.StringIO("\n".join(lines)), dialect)}
    return len(widths) == 1 and min(widths) > 1


def _name_problem(name: str) -> tuple[str, str] | None:
    if not name.strip():
        return "the file has no name", "پرونده نام ندارد"
    if len(name) > MAX_NAME:
        return (f"its name is longer than {MAX_NAME} characters",
                f"نام آن بیش از {MAX_NAME} نویسه است")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in name) or "/" in name \
            or "\\" in name:
        return ("its name holds a control character or a path separator",
                "نام آن نویسهٔ کنترلی یا جداکنندهٔ مسیر دارد")
    return None


def judge(name: str, data: bytes, limits: EvidenceLimits) -> EvidenceFile:
    """One file as evidence, or EvidenceRefused saying why (its name in the message)."""
    shown = name if len(name) <= 80 else name[:80] + "…"
    bad_name = _name_problem(name)
    if bad_name is not None:
        raise EvidenceRefused(422, f"evidence file {shown!r}: {bad_name[0]} ({REQUIREMENT})",
                              f"پروندهٔ مستند «{shown}»: {bad_name[1]} ({REQUIREMENT})", name)
    if not data:
        raise EvidenceRefused(422, f"evidence file {shown!r} is empty ({REQUIREMENT})",
                              f"پروندهٔ مستند «{shown}» خالی است ({REQUIREMENT})", name)
    if len(data) > limits.max_file_bytes:
        raise EvidenceRefused(
            413, f"evidence file {shown!r} is {len(data)} bytes, more than the "
                 f"{limits.max_file_bytes} a file may be ({REQUIREMENT})",
            f"پروندهٔ مستند «{shown}» {len(data)} بایت است، بیش از {limits.max_file_bytes} "
            f"بایتِ مجاز برای هر پرونده ({REQUIREMENT})", name)
    media = media_type_of(data)
    if media is None:
        kind = filetype.guess(data)
        what_en = f"its content is {kind.mime}" if kind else "its content is of no accepted type"
        what_fa = f"محتوای آن {kind.mime} است" if kind else "محتوای آن از گونه‌های پذیرفته نیست"
        raise EvidenceRefused(
            415, f"evidence file {shown!r} is refused: {what_en}, whatever its name says; "
                 f"evidence is {ACCEPTED_EN} ({REQUIREMENT})",
            f"پروندهٔ مستند «{shown}» پذیرفته نیست: {what_fa}، نامش هرچه باشد؛ مستند باید "
            f"{ACCEPTED_FA} باشد ({REQUIREMENT})", name)
    return EvidenceFile(name, data, media, hashlib.sha256(data).hexdigest())


def judge_all(files: Iterable[tuple[str, bytes]], limits: EvidenceLimits) -> list[EvidenceFile]:
    """Every file of one report as evidence, or EvidenceRefused for the first that is not (or
    when there are too many, or too much together): all or none. The same bytes sent twice
    are one file (its first name)."""
    given = list(files)
    if len(given) > limits.max_files:
        raise EvidenceRefused(
            413, f"{len(given)} evidence files, more than the {limits.max_files} a report may "
                 f"carry ({REQUIREMENT})",
            f"{len(given)} پروندهٔ مستند، بیش از {limits.max_files} پروندهٔ مجاز برای هر "
            f"گزارش ({REQUIREMENT})")
    judged: dict[str, EvidenceFile] = {}
    for name, data in given:
        f = judge(name, data, limits)
        judged.setdefault(f.sha256, f)
    total = sum(f.size for f in judged.values())
    if total > limits.max_report_bytes:
        raise EvidenceRefused(
            413, f"the evidence files add up to {total} bytes, more than the "
                 f"{limits.max_report_bytes} a report may carry ({REQUIREMENT})",
            f"پرونده‌های مستند روی هم {total} بایت است، بیش از {limits.max_report_bytes} "
            f"بایتِ مجاز برای هر گزارش ({REQUIREMENT})")
    return list(judged.values())


def content_of(props: Mapping[str, Any]) -> bytes:
    """The bytes a stored gc:Evidence node holds (its `bytes`, base64)."""
    return base64.b64decode(str(props.get("bytes") or ""), validate=True)


def download_name(title: str | None, sha256: str, media_type: str) -> str:
    """The name a file is offered under: its first name, else its hash with the usual
    extension of its type."""
    return title or f"{sha256}.{EXTENSIONS.get(media_type, 'bin')}"
