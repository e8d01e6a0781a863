"""bench/generate.py: a synthetic country that the real loader reads and the rules accept, in
the sizes and ratios its docstring states, the same bytes for the same seed."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path
from typing import cast

import pytest

from bench.generate import AGENCY_MIX, HEADERS, NATIONAL, PROVINCES, generate
from catalog.iris import Iris
from catalog.kinds import sheets
from catalog.model import codes
from catalog.port import GraphStore
from catalog.problems import Problem
from catalog.registry import Registry
from loaders.spreadsheet import read_csv_folder

SCALE = 0.001  # about 1,600 rows: every kind of record, validated in a few seconds


@pytest.fixture(scope="module")
def country(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("country")
    return out, generate(out, SCALE)


def _rows(out: Path, sheet: str) -> list[dict[str, str]]:
    with (out / f"{sheet}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_headers_and_provinces_follow_the_contract() -> None:
    # Every column of every sheet, in the template's order.
    assert {s.name: list(s.keys) for s in sheets()} == HEADERS
    assert sorted(p.slug for p in PROVINCES) == sorted(set(codes("province").values()))


def test_counts_follow_the_ratios(country: tuple[Path, dict[str, int]]) -> None:
    out, counts = country
    for sheet, n in counts.items():
        assert len(_rows(out, sheet)) == n, sheet
    # One agency of each role at least; the per-record sheets are round(national * scale).
    assert counts["agencies"] == sum(max(1, round(n * SCALE)) for n in AGENCY_MIX.values())
    for sheet, n in NATIONAL.items():
        assert counts[sheet] == round(n * SCALE), sheet
    assert counts["employees"] / counts["posts"] == pytest.approx(10 / 3, rel=0.01)
    assert counts["posts"] / counts["units"] == pytest.approx(7.5)
    assert counts["duties"] == 2 * counts["services"]
    assert 3 * counts["chains"] <= counts["chain_links"] <= 8 * counts["chains"]

    agencies = _rows(out, "agencies")
    kinds = {a["kind"] for a in agencies}
    assert {"ministry", "provincial_unit", "municipality", "delegated"} <= kinds
    assert all(a["province"] for a in agencies if a["kind"] == "provincial_unit")
    codes_ = {a["code"] for a in agencies}
    for sheet in ("units", "duties", "services", "datasets"):
        assert {r["agency_code"] for r in _rows(out, sheet)} == codes_, sheet

    services = _rows(out, "services")
    assert {"service", "inquiry"} <= {s["kind"] for s in services}
    assert all(s["units"] or s["posts"] for s in services)
    assert all(s["employees"] for s in services)
    # Delivery gaps that the rules allow: posts nobody holds, some of them named by services.
    held = {p for e in _rows(out, "employees") for p in e["post_id"].replace("؛", ";").split(";")}
    assert len(held) < counts["posts"]
    assert any(s["posts"] and s["posts"] not in held for s in services)

    flows = _rows(out, "data_flows")
    assert any(f["from_system"].split(":")[0] != f["to_system"].split(":")[0] for f in flows)
    assert len({(f["from_system"], f["to_system"], f["dataset"]) for f in flows}) == len(flows)

    links, chains = _rows(out, "chain_links"), _rows(out, "chains")
    for chain in chains:
        mine = [link for link in links if link["chain_ref"] == chain["ref"]]
        assert mine[-1]["service"] == chain["final_service"]
        assert len({link["service"].split(":")[0] for link in mine}) >= 2
    # Chains that depend on each other: one's final service is a link of another.
    finals = {c["final_service"]: c["ref"] for c in chains}
    assert any(finals.get(link["service"], link["chain_ref"]) != link["chain_ref"]
               for link in links)


def test_the_loader_and_the_rules_accept_it(country: tuple[Path, dict[str, int]]) -> None:
    out, counts = country
    parsed = read_csv_folder(out)
    assert parsed.problems == []
    assert parsed.rows == sum(counts.values())
    # No store: every record the submission refers to is in it. Registry.check is the
    # duplicate and ontology-mapping checks plus catalog.validation.validate(cs, None).
    assert _check(out) == []


def test_the_check_is_not_vacuous(country: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    out, _ = country
    for file in out.glob("*.csv"):
        (tmp_path / file.name).write_bytes(file.read_bytes())
    services = _rows(out, "services")
    services[0]["employees"] = ""  # a service with nobody to deliver it
    with (tmp_path / "services.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=HEADERS["services"])
        writer.writeheader()
        writer.writerows(services)
    assert [p.requirement for p in _check(tmp_path)] == ["R-4.3"]


def _check(folder: Path) -> list[Problem]:
    parsed = read_csv_folder(folder)
    registry = Registry(cast(GraphStore, None), Iris("https://govcat.test/id/"))
    return parsed.problems + registry.check(registry.changeset(parsed.records))


def test_same_seed_same_bytes_other_seed_other_country(
        country: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    out, counts = country
    assert generate(tmp_path / "again", SCALE) == counts
    assert generate(tmp_path / "other", SCALE, seed=8) is not None
    for sheet in HEADERS:
        data = (out / f"{sheet}.csv").read_bytes()
        assert (tmp_path / "again" / f"{sheet}.csv").read_bytes() == data, sheet
    differ = [s for s in HEADERS
              if (tmp_path / "other" / f"{s}.csv").read_bytes() != (out / f"{s}.csv").read_bytes()]
    assert set(differ) >= {"units", "posts", "employees", "duties", "services", "data_flows",
                           "chain_links"}


def test_rejects_a_non_positive_scale(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate(tmp_path, 0)
    with pytest.raises(ValueError):
        generate(tmp_path, SCALE, parts=0)


# ---------------------------------------------------------------------------------------------
# In parts: the same rows as several submissions, each referring only to itself and earlier ones

PARTS = 3
Row = tuple[str, ...]
Key = tuple[str, ...]


@pytest.fixture(scope="module")
def parts(country: tuple[Path, dict[str, int]],
          tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("parts")
    assert generate(out, SCALE, parts=PARTS) == country[1]  # the totals
    folders = sorted(out.iterdir())
    assert [f.name for f in folders] == ["part-01", "part-02", "part-03", "part-04-inter"]
    return folders


def _lines(folder: Path, sheet: str) -> list[Row]:
    with (folder / f"{sheet}.csv").open(encoding="utf-8", newline="") as f:
        header, *rows = csv.reader(f)
    assert header == HEADERS[sheet], (folder.name, sheet)  # every part is a complete folder
    return [tuple(r) for r in rows]


def test_parts_hold_the_same_rows_in_the_same_order(
        country: tuple[Path, dict[str, int]], parts: list[Path]) -> None:
    out, counts = country
    for sheet in HEADERS:
        whole = _lines(out, sheet)
        pieces = [_lines(folder, sheet) for folder in parts]
        assert Counter(r for piece in pieces for r in piece) == Counter(whole), sheet
        # Inside a part the rows keep their order in the one folder.
        at = {r: i for i, r in enumerate(whole)}
        assert len(at) == len(whole), sheet
        for piece in pieces:
            assert [at[r] for r in piece] == sorted(at[r] for r in piece), sheet
    # Agencies are in the slices; the last part has only what crosses slices: all the chains
    # and the flows between slices.
    assert sum(bool(_lines(folder, "agencies")) for folder in parts[:-1]) >= 2
    inter = parts[-1]
    assert len(_lines(inter, "chains")) == counts["chains"]
    assert len(_lines(inter, "chain_links")) == counts["chain_links"]
    assert not any(_lines(inter, s) for s in HEADERS if s not in ("data_flows", "chains",
                                                                   "chain_links"))


def test_parts_refer_only_to_themselves_but_the_last(parts: list[Path]) -> None:
    """The slices refer only to their own records (so they can be loaded in any order, or at
    the same time); the last part refers to records of every slice."""
    defined: set[Key] = set()
    for folder in parts:
        mine: set[Key] = set()
        refs: list[Key] = []
        for sheet in HEADERS:
            for row in _lines(folder, sheet):
                keys, to = _keys(sheet, dict(zip(HEADERS[sheet], row, strict=True)))
                mine |= keys
                refs += to
        missing = [r for r in refs if r not in mine and r not in defined]
        assert missing == [], (folder.name, missing[:5])
        elsewhere = [r for r in refs if r not in mine]
        if folder == parts[-1]:
            assert elsewhere
        else:
            assert elsewhere == [], (folder.name, elsewhere[:5])
        assert not mine & defined, folder.name  # each record is defined once
        defined |= mine
    # A slice refers to nothing else: the rules accept it as a submission of its own.
    assert _check(parts[0]) == []


Keys = tuple[set[Key], list[Key]]


def _keys(sheet: str, r: dict[str, str]) -> Keys:
    """The records a row defines and those it refers to, by their key columns."""
    ag = r.get("agency_code", "")
    refs: list[Key] = [("agency", "", ag)] if ag else []
    return _ROW_KEYS[sheet](r, ag, refs)


def _items(cell: str) -> list[str]:
    return [x.strip() for x in re.split("[;؛]", cell) if x.strip()]


def _ref(kind: str, value: str, agency: str = "") -> Key:
    code, _, local = value.rpartition(":")  # CODE:REF, or REF of the row's agency
    return (kind, code or agency, local)


def _agency_keys(r: dict[str, str], ag: str, refs: list[Key]) -> Keys:
    return {("agency", "", r["code"])}, [("agency", "", r["parent_code"])] * bool(
        r["parent_code"])


def _unit_keys(r: dict[str, str], ag: str, refs: list[Key]) -> Keys:
    return {("unit", "", r["id"])}, refs + [("unit", "", r["parent_id"])] * bool(r["parent_id"])


def _post_keys(r: dict[str, str], ag: str, refs: list[Key]) -> Keys:
    return {("post", "", r["id"])}, [*refs, ("unit", "", r["unit_id"])]


def _employee_keys(r: dict[str, str], ag: str, refs: list[Key]) -> Keys:
    return {("employee", "", r["id"])}, refs + [("post", "", p) for p in _items(r["post_id"])]


def _duty_keys(r: dict[str, str], ag: str, refs: list[Key]) -> Keys:
    return {("duty", ag, r["ref"])}, refs


def _service_keys(r: dict[str, str], ag: str, refs: list[Key]) -> Keys:
    refs = refs + [_ref("duty", d, ag) for d in _items(r["duties"])]
    refs += [(kind, "", x) for kind, col in (("unit", "units"), ("post", "posts"),
                                              ("employee", "employees"))
             for x in _items(r[col])]
    return {("service", ag, r["ref"])}, refs


def _system_keys(r: dict[str, str], ag: str, refs: list[Key]) -> Keys:
    return {("system", ag, r["ref"])}, refs + [_ref("service", s, ag)
                                                for s in _items(r["services"])]


def _dataset_keys(r: dict[str, str], ag: str, refs: list[Key]) -> Keys:
    refs = refs + [_ref("system", r["information_system"], ag)]
    return {("dataset", ag, r["ref"])}, refs + [_ref("service", s, ag)
                                                 for s in _items(r["services"])]


def _flow_keys(r: dict[str, str], ag: str, refs: list[Key]) -> Keys:
    return set(), [_ref("system", r["from_system"]), _ref("system", r["to_system"]),
                   _ref("dataset", r["dataset"])]


def _chain_keys(r: dict[str, str], ag: str, refs: list[Key]) -> Keys:
    found = [_ref("service", r["final_service"])]
    found += [("agency", "", r["responsible_agency"])] * bool(r["responsible_agency"])
    return {("chain", "", r["ref"])}, found


def _link_keys(r: dict[str, str], ag: str, refs: list[Key]) -> Keys:
    return set(), [("chain", "", r["chain_ref"]), _ref("service", r["service"]),
                   *(_ref("dataset", d) for d in _items(r["datasets"]))]


# Each sheet's keys; a sheet of the generator missing here fails the test (KeyError).
_ROW_KEYS = {"agencies": _agency_keys, "units": _unit_keys, "posts": _post_keys,
             "employees": _employee_keys, "duties": _duty_keys, "services": _service_keys,
             "information_systems": _system_keys, "datasets": _dataset_keys,
             "data_flows": _flow_keys, "chains": _chain_keys, "chain_links": _link_keys}
