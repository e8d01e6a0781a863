"""The `govcat` command as a steward uses it: template, validate, load (workbook, CSV folder,
RDF), export, store. Runs its own embedded FalkorDB in a temporary data directory."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from catalog.store.falkordb_server import FalkorServer
from tests.support.cli import run
from tests.workbooks import Sheets, two_agencies, write_workbook

BASE = "https://govcat.cli/id/"


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    data = tmp_path / "data"
    yield {"GOVCAT_DATA_DIR": str(data), "GOVCAT_BASE_IRI": BASE}
    FalkorServer(data).stop()


def _csv_folder(path: Path, sheets: Sheets) -> Path:
    path.mkdir()
    for name, rows in sheets.items():
        with (path / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(rows)
    return path


def test_template_validates_as_an_empty_submission(env: dict[str, str], tmp_path: Path) -> None:
    code, out = run(env, "template", str(tmp_path / "t.xlsx"))
    assert code == 0 and (tmp_path / "t.xlsx").exists()
    code, out = run(env, "validate", str(tmp_path / "t.xlsx"))
    assert code == 0, out
    assert "valid, 0 record(s)" in out


def test_validate_reports_row_and_column_and_stores_nothing(
    env: dict[str, str], tmp_path: Path
) -> None:
    sheets = two_agencies()
    sheets["services"].append(
        ["REG", "S2", "صدور گواهی", "service", "", "U-REG-1", "", "E-REG-1", "in_person"])
    path = write_workbook(tmp_path / "bad.xlsx", sheets)
    code, out = run(env, "load", str(path))
    assert code == 1
    assert "bad.xlsx, sheet services, row 4, column duties" in out
    assert "[R-4.1]" in out and "nothing from this file was stored" in out
    code, out = run(env, "export", "--format", "ttl")
    assert code == 0 and "govcat.cli/id/agency/REG" not in out


def test_load_csv_folder_then_export_one_agency(env: dict[str, str], tmp_path: Path) -> None:
    folder = _csv_folder(tmp_path / "csv", two_agencies())
    code, out = run(env, "load", str(folder))
    assert code == 0, out
    assert "stored" in out
    target = tmp_path / "reg.ttl"
    code, out = run(env, "export", "--format", "ttl", "--agency", "REG",
                     "--output", str(target))
    assert code == 0, out
    g = Graph().parse(target, format="turtle")
    service = URIRef(BASE + "agency/REG/service/S1")
    assert {str(t) for t in g.objects(service, DCTERMS.title)} == {"ثبت ولادت"}
    assert (URIRef(BASE + "agency/TAXO/service/S1"), None, None) not in g
    code, out = run(env, "export", "--format", "jsonld")
    assert code == 0 and "ثبت ولادت" in out
    assert json.loads(out)["@context"]


def test_rdf_with_a_remote_context_is_refused(env: dict[str, str], tmp_path: Path) -> None:
    doc = {"@context": "https://example.org/ctx.jsonld",
           "@id": BASE + "agency/X", "@type": "cv:PublicOrganisation"}
    path = tmp_path / "x.jsonld"
    path.write_text(json.dumps(doc), encoding="utf-8")
    code, out = run(env, "load", str(path))
    assert code == 1
    assert "remote JSON-LD context" in out


def test_a_command_stops_the_store_it_started_and_reuses_a_running_one(
    env: dict[str, str], tmp_path: Path
) -> None:
    path = write_workbook(tmp_path / "ok.xlsx", two_agencies())
    code, out = run(env, "load", str(path))
    assert code == 0, out
    assert run(env, "store", "status")[1].startswith("not running")
    run(env, "store", "start")
    pid = run(env, "store", "status")[1]
    code, out = run(env, "export")
    assert code == 0 and "agency/REG" in out  # the data outlived the stop
    assert run(env, "store", "status")[1] == pid


def test_store_start_status_stop(env: dict[str, str]) -> None:
    code, out = run(env, "store", "start")
    assert code == 0 and out.startswith("running")
    code, out = run(env, "store", "status")
    assert out.startswith("running")
    code, out = run(env, "store", "stop")
    code, out = run(env, "store", "status")
    assert out.startswith("not running")
