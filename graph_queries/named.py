"""Named queries for auditors (ADR 0004): one `.cypher` file each in `queries/`, whose header
comment block says its name, purpose, requirement (R-ID) and parameters. The header is the
contract: parameters are checked and converted from it before the store sees them, and values
always travel as Cypher parameters, never inside the text.

Header lines (each starts with `//`):
    // name: service-duties
    // purpose: first line
    //   continued (an indented line continues the field above)
    // requirement: R-4.1
    // param service: iri - what it is          (types below; `?` optional)
    // analysis: agency_cycles                 (optional: rows are handed to a Python analysis)
    // picture: because -> iri                  (optional: columns the SVG draws as arrows)
    // subgraph: yes                            (optional: the answer is a part of the graph, so
    //                                           it is also given as Turtle or JSON-LD)

Parameter types: `iri`; `iri-list` (several values, or one value with `;` between items);
`iri-pairs` (items `FROM->INTO`, e.g. the merges of an org-structure change); `string`; `int`;
`date` (Solar Hijri or ISO, passed on as ISO); `structure` (a proposed org structure: a file
the CLI or the API reads with the loaders, never a value in the text of a request).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from catalog.jalali import parse_date
from catalog.port import GraphStore, Row
from graph_queries.analyses import ANALYSES
from graph_queries.answer import Answer, QueryError
from graph_queries.structure import Structure, as_structure

__all__ = ["Answer", "NamedQuery", "Param", "QueryError", "catalog_of_queries", "convert",
           "from_pairs", "get", "listing", "run"]

QUERIES_DIR = Path(__file__).resolve().parent / "queries"
PARAM_TYPES = ("iri", "iri-list", "iri-pairs", "string", "int", "date", "structure")
# Words of the CLI and the API next to query names (`govcat query save`, `/queries/saved`).
RESERVED_NAMES = frozenset({"adhoc", "saved", "save", "run", "run-saved", "delete-saved",
                            "list"})
# Our own queries answer in milliseconds (bench/queries.py); this only stops a runaway one.
NAMED_TIMEOUT_MS = 60_000


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    optional: bool
    doc: str

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "optional": self.optional,
                "description": self.doc}


@dataclass(frozen=True)
class NamedQuery:
    name: str
    purpose: str
    requirement: str
    params: tuple[Param, ...]
    cypher: str
    analysis: str | None = None
    picture: tuple[tuple[str, str], ...] = ()
    subgraph: bool = False

    def header(self) -> dict[str, Any]:
        return {"name": self.name, "purpose": self.purpose, "requirement": self.requirement,
                "params": [p.as_dict() for p in self.params], "subgraph": self.subgraph}


def parse(text: str, source: str) -> NamedQuery:
    fields: dict[str, str] = {}
    params: list[Param] = []
    last: str | None = None
    body: list[str] = []
    for line in text.splitlines():
        if not line.startswith("//"):
            body.append(line)
            continue
        content = line[2:]
        if content.startswith("   ") and last is not None:  # continuation of the field above
            fields[last] += " " + content.strip()
            continue
        key, sep, value = content.strip().partition(":")
        if not sep:
            raise QueryError(f"{source}: header line without a field: {line!r}")
        if key.startswith("param "):
            params.append(_param(key[6:].strip(), value.strip(), source))
            last = None
            continue
        fields[key.strip()] = value.strip()
        last = key.strip()
    missing = {"name", "purpose", "requirement"} - set(fields)
    if missing:
        raise QueryError(f"{source}: header lacks {', '.join(sorted(missing))}")
    if fields["name"] in RESERVED_NAMES:
        raise QueryError(f"{source}: {fields['name']!r} is a reserved word, not a query name")
    subgraph = fields.get("subgraph", "no").lower()
    if subgraph not in ("yes", "no"):
        raise QueryError(f"{source}: subgraph is yes or no, not {subgraph!r}")
    return NamedQuery(fields["name"], fields["purpose"], fields["requirement"], tuple(params),
                      "\n".join(body).strip(), fields.get("analysis"),
                      _picture(fields.get("picture", ""), source), subgraph == "yes")


def _picture(spec: str, source: str) -> tuple[tuple[str, str], ...]:
    """`picture: a -> b, c -> d`: the column pairs the SVG draws as arrows."""
    pairs = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        a, sep, b = part.partition("->")
        if not sep:
            raise QueryError(f"{source}: picture wants `column -> column`, not {part!r}")
        pairs.append((a.strip(), b.strip()))
    return tuple(pairs)


def _param(name: str, spec: str, source: str) -> Param:
    kind, _, doc = spec.partition(" - ")
    kind = kind.strip()
    optional = kind.endswith("?")
    kind = kind.rstrip("?")
    if kind not in PARAM_TYPES:
        raise QueryError(f"{source}: parameter {name} has unknown type {kind!r}")
    return Param(name, kind, optional, doc.strip())


@cache
def catalog_of_queries(folder: Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    """Every named query of `folder`, by name (read once per process)."""
    found: dict[str, NamedQuery] = {}
    for path in sorted(folder.glob("*.cypher")):
        q = parse(path.read_text(encoding="utf-8"), path.name)
        if q.name in found:
            raise QueryError(f"{path.name}: a second query named {q.name}")
        if q.analysis is not None and q.analysis not in ANALYSES:
            raise QueryError(f"{path.name}: no analysis named {q.analysis}")
        found[q.name] = q
    return found


def get(name: str) -> NamedQuery:
    try:
        return catalog_of_queries()[name]
    except KeyError:
        raise QueryError(f"no query named {name!r}; see the list of queries") from None


def convert(query: NamedQuery, raw: Mapping[str, Any], base: str | None = None) -> dict[str, Any]:
    """The Cypher parameters of `query` from raw values (strings from a command line or a URL,
    or JSON values); an IRI without a scheme is taken relative to `base`."""
    known = {p.name for p in query.params}
    unknown = set(raw) - known
    if unknown:
        raise QueryError(f"{query.name} takes no parameter {', '.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    for p in query.params:
        value = raw.get(p.name)
        if value is None or value == "" or value == []:
            if not p.optional:
                raise QueryError(f"{query.name} needs the parameter {p.name} ({p.type})")
            out[p.name] = [] if p.type in ("iri-list", "iri-pairs") else None
            continue
        out[p.name] = _typed(p, value, base)
    return out


def _typed(p: Param, value: Any, base: str | None) -> Any:
    if p.type == "iri-list":
        return [_iri(v, base) for v in _items(value)]
    if p.type == "iri-pairs":
        return [_pair(p, v, base) for v in _items(value)]
    if p.type == "structure":
        try:
            return as_structure(value)
        except TypeError:
            raise QueryError(f"parameter {p.name} is a proposed structure: a workbook, a CSV "
                             "folder or a Turtle file (the request body over HTTP)") from None
    return _scalar(p, _one(p, value), base)


def _one(p: Param, value: Any) -> Any:
    """The one value of a single-valued parameter: a command line or a URL gives every value
    as a list."""
    if isinstance(value, list | tuple):
        if len(value) != 1:
            raise QueryError(f"parameter {p.name} takes one value")
        return value[0]
    return value


def _scalar(p: Param, value: Any, base: str | None) -> Any:
    if p.type == "int":
        try:
            return int(value)
        except (TypeError, ValueError):
            raise QueryError(f"parameter {p.name} must be an integer, not {value!r}") from None
    if p.type == "date":
        try:
            return parse_date(str(value)).isoformat()
        except ValueError as exc:
            raise QueryError(f"parameter {p.name}: {exc}") from None
    return _iri(str(value), base) if p.type == "iri" else str(value)


def _pair(p: Param, item: str, base: str | None) -> list[str]:
    """`FROM->INTO`: no IRI holds a `>`, so the first `->` is the separator."""
    a, sep, b = item.partition("->")
    if not sep or not a.strip() or not b.strip():
        raise QueryError(f"parameter {p.name} takes FROM->INTO items, not {item!r}")
    return [_iri(a.strip(), base), _iri(b.strip(), base)]


def _items(value: Any) -> list[str]:
    values = value if isinstance(value, list | tuple) else [value]
    return [part.strip() for v in values for part in str(v).split(";") if part.strip()]


def _iri(value: str, base: str | None) -> str:
    if "://" in value or base is None:
        return value
    return base + value.lstrip("/")


@dataclass(frozen=True)
class StoreRunner:
    """The query's Cypher on the store, read-only, within the named queries' time limit."""

    store: GraphStore
    cypher: str
    base: str | None = None

    def __call__(self, params: Mapping[str, Any]) -> list[Row]:
        return self.store.read(self.cypher, params, timeout_ms=NAMED_TIMEOUT_MS)


def run(store: GraphStore, name: str, raw: Mapping[str, Any],
        base: str | None = None) -> Answer:
    """Run a named query (or its analysis) on the store, read-only."""
    query = get(name)
    params = convert(query, raw, base)
    runner = StoreRunner(store, query.cypher, base)
    if query.analysis is not None:
        answer = ANALYSES[query.analysis](runner, params)
        answer.name = query.name
    else:
        rows = runner(params)
        answer = Answer(query.name, _columns(rows), rows)
    # a structure is a file's content: the answer names it by a summary, not its nodes
    answer.params = {k: v.summary() if isinstance(v, Structure) else v
                     for k, v in params.items()}
    answer.picture = query.picture
    answer.subgraph = query.subgraph
    return answer


def _columns(rows: Sequence[Row]) -> list[str]:
    return list(rows[0]) if rows else []


def from_pairs(pairs: Sequence[str]) -> dict[str, list[str]]:
    """`key=value` strings (a command line) as raw parameters; a repeated key gathers values."""
    raw: dict[str, list[str]] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"a parameter is written key=value, not {pair!r}")
        raw.setdefault(key.strip(), []).append(value)
    return raw


def listing() -> list[dict[str, Any]]:
    return [q.header() for q in catalog_of_queries().values()]
