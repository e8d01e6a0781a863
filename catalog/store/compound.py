"""Several write statements as one, for a store whose transaction is one statement (FalkorDB
runs each GRAPH.QUERY alone and undoes the whole of it on an error, but a MULTI/EXEC block
keeps what ran before a failing statement; ADR 0002).

`compose(guard, then)` nests each statement in a CALL subquery, the guard first: when it
returns no row, nothing after it runs (a compare-and-set that found the state changed); each
later statement runs once whatever it returns (a clock already running starts nothing). Each
statement's parameters are renamed apart (`$agency` of the second becomes `$s1_agency`), so
statements written alone keep their own names. Used by FalkorStore.write; Neo4j runs the same
statements one after another in one transaction instead (ADR 0019).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from catalog.store.runner import Statement

_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def compose(guard: Statement, then: Sequence[Statement]) -> tuple[str, dict[str, Any]]:
    """One statement: `guard`, then, if it returned a row, every statement of `then` in order.
    It returns one row, `guarded` (the guard's row count), or none when the guard had none."""
    parts = [f"CALL {{ {_renamed(guard[0], 0)} }}", "WITH count(*) AS guarded WHERE guarded > 0"]
    params = _params(guard[1], 0)
    for i, (query, values) in enumerate(then, start=1):
        parts.append(f"CALL {{ CALL {{ {_renamed(query, i)} }} RETURN count(*) AS done_{i} }}")
        params.update(_params(values, i))
    parts.append("RETURN guarded")
    return "\n".join(parts), params


def _renamed(query: str, index: int) -> str:
    if _PARAMETER.search(" ".join(_QUOTED.findall(query))):
        raise ValueError("a statement with '$' inside a quoted string cannot be composed")
    return _PARAMETER.sub(lambda m: f"$s{index}_{m.group(1)}", query)


def _params(values: Mapping[str, Any], index: int) -> dict[str, Any]:
    return {f"s{index}_{k}": v for k, v in values.items()}


def compound_statements() -> dict[str, str]:
    """The composites govcat writes (a transition with the clocks it starts and stops,
    catalog.cycle), for tests/test_cypher_grammar.py."""
    from catalog.store import cypher
    from catalog.store import obligations_cypher as oc

    clocks: list[Statement] = [(cypher.START_CLOCKS, {}), (oc.START_CLOCK, {}),
                               (oc.STOP_CLOCKS, {})]
    return {"transition-with-clocks": compose((cypher.TRANSITION, {}), clocks)[0]}
