"""A file of standard RDF (Turtle, JSON-LD, N-Triples) read for `import_graph` (ADR 0023), with
the supplements a steward gives beside it (`--with`): each is read by the same rules as the
file. JSON-LD may use govcat's context only; any remote context is refused, never fetched;
relative IRIs resolve against govcat's base IRI (loaders.rdf_files, ADR 0011); a term no store
can hold or an IRI that is not one is left out of its record and said there (ADR 0025,
loaders.standard.mapping); a supplement that still holds a template's `…` is refused
(loaders.standard.template). A file or supplement that cannot be read (loaders.rdf_files.
read_graph) is the run's problem: nothing is stored."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rdflib import Graph

from catalog.changeset import ChangeSet
from catalog.registry import Registry
from loaders.rdf_files import read_graph
from loaders.standard.mapping import Authorize, Check, StandardImport, import_graph
from loaders.standard.report import ImportReport
from loaders.standard.template import placeholders


def read_standard(path: Path, registry: Registry, *, agency: str | None = None,
                  check: Check | None = None, authorize: Authorize | None = None,
                  supplements: Sequence[Path] = ()) -> StandardImport:
    """Read `path` and its `supplements` (statements about the file's IRIs: a Persian title,
    an agency's kind, a duty, …) and map them as one graph (loaders.standard.mapping)."""
    graph, problems = read_graph(path, registry.iris)
    sups: list[tuple[str, Graph]] = []
    for sup in supplements:
        g, found = read_graph(sup, registry.iris)
        if g is not None:
            found = placeholders(g, sup.name)
            sups.append((sup.name, g))
        problems += found
    if graph is None or problems:
        report = ImportReport(path.name, problems=problems,
                              supplements=[s.name for s in supplements])
        return StandardImport(ChangeSet(), report)
    return import_graph(graph, path.name, registry, agency=agency, check=check,
                        authorize=authorize, supplements=sups)
