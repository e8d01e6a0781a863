"""`govcat query` as an auditor uses it (issue 5): the list of named queries, a named query as
CSV, ad-hoc Cypher refused when it writes. Runs its own embedded FalkorDB in a temporary data
directory, on the demo catalog's smallest form: the two-agency workbook."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalog.store.falkordb_server import FalkorServer
from cli.main import app
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
    assert code == 0 and len(listed) == 14
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
