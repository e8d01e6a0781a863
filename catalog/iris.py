"""Minting stable IRIs under the configurable base (docs/model.md, "Namespaces")."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

from rdflib import URIRef

from catalog.text import normalize_fa

_PLAIN = re.compile(r"[A-Za-z0-9_.~-]+")  # what quote() keeps as it is


def _seg(value: str) -> str:
    # Most codes are plain ASCII: skip quote()'s work per character (a bulk load mints millions).
    return value if _PLAIN.fullmatch(value) else quote(value, safe="")


@dataclass(frozen=True)
class Iris:
    base: str

    def _mint(self, *segments: str) -> URIRef:
        return URIRef(self.base + "/".join(_seg(s) for s in segments))

    def pattern(self, pattern: str, values: dict[str, str]) -> URIRef:
        """An IRI by a kind's pattern (catalog.kind.Kind.iri): each `{column}` segment is the
        row's cell, an `AGENCY:ref` cell written `AGENCY.ref` as data-flow IRIs are."""
        return self._mint(*(
            values[seg[1:-1]].replace(":", ".") if seg.startswith("{") else seg
            for seg in pattern.split("/")))

    def agency(self, code: str) -> URIRef:
        return self._mint("agency", code)

    def agency_code(self, iri: str) -> str | None:
        """The code of an agency IRI (`agency(code)`), or None for any other IRI."""
        prefix = self.base + "agency/"
        if not iri.startswith(prefix) or "/" in iri[len(prefix):]:
            return None
        return unquote(iri[len(prefix):])

    def owned(self, kind: str, agency: str, ref: str) -> URIRef:
        """duty, service, system or dataset `ref` of `agency`."""
        return self._mint("agency", agency, kind, ref)

    def unit(self, unit_id: str) -> URIRef:
        return self._mint("unit", unit_id)

    def post(self, post_id: str) -> URIRef:
        return self._mint("post", post_id)

    def employee(self, employee_id: str) -> URIRef:
        return self._mint("employee", employee_id)

    def law(self, text: str) -> URIRef:
        # Same legal text, same node, whoever cites it: the hash is of the normalized text.
        digest = hashlib.sha1(normalize_fa(text).encode("utf-8")).hexdigest()[:16]
        return self._mint("law", digest)

    def agent(self, name: str) -> URIRef:
        """A person acting in the cycle (an approval's prov:agent); accounts come later."""
        return self._mint("agent", normalize_fa(name))

    def event(self, ref: str) -> URIRef:
        """A change event of the audit trail that is not one agency's (an import, an edit)."""
        return self._mint("event", ref)

    def chain(self, ref: str) -> URIRef:
        return self._mint("chain", ref)

    def chain_link(self, chain_ref: str, order: int) -> URIRef:
        return self._mint("chain", chain_ref, "link", str(order))

    def flow(
        self, source: tuple[str, str], target: tuple[str, str], dataset: tuple[str, str]
    ) -> URIRef:
        return self._mint("flow", *(f"{a}.{r}" for a, r in (source, target, dataset)))

    def qualified(self, kind: str, ref: str, default_agency: str | None = None) -> URIRef:
        """`AGENCY:ref` (or a bare `ref` of `default_agency`) to the IRI of that record."""
        agency, sep, local = ref.partition(":")
        if not sep:
            if default_agency is None:
                raise ValueError(f"{ref!r} needs its agency: AGENCY_CODE:ref")
            agency, local = default_agency, ref
        return self.owned(kind, agency, local)

    def path_of(self, iri: str) -> str | None:
        """The part of an IRI after the base, or None when the IRI is not govcat's."""
        return iri[len(self.base):] if iri.startswith(self.base) else None
