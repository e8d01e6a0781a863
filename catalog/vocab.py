"""Namespaces of the vocabularies govcat reuses, and govcat's own (docs/model.md)."""

from __future__ import annotations

from pathlib import Path

from rdflib import Namespace
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SKOS,
    XSD,
    DefinedNamespace,
)

GC = Namespace("https://w3id.org/govcat/ns#")
CODE = "https://w3id.org/govcat/code/"
CV = Namespace("http://data.europa.eu/m8g/")
CPSV = Namespace("http://purl.org/vocab/cpsv#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ADMS = Namespace("http://www.w3.org/ns/adms#")

PREFIXES: dict[str, Namespace | type[DefinedNamespace]] = {
    "gc": GC,
    "cv": CV,
    "cpsv": CPSV,
    "eli": ELI,
    "adms": ADMS,
    "org": ORG,
    "dcat": DCAT,
    "dct": DCTERMS,
    "skos": SKOS,
    "prov": PROV,
    "foaf": FOAF,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
}

# ontology/ and shapes/ sit beside the Python packages at the project root; an installed
# wheel is not a supported layout (govcat runs from its checkout, see README).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = PROJECT_ROOT / "ontology"
SHAPES_DIR = PROJECT_ROOT / "shapes"


def concept(scheme: str, notation: str) -> str:
    """IRI of a code-list concept, e.g. concept("status", "approved")."""
    return f"{CODE}{scheme}/{notation}"


def local_name(iri: str) -> str:
    """An IRI's local name (after `#`, else after the last `/`): a class's store label."""
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rstrip("/").rsplit("/", 1)[-1]
