"""The Cypher of saved queries (ADR 0004): an auditor's own read-only Cypher kept under a name,
as nodes labelled `SavedQuery` (never `Resource`: store bookkeeping, like the ID counters, never
exported, counted or validated as catalog data). The auditors' Cypher itself is a value stored
here, never run by these statements."""

from __future__ import annotations

# Create the query `$name`, or, with `$replace`, overwrite it; no row when the name is taken and
# `$replace` is false. `created`: whether it is new.
SAVE = (
    "MERGE (q:SavedQuery {name: $name}) "
    "ON CREATE SET q.id = $id, q.author = $author, q.created = $now "
    "WITH q, q.id = $id AS created "
    "WHERE created OR $replace "
    "SET q.cypher = $cypher, q.description = $description, q.params = $params, "
    "q.timeoutMs = $timeout_ms, q.rowLimit = $row_limit, q.updated = $now, "
    "q.updatedBy = $author "
    "RETURN created"
)

# Every saved query (`$name` null) or the one named `$name`, by name.
LIST = (
    "MATCH (q:SavedQuery) "
    "WHERE $name IS NULL OR q.name = $name "
    "RETURN q.name AS name, q.description AS description, q.cypher AS cypher, "
    "q.params AS params, q.author AS author, q.created AS created, q.updated AS updated, "
    "q.updatedBy AS updated_by, q.timeoutMs AS timeout_ms, q.rowLimit AS row_limit "
    "ORDER BY name"
)

# Delete the query `$name`; a row when there was one.
DELETE = (
    "MATCH (q:SavedQuery {name: $name}) "
    "WITH q, q.name AS name "
    "DELETE q "
    "RETURN name"
)


def saved_statements() -> dict[str, str]:
    """The statements by name, for the grammar tests."""
    return {"save": SAVE, "list": LIST, "delete": DELETE}
