"""One SHACL run over a whole graph with the code lists: the answer incremental validation
(catalog.validation) must give, for the tests that compare with it."""

from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import RDF, SH

from catalog.changeset import ChangeSet
from catalog.ontology import codelists_graph
from catalog.problems import Problem
from catalog.validation import _problem, engine, shapes_graph


def whole_problems(graph: Graph) -> list[Problem]:
    data = Graph()
    data += graph
    data += codelists_graph()
    conforms, results, _ = engine()(data, shacl_graph=shapes_graph(), inference="none",
                                    advanced=True, allow_warnings=False)
    if conforms:
        return []
    # the report's own results, not the sh:detail results that explain them
    return [_problem(results, r, ChangeSet())
            for report in results.subjects(RDF.type, SH.ValidationReport)
            for r in results.objects(report, SH.result)]
