"""What a reader may see (ADR 0008): people with an account see the whole catalog;
other systems see what their read scopes allow; anyone without a token sees the public view.

- `read:all`: everything.
- `read:approved`: the organization (agencies, units, posts), laws, code lists, and duties,
  services and chains, those with a status only once approved (R-3.2, R-4.2, R-6.3).
- `read:public-data`: information systems and the datasets classified public (R-10.1).
- no token: the public view, `read:approved` and `read:public-data` together (R-16: results
  are disclosed; drafts, personal records and classified data are not).
Employees, data flows and the audit trail need `read:all`.
"""

from __future__ import annotations

from collections.abc import Iterable

from catalog.access.principals import Principal, Role
from catalog.graphmap import Node
from catalog.vocab import concept

APPROVED = concept("status", "approved")
PUBLIC = concept("classification", "public")

# Store label → the scope that shows it.
_SCOPE_OF = {
    "PublicOrganisation": "read:approved", "OrganizationalUnit": "read:approved",
    "Post": "read:approved", "LegalResource": "read:approved", "Concept": "read:approved",
    "ConceptScheme": "read:approved", "Duty": "read:approved", "PublicService": "read:approved",
    "ServiceChain": "read:approved", "ChainLink": "read:approved",
    "InformationSystem": "read:public-data", "Dataset": "read:public-data",
}
PUBLIC_SCOPES = frozenset({"read:approved", "read:public-data"})
# Never shown as a record (at its IRI, in lists): an evidence file is served with its media
# type only at /evidence/{sha256}, to readers of a plan that cites it (R-5.2, ADR 0029).
SERVED_APART = frozenset({"Evidence"})


def scopes_of(p: Principal | None) -> frozenset[str] | None:
    """The read scopes that bound `p`'s view; None: `p` sees everything."""
    if p is None:
        return PUBLIC_SCOPES
    if p.role is not Role.SYSTEM or "read:all" in p.scopes:
        return None
    return p.scopes


def visible(p: Principal | None, node: Node) -> bool:
    if node.label in SERVED_APART:
        return False
    scopes = scopes_of(p)
    if scopes is None:
        return True
    scope = _SCOPE_OF.get(node.label)
    if scope is None or scope not in scopes:
        return False
    status = node.rels.get("status")
    if status and APPROVED not in status:
        return False
    return node.label != "Dataset" or PUBLIC in node.rels.get("accessRights", ())


def kind_visible(p: Principal | None, labels: Iterable[str]) -> bool:
    """Whether records of this kind may be shown to `p` at all (whatever their status)."""
    scopes = scopes_of(p)
    return scopes is None or any(_SCOPE_OF.get(label) in scopes for label in labels)


def only_visible(p: Principal | None, nodes: Iterable[Node]) -> list[Node]:
    return [n for n in nodes if visible(p, n)]
