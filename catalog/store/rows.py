"""Turning a DESCRIBE answer into nodes: shared by both adapters."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from catalog.graphmap import Node
from catalog.ontology import RESOURCE_LABEL


def node_from_row(row: dict[str, Any]) -> Node:
    labels = [x for x in row["labels"] if x != RESOURCE_LABEL]
    props = {k: v for k, v in dict(row["props"]).items() if k != "iri"}
    rels: dict[str, list[str]] = defaultdict(list)
    for typ, target in row["rels"]:
        if typ is not None and target is not None:
            rels[typ].append(target)
    return Node(
        iri=row["iri"],
        label=labels[0] if labels else RESOURCE_LABEL,
        props=props,
        rels={k: tuple(sorted(v)) for k, v in rels.items()},
    )
