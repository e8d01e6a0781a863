"""The demo catalog loads cleanly on both stores, and what goes out as Turtle or JSON-LD comes
back in (through the RDF loader) as the same graph: RDF in, property graph inside, RDF out."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from catalog.registry import Registry
from catalog.serialize import serialize
from loaders.submission import read_submission

DEMO = Path(__file__).resolve().parent.parent / "demo" / "govcat-demo.xlsx"


@pytest.fixture
def demo_registry(registry: Registry) -> Registry:
    sub = read_submission(DEMO, registry)
    assert [str(p) for p in sub.problems] == []
    registry.apply_checked(sub.changeset)
    return registry


def test_demo_meets_its_brief(demo_registry: Registry) -> None:
    counts = demo_registry.counts()
    assert counts["PublicOrganisation"] >= 4
    assert counts["Duty"] >= 60
    assert counts["PublicService"] >= 80
    assert counts["ServiceChain"] == 3
    assert counts["DataFlow"] >= 15


@pytest.mark.parametrize(("fmt", "suffix"), [("ttl", ".ttl"), ("jsonld", ".jsonld")])
def test_export_reimports_as_the_same_graph(
    demo_registry: Registry, tmp_path: Path, fmt: str, suffix: str
) -> None:
    exported = demo_registry.export()
    path = tmp_path / f"catalog{suffix}"
    path.write_text(serialize(exported, fmt), encoding="utf-8")

    demo_registry.store.clear()
    demo_registry.store.setup()
    demo_registry.ensure_code_lists()
    sub = read_submission(path, demo_registry)
    assert [str(p) for p in sub.problems] == []
    demo_registry.apply_checked(sub.changeset)

    assert demo_registry.export().isomorphic(exported)


def test_agency_export_holds_only_that_agency(demo_registry: Registry) -> None:
    g = demo_registry.export("SABT")
    text = serialize(g, "ttl")
    assert "agency/SABT/service/" in text
    assert "agency/TAX/service/" not in text
    reparsed = Graph().parse(data=text, format="turtle")
    assert len(reparsed) == len(g)
