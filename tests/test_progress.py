"""Progress reports with evidence (R-5.2; ADR 0027, ADR 0029) on both real stores: evidence
judged on its content, never its name; the same bytes stored once; a report with its values,
actions done, files and event written whole or not at all; one report per plan and period,
only on an approved plan, filed by the agency; files kept out of every export, carried by
backups byte for byte, into the same store kind and the other; served only to readers of a
plan that cites them."""

from __future__ import annotations

import base64
import hashlib
import io
import struct
import zlib
from pathlib import Path

import openpyxl
import pytest

from catalog.access.principals import Forbidden, Role
from catalog.backup import backup, read_archive, restore
from catalog.cycle.engine import Cycle
from catalog.cycle.evidence import (
    CSV,
    PDF,
    XLSX,
    EvidenceLimits,
    EvidenceRefused,
    judge,
    media_type_of,
)
from catalog.cycle.progress import Progress, ProgressRefused
from catalog.cycle.states import Actor
from catalog.decided import EVIDENCE, INDICATOR_VALUE, PROGRESS_REPORT
from catalog.graphmap import nodes_to_graph
from catalog.ontology import mapping
from catalog.port import GraphStore
from catalog.registry import CYCLE_LABELS, Registry
from catalog.serialize import serialize
from tests.conftest import BASE
from tests.support.plans import approved_plan, load_plan, steward

PERIOD = "1404-H2"
LIMITS = EvidenceLimits(max_file_bytes=64 * 1024, max_report_bytes=100 * 1024, max_files=4)


# -- files of each kind, made here -----------------------------------------------------------

def pdf(text: str = "report") -> bytes:
    return (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% " + text.encode()
            + b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def xlsx() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["شاخص", "مقدار"])
    wb.active.append(["I1", 3])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


SHEET = xlsx()  # once: a workbook holds the time it was written
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _count(store: GraphStore, label: str) -> int:
    return sum(int(r["n"]) for r in store.read("MATCH (n) RETURN labels(n) AS l, count(n) AS n")
               if label in r["l"])


@pytest.fixture
def filed(registry: Registry, tmp_path: Path) -> tuple[Registry, Progress]:
    """REG's plan PL1 approved with step 3 (tests.support.plans)."""
    approved_plan(registry, tmp_path)
    return registry, Progress(Cycle(registry.store, registry.iris), LIMITS)


# -- judged on the content, not the name ------------------------------------------------------

@pytest.mark.parametrize(("name", "data", "media"), [
    ("scan.png", pdf(), PDF),  # a PDF renamed .png is a PDF
    ("photo.pdf", png(), "image/png"),
    ("table.pdf", SHEET, XLSX),
    ("numbers.txt", "شاخص,مقدار\nI1,3\nI2,۴\n".encode(), CSV),
], ids=["pdf-as-png", "png-as-pdf", "xlsx-as-pdf", "csv"])
def test_a_file_is_judged_by_its_content_whatever_its_name(
        name: str, data: bytes, media: str) -> None:
    f = judge(name, data, LIMITS)
    assert (f.media_type, f.sha256, f.name) == (media, sha(data), name)


@pytest.mark.parametrize(("name", "data", "status"), [
    ("report.pdf", EXE, 415),  # a Windows program named .pdf
    ("report.pdf", ELF, 415),  # a Linux program named .pdf
    ("page.pdf", b"<html><script>alert(1)</script></html>", 415),
    ("run.csv", b"#!/bin/sh\nrm -rf /,x\n", 415),
    ("archive.xlsx", zlib.compress(b"x" * 100), 415),
    ("empty.pdf", b"", 422),
    ("big.pdf", pdf("x" * (65 * 1024)), 413),
    ("../etc/passwd.pdf", pdf(), 422),
], ids=["exe", "elf", "html", "script", "zlib", "empty", "too-large", "path-in-name"])
def test_what_is_not_evidence_is_refused_bilingually_citing_r_5_2(
        name: str, data: bytes, status: int) -> None:
    with pytest.raises(EvidenceRefused) as caught:
        judge(name, data, LIMITS)
    assert caught.value.status == status
    assert caught.value.requirement == "R-5.2" and "R-5.2" in caught.value.message_en
    assert caught.value.message_fa and caught.value.file == name
    assert media_type_of(EXE) is None and media_type_of(ELF) is None


