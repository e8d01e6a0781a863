"""`govcat query` as an auditor uses it (ADR 0004): the list of named queries, a named query as
CSV or Turtle, a proposed structure compared with the stored one, ad-hoc Cypher refused when it
writes, saved queries. Runs its own embedded FalkorDB in a temporary data directory, on the demo
catalog's smallest form: the two-agency workbook."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from typer.testing import CliRunner

from catalog.store.falkordb_server import FalkorServer
from catalog.vocab import CPSV
from cli.main import app
from graph_queries.named import catalog_of_queries
from tests.workbooks import two_agencies, write_workbook

BASE = "https://govcat.cli/id/"


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    data = tmp_path / "data"
    env = {"GOVCAT_DATA_DIR": str(data), "GOVCAT_BASE_IRI": BASE}
    loaded = CliRunner().invoke(app, ["load", str(write_workbook(tmp_path / "w.xlsx",
                                                                 two_agencies()))], env=env)
    assert loaded.exit_code == 0, loaded.output
    yield env
    FalkorServer(data).stop()


def _run(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_list_names_every_query_with_its_requirement(env: dict[str, str]) -> None:
    code, out, _ = _run(env, "query", "--list")
    listed = json.loads(out)
    assert code == 0 and {q["name"] for q in listed} == set(catalog_of_queries())
    assert all(q["requirement"].startswith("R-") for q in listed)


def test_named_query_as_csv(env: dict[str, str]) -> None:
    code, out, _ = _run(env, "query", "duty-services", "--param", "duty=agency/REG/duty/D1",
                        "--format", "csv")
    assert code == 0
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert row["service"] == BASE + "agency/REG/service/S1" and row["foreign"] == "false"


def test_adhoc_write_is_refused_with_a_clear_error(env: dict[str, str]) -> None:
    code, _, err = _run(env, "query", "--cypher", "MATCH (n) DETACH DELETE n")
    assert code == 1 and "read-only" in err
    code, out, _ = _run(env, "query", "--cypher", "MATCH (s:PublicService) RETURN count(s) AS n")
    assert code == 0 and json.loads(out)["rows"] == [{"n": 2}]


def test_integer_parameter_from_the_command_line(env: dict[str, str]) -> None:
    code, out, _ = _run(env, "query", "most-depended-upon", "-p", "top=1", "-p", "kind=service")
    assert code == 0 and json.loads(out)["params"] == {"kind": "service", "top": 1}


def test_bad_parameters_exit_2(env: dict[str, str]) -> None:
    code, _, err = _run(env, "query", "service-duties")
    assert code == 2 and "needs the parameter service" in err


def test_named_query_as_turtle(env: dict[str, str]) -> None:
    code, out, _ = _run(env, "query", "run", "service-duties", "-p",
                        "service=agency/REG/service/S1", "--format", "ttl")
    assert code == 0
    g = Graph().parse(data=out, format="turtle")
    assert (URIRef(BASE + "agency/REG/service/S1"), CPSV.follows,
            URIRef(BASE + "agency/REG/duty/D1")) in g
    code, _, err = _run(env, "query", "posts-without-holder", "--format", "ttl")
    assert code == 2 and "not a part of the graph" in err


def test_compare_a_proposed_structure_from_a_workbook(env: dict[str, str],
                                                      tmp_path: Path) -> None:
    """REG adds U-REG-2 under U-REG-1, replaces P-REG-1 by P-REG-2 there; E-REG-1 moves."""
    path = write_workbook(tmp_path / "reform.xlsx", {
        "units": [["id", "agency_code", "name_fa", "parent_id"],
                  ["U-REG-1", "REG", "اداره کل ثبت", ""],
                  ["U-REG-2", "REG", "اداره ثبت الکترونیکی", "U-REG-1"]],
        "posts": [["id", "unit_id", "title_fa"], ["P-REG-2", "U-REG-2", "کارشناس سامانه"]],
        "employees": [["id", "post_id"], ["E-REG-1", "P-REG-2"]],
    })
    code, out, err = _run(env, "query", "compare-structure", "--param", f"proposed={path}",
                          "--format", "csv")
    assert code == 0, err
    found = [(r["effect"], r["iri"].removeprefix(BASE)) for r in csv.DictReader(io.StringIO(out))]
    assert found == [("added_unit", "unit/U-REG-2"), ("removed_post", "post/P-REG-1"),
                     ("added_post", "post/P-REG-2"), ("employee_reassigned", "employee/E-REG-1")]
    code, _, err = _run(env, "query", "compare-structure", "-p", "proposed=nowhere.xlsx")
    assert code == 2 and "no file" in err


def test_saved_queries_from_the_command_line(env: dict[str, str]) -> None:
    cypher = ("MATCH (s:PublicService)-[:agency]->(a {identifier: $agency}) "
              "RETURN s.iri AS service")
    code, out, err = _run(env, "query", "save", "services-of", "--cypher", cypher,
                          "--description", "an agency's services", "--by", "auditor-1",
                          "--declare", "agency=the agency's code")
    assert code == 0 and "saved services-of" in err
    assert json.loads(out)["params"] == [
        {"name": "agency", "optional": False, "description": "the agency's code"}]
    code, out, _ = _run(env, "query", "saved")
    assert [q["name"] for q in json.loads(out)] == ["services-of"]
    code, out, _ = _run(env, "query", "run-saved", "services-of", "-p", "agency=TAXO")
    assert code == 0 and json.loads(out)["rows"] == [
        {"service": BASE + "agency/TAXO/service/S1"}]
    code, _, err = _run(env, "query", "save", "wipe", "--cypher", "MATCH (n) DETACH DELETE n",
                        "--description", "no", "--by", "auditor-2")
    assert code == 1 and "read-only" in err
    code, _, _ = _run(env, "query", "delete-saved", "services-of")
    assert code == 0
    code, _, err = _run(env, "query", "run-saved", "services-of")
    assert code == 2 and "no saved query" in err
