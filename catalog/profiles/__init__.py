"""Standard application-profile exports of the catalog (ADR 0006): DCAT-AP 3 (data
catalogs: datasets, distributions, data services) and CPSV-AP 3 (public services, their
organisation, legal basis and channels), per agency or national.

`to_profile` is a pure function of govcat's own graph (Registry.export); `export_profile`
reads that graph from a registry first. `validate_profile` checks an export against govcat's
SHACL shapes of the profile's mandatory properties (shapes/profiles/).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from rdflib import Graph

from catalog.iris import Iris
from catalog.profiles.common import Publisher, UnknownAgency
from catalog.profiles.cpsv_ap import to_cpsv_ap
from catalog.profiles.dcat_ap import to_dcat_ap
from catalog.vocab import SHAPES_DIR

if TYPE_CHECKING:
    from catalog.registry import Registry

Builder = Callable[[Graph, Iris, str | None, Publisher | None], Graph]

PROFILES: dict[str, Builder] = {"dcat-ap": to_dcat_ap, "cpsv-ap": to_cpsv_ap}
SHAPE_FILES = {"dcat-ap": "dcat-ap-3-mandatory.ttl", "cpsv-ap": "cpsv-ap-3-mandatory.ttl"}
PROFILE_DIR = SHAPES_DIR / "profiles"

__all__ = ["PROFILES", "Publisher", "UnknownAgency", "export_profile", "serialize_profile",
           "shapes_graph", "to_profile", "validate_profile"]


class UnknownProfile(ValueError):
    def __init__(self, profile: str) -> None:
        super().__init__(f"unknown profile {profile!r}; use {' or '.join(PROFILES)}")


def to_profile(g: Graph, profile: str, iris: Iris, agency: str | None = None,
               publisher: Publisher | None = None) -> Graph:
    """The `profile` export ("dcat-ap" or "cpsv-ap") of govcat's graph `g`: the catalog of one
    agency (its code) or the national one (None)."""
    if profile not in PROFILES:
        raise UnknownProfile(profile)
    return PROFILES[profile](g, iris, agency, publisher)


def export_profile(registry: Registry, profile: str, agency: str | None = None,
                   publisher: Publisher | None = None) -> Graph:
    """What the API and the CLI serve: read the catalog (or one agency's part) from the
    registry and map it to `profile`. Raises UnknownProfile, or UnknownAgency (a LookupError)
    when the agency is not in the catalog."""
    if profile not in PROFILES:
        raise UnknownProfile(profile)
    return to_profile(registry.export(agency), profile, registry.iris, agency, publisher)


@cache
def shapes_graph(profile: str) -> Graph:
    if profile not in SHAPE_FILES:
        raise UnknownProfile(profile)
    return Graph().parse(PROFILE_DIR / SHAPE_FILES[profile], format="turtle")


def validate_profile(g: Graph, profile: str) -> tuple[bool, Graph, str]:
    """(conforms, report graph, report text) of an export against the profile's shapes, with
    govcat's SHACL engine (GOVCAT_SHACL_ENGINE)."""
    from catalog.validation import engine

    conforms, report, text = engine()(g, shacl_graph=shapes_graph(profile), inference="none",
                                      advanced=True, allow_warnings=False)
    assert isinstance(report, Graph)
    return bool(conforms), report, str(text)


_PROFILE_PREFIXES = {
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "dcatap": "http://data.europa.eu/r5r/",
    "locn": "http://www.w3.org/ns/locn#",
}


def serialize_profile(g: Graph, fmt: str) -> str:
    """Turtle, N-Triples, RDF/XML, or JSON-LD compacted with govcat's shipped context (plus
    the prefixes the profiles add; nothing is fetched)."""
    from catalog.ontology import context
    from catalog.serialize import serialize

    if fmt != "jsonld":
        return serialize(g, fmt)
    ctx: dict[str, Any] = {**context(), **_PROFILE_PREFIXES}
    return g.serialize(format="json-ld", context=ctx, auto_compact=True, ensure_ascii=False,
                       indent=2)
