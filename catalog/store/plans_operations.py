"""The improvement plans' part of the store port (catalog.port.PlansPort), in Cypher: one
implementation both adapters inherit (ADR 0021, ADR 0027). The statements are those of
catalog.store.plans_cypher."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from catalog.port import StoredEndorsement
from catalog.store import plans_cypher as pc
from catalog.store.cycle_operations import event_params
from catalog.store.runner import Runner

if TYPE_CHECKING:
    from catalog.cycle.facts import CycleEvent


class PlansOperations(Runner):
    """catalog.port.PlansPort over any Cypher store."""

    def endorse_plan(self, agency: str, plan: str, endorsement: Mapping[str, Any],
                     event: CycleEvent) -> str | None:
        rows = self.write(pc.ENDORSE, {"agency": agency, "plan": plan,
                                       "endorsement": dict(endorsement), **event_params(event)})
        return str(rows[0]["iri"]) if rows else None

    def endorsements(self, plans: Sequence[str]) -> list[StoredEndorsement]:
        return [StoredEndorsement(r["plan"], r["iri"], r["fingerprint"], r["endorsed_on"],
                                  r["resolution"], r["by"])
                for r in self.read(pc.ENDORSEMENTS, {"plans": list(plans)})]

    def plan_parts(self, plan: str) -> list[str]:
        return [str(r["iri"]) for r in self.read(pc.PLAN_PARTS, {"plan": plan})]
