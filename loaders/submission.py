"""One submission from one path: a workbook, a folder of CSV files, or an RDF file."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from catalog.changeset import ChangeSet
from catalog.problems import Problem
from catalog.registry import Registry
from loaders.rdf_files import FORMATS, read_rdf
from loaders.spreadsheet import read_csv_folder, read_workbook


@dataclass
class Submission:
    path: Path
    changeset: ChangeSet
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0


def read_submission(
    path: Path, registry: Registry, progress: Callable[[str], None] = lambda _: None,
    check: Callable[[ChangeSet], list[Problem]] | None = None,
) -> Submission:
    """Read and check one submission; `problems` lists every fault found (none: storable).
    `progress` hears a line per phase, for long loads. `check` checks the change set: by
    default the registry's rules; the API and the CLI pass `Guard.check` for the principal,
    which first refuses records of agencies it may not write (catalog.access, R-20.1)."""
    check = check or registry.check
    started = time.perf_counter()
    if path.is_dir():
        parsed = read_csv_folder(path)
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        parsed = read_workbook(path)
    elif path.suffix.lower() in FORMATS:
        cs, problems = read_rdf(path, registry.iris)
        return Submission(path, cs, problems + (check(cs) if cs.subjects else []),
                          len(cs.subjects))
    else:
        problem = Problem(message_en="not a workbook (.xlsx), a CSV folder or an RDF file",
                          message_fa="این پرونده کاربرگ، پوشهٔ CSV یا پروندهٔ RDF نیست",
                          source=path.name)
        return Submission(path, ChangeSet(), [problem])
    progress(f"read {parsed.rows:,} rows, {len(parsed.problems)} problem(s) "
             f"({time.perf_counter() - started:.1f} s); checking the rules of the cycle …")
    cs = registry.changeset(parsed.records)
    problems = _merge(parsed.problems, check(cs))
    progress(f"checked {len(cs):,} records ({time.perf_counter() - started:.1f} s)")
    return Submission(path, cs, problems, parsed.rows)


def _merge(read: list[Problem], rules: list[Problem]) -> list[Problem]:
    """A cell that is empty and also breaks a rule of the regulation is reported once, by the
    rule, which names the requirement (R-…)."""
    by_rule = {(p.source, p.sheet, p.row, p.column) for p in rules if p.requirement}
    kept = [p for p in read if p.value is not None
            or (p.source, p.sheet, p.row, p.column) not in by_rule]
    return kept + rules