# -- filing, on both stores -----------------------------------------------------------------

def test_a_report_is_written_whole_with_its_values_actions_files_and_event(
        filed: tuple[Registry, Progress]) -> None:
    registry, progress = filed
    files = [("تصویر.png", pdf()), ("sheet.xlsx", SHEET)]
    report = progress.file("REG", "PL1", steward(), period=PERIOD,
                           narrative="ثبت ولادت برخط شد", values={"I1": "۷", "I2": "3.5"},
                           done=["A1"], files=files)
    assert report.iri == f"{BASE}agency/REG/plan/PL1/progress/{PERIOD}"
    assert report.values == {"I1": "7.0", "I2": "3.5"}
    assert report.done == ("A1",)
    assert {(e.sha256, e.name, e.media_type) for e in report.evidence} == {
        (sha(pdf()), "تصویر.png", PDF), (sha(SHEET), "sheet.xlsx", XLSX)}
    [again] = progress.reports("REG", "PL1", steward())
    assert again == report
    # The event of the trail lists the report and each file.
    [event] = [e for e in registry.store.history(report.iri) if e.action == "file-progress"]
    for f in report.evidence:
        assert [e.iri for e in registry.store.history(progress.evidence_iri(f.sha256))] == [
            event.iri]
    # The bytes come back as they went in, with their type.
    served = progress.evidence(sha(pdf()), steward())
    assert served is not None and served.data == pdf() and served.media_type == PDF
    assert (_count(registry.store, PROGRESS_REPORT), _count(registry.store, INDICATOR_VALUE),
            _count(registry.store, EVIDENCE)) == (1, 2, 2)
    # Every stored key and link is a term of the ontology: each node reads back as RDF.
    nodes = registry.store.describe(
        [report.iri, f"{report.iri}/value/I1", f"{report.iri}/value/I2",
         *(progress.evidence_iri(e.sha256) for e in report.evidence)])
    assert sorted(n.label for n in nodes) == sorted(
        [PROGRESS_REPORT, INDICATOR_VALUE, INDICATOR_VALUE, EVIDENCE, EVIDENCE])
    known = set(mapping().terms)
    for n in nodes:
        assert {k.partition("@")[0] for k in n.props} | set(n.rels) <= known, n.label
    assert len(set(nodes_to_graph(nodes).subjects())) == len(nodes)
    assert {PROGRESS_REPORT, INDICATOR_VALUE, EVIDENCE} <= CYCLE_LABELS  # no file loads them


