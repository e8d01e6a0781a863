"""The saved-queries part of the store port (catalog.port.SavedQueriesPort), in Cypher:
one implementation both adapters inherit (ADR 0004, ADR 0021). The statements are those of
catalog.store.saved_cypher; the declared parameters are stored as one JSON text."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from catalog.port import Row
from catalog.store import saved_cypher
from catalog.store.runner import Runner


class SavedQueriesOperations(Runner):
    """catalog.port.SavedQueriesPort over any Cypher store."""

    def save_query(self, name: str, *, cypher: str, description: str,
                   params: Sequence[Mapping[str, Any]], author: str, now: str,
                   timeout_ms: int | None, row_limit: int | None,
                   replace: bool) -> bool | None:
        rows = self.write(saved_cypher.SAVE, {
            "name": name, "id": str(uuid.uuid4()), "author": author, "now": now,
            "replace": replace, "cypher": cypher, "description": description,
            "params": json.dumps([dict(p) for p in params], ensure_ascii=False),
            "timeout_ms": timeout_ms, "row_limit": row_limit})
        return bool(rows[0]["created"]) if rows else None

    def saved_queries(self, name: str | None = None) -> list[Row]:
        return [{**r, "params": json.loads(r["params"] or "[]")}
                for r in self.read(saved_cypher.LIST, {"name": name})]

    def delete_saved_query(self, name: str) -> bool:
        return bool(self.write(saved_cypher.DELETE, {"name": name}))