def test_a_report_is_refused_whole_and_one_per_plan_and_period_is_kept(
        filed: tuple[Registry, Progress], tmp_path: Path) -> None:
    registry, progress = filed
    store = registry.store

    def nothing_stored() -> None:
        assert [_count(store, label) for label in (PROGRESS_REPORT, INDICATOR_VALUE, EVIDENCE)
                ] == [0, 0, 0]
        assert not [e for e in store.agency_events(None, ["file-progress"])]

    # A program named .pdf among good files: refused (415), naming it; nothing is stored.
    with pytest.raises(EvidenceRefused) as bad:
        progress.file("REG", "PL1", steward(), period=PERIOD, narrative="پیشرفت",
                      values={"I1": "5"}, done=["A1"],
                      files=[("a.pdf", pdf()), ("tool.pdf", EXE), ("b.png", png())])
    assert (bad.value.status, bad.value.file) == (415, "tool.pdf")
    nothing_stored()
    # Too many files (413); an indicator or action the plan does not have (422); a period
    # not begun (422): nothing stored either.
    with pytest.raises(EvidenceRefused) as many:
        progress.file("REG", "PL1", steward(), period=PERIOD, narrative="پیشرفت",
                      files=[(f"{i}.pdf", pdf(str(i))) for i in range(5)])
    assert many.value.status == 413
    for kwargs in ({"values": {"I9": "1"}}, {"done": ["A9"]}, {"values": {"I1": "abc"}},
                   {"period": "1499-H1"}):
        args = {"period": PERIOD, "narrative": "پیشرفت", **kwargs}
        with pytest.raises(ProgressRefused) as refused:
            progress.file("REG", "PL1", steward(), **args)  # type: ignore[arg-type]
        assert refused.value.status == 422, kwargs
        assert refused.value.reasons[0].message_fa and \
            refused.value.reasons[0].requirement == "R-5.2"
    nothing_stored()
    # Only the agency files: another agency's steward and a reviewer may not.
    for outsider in (steward("TAXO"), Actor("reviewer", Role.REVIEWER)):
        with pytest.raises(Forbidden):
            progress.file("REG", "PL1", outsider, period=PERIOD, narrative="پیشرفت")
    nothing_stored()
    # The representative of the agency files; the same bytes twice in it are one file.
    rep = Actor("rep-reg", Role.REPRESENTATIVE, agency="REG")
    first = progress.file("REG", "PL1", rep, period=PERIOD, narrative="پیشرفت",
                          files=[("first.pdf", pdf()), ("copy.pdf", pdf())])
    assert [e.name for e in first.evidence] == ["first.pdf"] and first.by == "rep-reg"
    # A second report for the period: 409, the first unchanged.
    with pytest.raises(ProgressRefused) as again:
        progress.file("REG", "PL1", steward(), period=PERIOD, narrative="دیگر",
                      files=[("other.png", png())])
    assert again.value.status == 409
    assert progress.reports("REG", "PL1", rep) == [first]
    assert _count(store, EVIDENCE) == 1  # the refused report's PNG was not kept
    # The next period cites the same bytes under another name: still one file, first name.
    later = progress.file("REG", "PL1", steward(), period="1405-H1", narrative="ادامه",
                          done=["A1", "A2"], files=[("renamed.png", pdf())])
    assert [e.name for e in later.evidence] == ["first.pdf"]
    assert _count(store, EVIDENCE) == 1 and _count(store, PROGRESS_REPORT) == 2
    # No report on a plan that is not approved (409), nor on a plan that does not exist (404).
    load_plan(registry, tmp_path, plan="PL2")
    with pytest.raises(ProgressRefused) as draft:
        progress.file("REG", "PL2", steward(), period=PERIOD, narrative="پیشرفت")
    assert draft.value.status == 409
    with pytest.raises(ProgressRefused) as missing:
        progress.file("REG", "PL9", steward(), period=PERIOD, narrative="پیشرفت")
    assert missing.value.status == 404


BIG = pdf("x" * (3 * 1024 * 1024))  # a large literal: 4 MiB of base64 in one property




def test_evidence_is_in_backups_byte_for_byte_and_in_no_export(
        registry: Registry, tmp_path: Path, other: Registry) -> None:
    approved_plan(registry, tmp_path)
    big = EvidenceLimits(max_file_bytes=8 * 1024 * 1024, max_report_bytes=9 * 1024 * 1024)
    progress = Progress(Cycle(registry.store, registry.iris), big)
    report = progress.file("REG", "PL1", steward(), period=PERIOD, narrative="پیشرفت",
                           values={"I1": "2"}, files=[("big.pdf", BIG), ("p.png", png())])
    # Not in any export of the catalog: no report, no value, no file, no byte.
    exported = registry.export()
    text = serialize(exported, "ttl")
    assert report.iri not in text and "evidence/" not in text
    assert base64.b64encode(png()).decode() not in text
    # A backup carries them; restored into an empty store of the same kind and of the other
    # kind, the bytes served are the very bytes filed.
    out = io.BytesIO()
    manifest = backup(registry, out, commit="test")
    assert manifest["counts"]["nodes"][EVIDENCE] == 2
    data = out.getvalue()
    for target in (other, registry):
        restore(target, read_archive(io.BytesIO(data)), force=True)
        again = Progress(Cycle(target.store, target.iris), big)
        for original in (BIG, png()):
            served = again.evidence(sha(original), steward())
            assert served is not None and sha(served.data) == sha(original)
        assert again.reports("REG", "PL1", steward()) == [report]
