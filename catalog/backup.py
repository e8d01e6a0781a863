"""Backup and restore (ADR 0011): a consistent, self-describing snapshot of everything govcat
keeps, taken while writes go on, and its restore into an empty store of either kind.

**The archive** is a gzipped tar of four parts, the manifest first:

- `manifest.json`: format and version, the govcat version and commit that wrote it, the base
  IRI, the store kind, the time, the change number (gc:seq) it is consistent at, the head of
  the trail's hash chain at that number (`trail_head`: seq and hash, ADR 0017), counts per
  kind, and each other part's size and SHA-256.
- `catalog.nq`: N-Quads of every record, with the cycle's state and the audit trail (the
  graph of `Registry.export(trail=True)`); each record's triples in the named graph of its
  IRI, as the SPARQL endpoint holds them; lines sorted.
- `versions.jsonl`: the records' versions (`Version` nodes: record, seq, at, content), one JSON
  object a line, by seq.
- `side.json`: what is not RDF: the ID counters (`IdCounter`, with the commit counter
  `commits`), the credentials (accounts and API tokens, `Credential` nodes as stored: sealed
  with the server key, ADR 0016), saved queries, bare resources (IRIs records point at that
  have no class of their own, such as EU code IRIs), and `beyond_rdf`: the few stored values
  the RDF does not carry exactly (a property outside the ontology, such as a delete event's
  `deleted`; a one-item list), so a restore gives back the very nodes that were read. The
  backup computes them by reading its own N-Quads back, so the restore is exact by
  construction.

**Credentials** travel sealed, as stored: the manifest records the fingerprint of the key that
sealed them (`credentials_key`), and a restore under another key is refused before the store is
touched, since its accounts could not sign in. A backup of format 1 holds plain accounts and
token hashes: its restore seals them with this server's key.

**Consistency.** Everything is read from one snapshot of the store (`GraphStore.snapshot`):
on FalkorDB a copy of the graph the server makes at one moment (GRAPH.COPY); on Neo4j one
transaction that holds the commit counter's lock, which every numbered change takes last
before it commits. Either way the backup holds every change up to its `seq` whole and nothing
of any later one, while writes go on (on Neo4j numbered changes wait at their commit while the
backup reads). Writes without a change number (credentials, saved queries) are each whole.

**Restore** reads and checks the whole file first (format, checksums, parts, counts, base
IRI) and refuses a damaged or foreign file before the store is touched; it refuses a store
that holds anything but code lists unless forced. Then it writes everything in one atomic
store write (one Neo4j transaction, one FalkorDB MULTI/EXEC block), clearing the store first
in the same write, and checks the store holds what the backup holds. A failed restore leaves
the store as it was (Neo4j rolls back) or, when it cannot, empty (FalkorDB: a statement that
fails inside the block does not undo the others, so the store is cleared); never half.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from rdflib import Literal, URIRef
from rdflib.plugins.parsers.ntriples import W3CNTriplesParser

from catalog.access.accounts import sealed_from_plain
from catalog.access.credentials import KEY_ENV, KEY_FILE, Sealer
from catalog.graphmap import Node, node_from_pairs, node_triples
from catalog.iri_check import is_iri
from catalog.ontology import RESOURCE_LABEL, mapping
from catalog.port import GraphStore, StoreChange, StoreError
from catalog.registry import Registry
from catalog.store import credentials_cypher, cypher
from catalog.store.rows import node_from_row
from catalog.trail_chain import Head, TrailChain

FORMAT = "govcat-backup"
FORMAT_VERSION = 2  # 2: credentials sealed (ADR 0016); 1: plain accounts and token hashes
MANIFEST = "manifest.json"
CATALOG = "catalog.nq"
VERSIONS = "versions.jsonl"
SIDE = "side.json"
PARTS = {
    CATALOG: ("application/n-quads", "every record, the cycle's state and the audit trail: "
              "Registry.export(trail=True); each record in the named graph of its IRI; "
              "evidence files of progress reports with their bytes (gc:bytes, base64)"),
    VERSIONS: ("application/jsonl", "the records' versions (Version nodes), by seq"),
    SIDE: ("application/json", "ID counters (with the commit counter), credentials (accounts "
           "and API tokens, sealed), saved queries, bare resources, and stored values the RDF "
           "does not carry exactly (beyond_rdf)"),
}
CONSISTENCY = {
    "falkordb": "read from a copy of the graph the server made at one moment (GRAPH.COPY)",
    "neo4j": "read in one transaction holding the commit counter's lock, which every "
             "numbered change takes last before it commits",
}
# Nodes that are not records, by label: where side.json keeps them.
SIDE_LABELS = {"IdCounter": "counters", "Credential": "credentials",
               "SavedQuery": "saved_queries", "Version": "versions"}
# What a backup of format 1 holds instead of credentials: plain accounts, and token hashes each
# linked to its account.
PLAIN_LABELS = {"Account": "accounts", "ApiToken": "tokens"}
# A store holding only these is empty: govcat writes the code lists when it opens a store.
CODE_LIST_KINDS = frozenset({"Concept", "ConceptScheme", RESOURCE_LABEL})
TOKEN_LINK = "ApiToken-of->Account"  # format 1: a token to its account
CHUNK = 2000  # rows per restore statement
# Text per restore statement: evidence files (R-5.2, ADR 0029) hold megabytes each, which go
# in statements of at most about this much (a single larger node goes alone).
CHUNK_TEXT = 16 * 1024 * 1024
MANIFEST_MAX_BYTES = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot be done, said in en and fa: a refusal writes nothing;
    a restore that failed in the store says how it left it (as it was, or empty)."""

    def __init__(self, message_en: str, message_fa: str) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_fa = message_fa


class NotEmpty(BackupError):
    """The store holds data: a restore would replace it (restore --force)."""


def _damaged(why_en: str, why_fa: str) -> BackupError:
    return BackupError(f"the backup file is damaged: {why_en}; nothing was restored",
                       f"پروندهٔ پشتیبان آسیب دیده است: {why_fa}؛ چیزی بازگردانده نشد")


def _foreign(why_en: str, why_fa: str) -> BackupError:
    return BackupError(f"not a govcat backup: {why_en}; nothing was restored",
                       f"این پرونده پشتیبانِ govcat نیست: {why_fa}؛ چیزی بازگردانده نشد")


# -- reading the store ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Snapshot:
    """Everything one snapshot of the store held (GraphStore.snapshot)."""

    store: str
    seq: int  # the newest change number in it (0: none)
    nodes: list[Node]  # every Resource node: records, the cycle's state, the trail
    versions: list[dict[str, Any]]
    counters: list[dict[str, Any]]
    credentials: list[dict[str, Any]]  # Credential nodes as stored: key, owner, sealed
    saved_queries: list[dict[str, Any]]
    trail_head: Head | None = None  # the hash chain's head at `seq` (ADR 0017)


def read_snapshot(store: GraphStore) -> Snapshot:
    with store.snapshot() as snap:
        rows = snap.read(cypher.LAST_CHANGE, {"commit_counter": cypher.COMMITS_KEY})
        seq = int(rows[0]["seq"]) if rows else 0
        _check_known(snap)
        nodes = sorted((_record(r) for r in snap.read(cypher.BACKUP_RECORDS)),
                       key=lambda n: n.iri)
        # Accounts and tokens in one read: a token's account exists before the token does
        # and is never deleted, so every token read has its account.
        credentials = _props(snap.read(credentials_cypher.BACKUP_CREDENTIALS))
        counters = _props(snap.read(cypher.BACKUP_COUNTERS))
        saved = _props(snap.read(cypher.BACKUP_SAVED_QUERIES))
        versions = _props(snap.read(cypher.BACKUP_VERSIONS))
        head = TrailChain(snap).projected_head()  # the changes sealed since: hashed, unwritten
    keys = {c.get("key") for c in credentials}
    orphans = sum(1 for c in credentials if c.get("owner") and c["owner"] not in keys)
    if orphans:
        raise BackupError(f"{orphans} API token(s) belong to no account",
                          f"{orphans} توکن به هیچ حسابی تعلق ندارد")
    return Snapshot(store.name, seq, nodes, versions, counters, credentials, saved, head)


def _record(row: Mapping[str, Any]) -> Node:
    """A row of cypher.BACKUP_RECORDS as the node DESCRIBE would give (catalog.store.rows)."""
    pairs = [str(x).split(" ", 1) for x in row["rels"] if x]
    return node_from_row({**row, "rels": pairs})


def _check_known(snap: GraphStore) -> None:
    """Refuse a store holding nodes or relationships a backup would not carry (a label or a
    link that is neither a record of the ontology nor a side node listed here)."""
    classes = mapping().class_of
    for r in snap.read(cypher.STORE_LABELS):
        if _kind(r["labels"], classes) is None:
            labels = ":".join(r["labels"]) or "(none)"
            raise BackupError(
                f"the store holds {r['n']} node(s) labelled {labels}, which a backup does not "
                "know; nothing was written",
                f"انباره {r['n']} گره با برچسب {labels} دارد که پشتیبان آن را نمی‌شناسد؛ "
                "چیزی نوشته نشد")
    # No side node has a relationship: a token names its account by an HMAC (ADR 0016).
    for r in snap.read(cypher.SIDE_RELATIONSHIPS):
        link = _link(r)
        raise BackupError(
            f"the store holds {r['n']} relationship(s) {link}, which a backup does not "
            "know; nothing was written",
            f"انباره {r['n']} پیوند {link} دارد که پشتیبان آن را نمی‌شناسد؛ چیزی نوشته نشد")


def _kind(labels: Sequence[str], classes: Mapping[str, Any]) -> str | None:
    """A node's kind: its class (a record), Resource (a bare resource), a side label, or None
    for a node no backup carries."""
    ls = sorted(labels)
    if ls == [RESOURCE_LABEL]:
        return RESOURCE_LABEL
    if len(ls) == 2 and RESOURCE_LABEL in ls:
        other = next(x for x in ls if x != RESOURCE_LABEL)
        return other if other in classes else None
    if len(ls) == 1 and ls[0] in SIDE_LABELS:
        return ls[0]
    return None


def _link(row: Mapping[str, Any]) -> str:
    return f"{':'.join(row['source'])}-{row['type']}->{':'.join(row['target'])}"


def _plain(value: Any) -> Any:
    """A stored value as plain JSON types; anything else is refused (nothing govcat writes)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    raise BackupError(f"a stored value of type {type(value).__name__} cannot be backed up",
                      f"مقداری از نوع {type(value).__name__} در انباره پشتیبان‌پذیر نیست")


def _props(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [_plain(r["props"]) for r in rows]


# -- the archive --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Archive:
    """A backup read back and checked: what a restore writes."""

    manifest: dict[str, Any]
    nodes: list[Node]  # exactly the Resource nodes the backup read
    versions: list[dict[str, Any]]
    side: dict[str, Any]

    @property
    def seq(self) -> int:
        return int(self.manifest["seq"])


def backup(registry: Registry, out: IO[bytes], *, commit: str | None = None,
           now: datetime | None = None, sealer: Sealer | None = None) -> dict[str, Any]:
    """Write a backup of the store to `out` (a .tar.gz); returns its manifest. `sealer`: the
    server key's (default: this installation's), whose fingerprint the manifest records when
    the store holds credentials."""
    started = time.perf_counter()
    TrailChain(registry.store).seal()  # the head a copy held elsewhere can compare (ADR 0017)
    snap = read_snapshot(registry.store)
    key = (sealer or Sealer.from_settings()).fingerprint if snap.credentials else None
    parts, counts = _parts(snap)
    created = (now or datetime.now(UTC)).astimezone(UTC)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created": created.isoformat().replace("+00:00", "Z"),
        "govcat": {"version": govcat_version(), "commit": commit},
        "store": snap.store,
        "base_iri": registry.iris.base,
        "seq": snap.seq,
        "trail_head": snap.trail_head.as_dict() if snap.trail_head else None,
        "credentials_key": key,
        "consistency": CONSISTENCY.get(snap.store, "one snapshot of the store"),
        "counts": counts,
        "parts": {name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                         "media_type": PARTS[name][0], "holds": PARTS[name][1]}
                  for name, data in parts.items()},
        "seconds": round(time.perf_counter() - started, 3),
    }
    _write_tar(out, {MANIFEST: _json_bytes(manifest, indent=2), **parts}, created)
    return manifest


def govcat_version() -> str:
    try:
        return metadata.version("govcat")
    except metadata.PackageNotFoundError:
        return "unknown"


def _parts(snap: Snapshot) -> tuple[dict[str, bytes], dict[str, Any]]:
    classes = mapping().class_of
    objects = {t.name for t in mapping().terms.values() if t.is_object}
    # A record whose own IRI is not an IRI has no RDF (ADR 0025): kept as it is, like the
    # nodes that have no class.
    records = [n for n in snap.nodes if n.label in classes and is_iri(n.iri)]
    bare = [n for n in snap.nodes if n.label not in classes or not is_iri(n.iri)]
    for n in snap.nodes:
        strange = sorted(set(n.rels) - objects)
        if strange:
            raise BackupError(
                f"{n.iri} has relationship(s) {', '.join(strange)} outside the ontology",
                f"{n.iri} پیوند(هایی) بیرون از هستان‌شناسی دارد: {', '.join(strange)}")
    catalog = _nquads(records)
    parsed = {n.iri: n for n in _nodes_from_nquads(catalog)}
    beyond = _beyond_rdf(records, parsed)
    side = {
        "counters": snap.counters,
        "credentials": snap.credentials,
        "saved_queries": snap.saved_queries,
        "bare_resources": [_node_dict(n) for n in bare],
        "beyond_rdf": beyond,
    }
    versions = b"".join(_json_bytes(v) + b"\n" for v in snap.versions)
    exact = [_patched(parsed[n.iri], beyond.get(n.iri)) for n in records] + bare
    counts = expected_counts(exact, side, len(snap.versions))
    counts["quads"] = catalog.count(b"\n")
    counts["beyond_rdf"] = len(beyond)
    return {CATALOG: catalog, VERSIONS: versions, SIDE: _json_bytes(side, indent=1)}, counts


def _nquads(records: Sequence[Node]) -> bytes:
    """Each record's triples in the named graph of its IRI, one quad a line, sorted (so a
    record's lines are together). The triples are nodes_to_graph's, written as N-Quads here
    rather than through an rdflib Graph: 10x faster on a large catalog."""
    mp = mapping()
    lines = []
    for n in records:
        graph = f"<{n.iri}>"
        for _, p, o in node_triples(n, mp):
            lines.append(f"{graph} <{p}> {_term(o)} {graph} .")
    lines.sort()
    return "".join(line + "\n" for line in lines).encode("utf-8")


def _term(o: URIRef | Literal) -> str:
    if isinstance(o, URIRef):
        return f"<{o}>"
    text = (str(o).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r"))
    if o.language:
        return f'"{text}"@{o.language}'
    if o.datatype is not None:
        return f'"{text}"^^<{o.datatype}>'
    return f'"{text}"'


class _Triples:
    """A sink for rdflib's N-Triples parser: the triples in a list, no Graph."""

    def __init__(self) -> None:
        self.triples: list[tuple[Any, Any, Any]] = []

    def triple(self, s: Any, p: Any, o: Any) -> None:
        self.triples.append((s, p, o))


class _WholeLines:
    """N-Triples lines as the parser reads its file: each read gives whole lines, about
    LINES_READ characters, a longer line alone. rdflib reads 2048 characters at a time and
    matches its line again from the start after each: quadratic in the length of a line, which
    an evidence file's bytes make megabytes long (R-5.2, ADR 0029)."""

    encoding = "utf-8"

    def __init__(self, lines: Sequence[str]) -> None:
        self._lines = lines
        self._next = 0

    def read(self, size: int = -1) -> str:
        out: list[str] = []
        length = 0
        while self._next < len(self._lines) and (not out or length < LINES_READ):
            line = self._lines[self._next]
            if out and length + len(line) > LINES_READ:
                break
            out.append(line)
            length += len(line)
            self._next += 1
        return "".join(out)


LINES_READ = 2048


def _nodes_from_nquads(data: bytes) -> list[Node]:
    """The records of `catalog.nq`. Every quad must sit in the named graph of its subject
    (`<s> <p> o <s> .`): the graph label is the line's last term, so dropping it leaves an
    N-Triples line, read by rdflib's N-Triples parser; then each subject's pairs become its
    node as graph_to_nodes would make it."""
    triples = []
    for number, line in enumerate(data.decode("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        head, _, graph = line.rstrip().removesuffix(".").rstrip().rpartition(" ")
        if not graph.startswith("<") or not line.startswith(graph + " "):
            raise _foreign(f"line {number} of {CATALOG} is not in the named graph of its record",
                           f"سطر {number} از {CATALOG} در گراف نام‌دار رکورد خود نیست")
        triples.append(head + " .\n")
    sink = _Triples()
    W3CNTriplesParser(sink=sink).parse(_WholeLines(triples))  # type: ignore[arg-type]
    pairs: dict[URIRef, list[tuple[Any, Any]]] = defaultdict(list)
    for s, p, o in sink.triples:
        pairs[s].append((p, o))
    mp = mapping()
    return [node_from_pairs(s, pairs[s], mp) for s in sorted(pairs)]


def _canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _beyond_rdf(raw: Sequence[Node], parsed: Mapping[str, Node]) -> dict[str, Any]:
    """Per record, what its RDF does not give back exactly: properties (value, or dropped)
    and relationship types (targets, or dropped)."""
    out: dict[str, Any] = {}
    for n in raw:
        p = parsed.get(n.iri)
        if p is None or p.label != n.label:
            raise BackupError(f"{n.iri} does not survive its own RDF", f"{n.iri} در RDF خود "
                              "باز ساخته نمی‌شود")
        entry: dict[str, Any] = {}
        props = {k: _plain(v) for k, v in n.props.items()
                 if k not in p.props or _canon(p.props[k]) != _canon(_plain(v))}
        drop = sorted(k for k in p.props if k not in n.props)
        rels = {t: list(v) for t, v in n.rels.items() if tuple(p.rels.get(t, ())) != tuple(v)}
        drop_rels = sorted(t for t in p.rels if t not in n.rels)
        for key, value in (("props", props), ("drop", drop), ("rels", rels),
                           ("drop_rels", drop_rels)):
            if value:
                entry[key] = value
        if entry:
            out[n.iri] = entry
        if not same_node(_patched(p, entry), n):
            raise BackupError(f"{n.iri} would not be restored exactly",
                              f"{n.iri} دقیقاً بازگردانده نمی‌شود")
    return out


def _patched(n: Node, extra: Mapping[str, Any] | None) -> Node:
    if not extra:
        return n
    props = {k: v for k, v in n.props.items() if k not in extra.get("drop", ())}
    props.update(extra.get("props", {}))
    rels = {k: v for k, v in n.rels.items() if k not in extra.get("drop_rels", ())}
    rels.update({k: tuple(v) for k, v in extra.get("rels", {}).items()})
    return replace(n, props=props, rels=rels)


def same_node(a: Node, b: Node) -> bool:
    """Equal as stored: the same label, properties (types too: 1 is not true) and
    relationships (with multiplicity)."""
    return _canon(_node_dict(a)) == _canon(_node_dict(b))


def _node_dict(n: Node) -> dict[str, Any]:
    return {"iri": n.iri, "label": n.label, "props": _plain(n.props),
            "rels": {k: sorted(v) for k, v in n.rels.items()}}


def _node_of(d: Mapping[str, Any]) -> Node:
    return Node(str(d["iri"]), str(d.get("label") or RESOURCE_LABEL), dict(d.get("props") or {}),
                {str(k): tuple(v) for k, v in (d.get("rels") or {}).items()})


def expected_counts(nodes: Sequence[Node], side: Mapping[str, Any],
                    versions: int) -> dict[str, Any]:
    """What a store holding this backup holds: nodes by kind, relationships between records,
    and the side links (a token to its account). Zero counts are left out."""
    kinds: Counter[str] = Counter(n.label for n in nodes)
    kinds.update({label: len(side.get(key, ())) for label, key in
                  {**SIDE_LABELS, **PLAIN_LABELS}.items() if key != "versions"})
    kinds["Version"] += versions
    tokens = len(side.get("tokens", ()))
    return {"nodes": {k: v for k, v in sorted(kinds.items()) if v},
            "relationships": sum(len(v) for n in nodes for v in n.rels.values()),
            "side_relationships": {TOKEN_LINK: tokens} if tokens else {}}


def store_counts(store: GraphStore) -> dict[str, Any]:
    """The same counts, read from a store (not a snapshot: for a store nobody writes to)."""
    classes = mapping().class_of
    kinds: Counter[str] = Counter()
    for r in store.read(cypher.STORE_LABELS):
        kinds[_kind(r["labels"], classes) or ":".join(sorted(r["labels"]))] += int(r["n"])
    [rels] = store.read(cypher.COUNT_RELATIONSHIPS)
    side = {_link(r): int(r["n"]) for r in store.read(cypher.SIDE_RELATIONSHIPS)}
    return {"nodes": {k: v for k, v in sorted(kinds.items()) if v},
            "relationships": int(rels["n"]), "side_relationships": side}


def _json_bytes(value: Any, indent: int | None = None) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=indent,
                      separators=None if indent else (",", ":")).encode("utf-8")


def _write_tar(out: IO[bytes], files: Mapping[str, bytes], when: datetime) -> None:
    stamp = int(when.timestamp())
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=stamp, compresslevel=6) as gz, \
            tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in files.items():  # the manifest first
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = stamp
            info.mode = 0o600  # the operator's only, as the store is
            tar.addfile(info, io.BytesIO(data))


# -- reading a backup back -----------------------------------------------------------------

def read_archive(source: Path | IO[bytes]) -> Archive:
    """Read a backup and check all of it: format, every part's size and SHA-256, that its
    parts parse and its counts agree with its manifest. BackupError (en, fa) otherwise."""
    files = _read_tar(source)
    manifest = _manifest(files.pop(MANIFEST, None))
    declared = manifest["parts"]
    for name in PARTS:
        if name not in files:
            raise _damaged(f"part {name} is missing", f"بخش {name} در آن نیست")
        data = files[name]
        if len(data) != declared[name].get("bytes") or \
                hashlib.sha256(data).hexdigest() != declared[name].get("sha256"):
            raise _damaged(f"part {name} does not match its SHA-256 in the manifest",
                           f"چکیدهٔ SHA-256 بخش {name} با فهرست پشتیبان نمی‌خواند")
    try:
        parsed = {n.iri: n for n in _nodes_from_nquads(files[CATALOG])}
        side = json.loads(files[SIDE])
        versions = [json.loads(line) for line in files[VERSIONS].splitlines() if line.strip()]
        beyond = side["beyond_rdf"]
        nodes = [_patched(n, beyond.get(iri)) for iri, n in parsed.items()]
        nodes += [_node_of(d) for d in side["bare_resources"]]
        sealed = int(manifest["format_version"]) >= 2
        for key in ("counters", "saved_queries",
                    *(("credentials",) if sealed else PLAIN_LABELS.values())):
            if not isinstance(side[key], list):
                raise ValueError(key)
    except BackupError:
        raise
    except Exception as exc:  # untrusted input: whatever a parser raises means "not ours"
        raise _foreign(f"its parts do not read as govcat's ({exc})",
                       f"بخش‌های آن به قالب govcat خوانده نمی‌شوند ({exc})") from exc
    _check_names(nodes)
    counts = expected_counts(nodes, side, len(versions))
    claimed = {k: manifest["counts"].get(k) for k in counts}
    if _canon(claimed) != _canon(counts):
        raise _damaged("its contents do not add up to the counts in its manifest",
                       "شمار محتوای آن با شمارهای فهرست پشتیبان نمی‌خواند")
    return Archive(manifest, nodes, versions, side)


def _read_tar(source: Path | IO[bytes]) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    try:
        with (tarfile.open(source, mode="r:gz") if isinstance(source, Path)
              else tarfile.open(fileobj=source, mode="r:gz")) as tar:
            declared: dict[str, Any] | None = None
            for member in tar:
                declared = _check_member(member, files, declared, tar)
                files[member.name] = _member(tar, member)
    except BackupError:
        raise
    except FileNotFoundError:
        raise
    except (tarfile.TarError, EOFError, OSError) as exc:  # gzip and zlib errors included
        raise _damaged(f"it cannot be read as a .tar.gz ({exc})",
                       f"به صورت ‎.tar.gz‎ خوانده نمی‌شود ({exc})") from exc
    if MANIFEST not in files:
        raise _foreign("it has no manifest.json", "manifest.json ندارد")
    return files


def _check_member(member: tarfile.TarInfo, files: Mapping[str, bytes],
                  declared: dict[str, Any] | None,
                  tar: tarfile.TarFile) -> dict[str, Any] | None:
    """Refuse a member that is not a part, a repeated one, or one before the manifest or of
    another size than the manifest gives; returns the parts the manifest declares (once it is
    read: the manifest comes first)."""
    name = member.name
    if not member.isfile() or name in files or name not in (MANIFEST, *PARTS):
        raise _foreign(f"it holds {name!r}", f"«{name}» در آن است")
    if name == MANIFEST:
        if member.size > MANIFEST_MAX_BYTES:
            raise _foreign("its manifest is too large", "فهرست آن بیش از اندازه است")
        parts: dict[str, Any] = _manifest(_member(tar, member))["parts"]
        return parts
    if declared is None:
        raise _foreign("its manifest does not come first", "فهرست پشتیبان نخستین بخش آن نیست")
    if member.size != declared.get(name, {}).get("bytes"):
        raise _damaged(f"part {name} does not have the size its manifest gives",
                       f"اندازهٔ بخش {name} با فهرست پشتیبان نمی‌خواند")
    return declared


def _member(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    f = tar.extractfile(member)
    if f is None:
        raise _foreign(f"{member.name} is not a file", f"{member.name} پرونده نیست")
    return f.read()


def _manifest(data: bytes | None) -> dict[str, Any]:
    if data is None:
        raise _foreign("it has no manifest.json", "manifest.json ندارد")
    try:
        manifest = json.loads(data)
    except ValueError as exc:
        raise _damaged("its manifest is not JSON", "فهرست آن JSON نیست") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _foreign("its manifest names another format",
                       "فهرست آن قالب دیگری را نام می‌برد")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(
            f"this backup is of format version {version}, newer than this govcat reads "
            f"({FORMAT_VERSION}); restore it with a newer govcat",
            f"قالب این پشتیبان (نسخهٔ {version}) از آنچه این govcat می‌خواند "
            f"({FORMAT_VERSION}) تازه‌تر است؛ با govcat تازه‌تری بازگردانید")
    for key in ("parts", "counts", "base_iri", "seq"):
        if key not in manifest:
            raise _foreign(f"its manifest lacks {key!r}", f"فهرست آن «{key}» ندارد")
    parts = manifest["parts"]
    if not isinstance(parts, dict) or set(parts) != set(PARTS):
        raise _foreign("its manifest lists other parts", "فهرست آن بخش‌های دیگری دارد")
    return manifest


def _check_names(nodes: Sequence[Node]) -> None:
    """Labels and relationship types a restore puts into its statements: the ontology's."""
    mp = mapping()
    objects = {t.name for t in mp.terms.values() if t.is_object}
    for n in nodes:
        if (n.label != RESOURCE_LABEL and n.label not in mp.class_of) or set(n.rels) - objects:
            raise _foreign(f"{n.iri} is not of govcat's ontology",
                           f"{n.iri} از هستان‌شناسی govcat نیست")


# -- restore --------------------------------------------------------------------------------

def is_empty(store: GraphStore) -> bool:
    """Nothing in the store but the code lists govcat writes when it opens one."""
    return set(store_counts(store)["nodes"]) <= CODE_LIST_KINDS


def restore(registry: Registry, archive: Archive, *, force: bool = False,
            sealer: Sealer | None = None) -> None:
    """Bring the store to exactly the state of `archive` (read_archive), in one atomic write
    that first clears it. Refuses (NotEmpty) a store with anything but code lists unless
    `force`; a backup of another base IRI, or with credentials sealed by another server key
    than `sealer`'s (default: this installation's), always."""
    base = str(archive.manifest["base_iri"])
    if base != registry.iris.base:
        raise BackupError(
            f"this backup is of base IRI {base}, this govcat's is {registry.iris.base}: its "
            f"IRIs would not resolve here; set GOVCAT_BASE_IRI={base}",
            f"نشانی پایهٔ این پشتیبان {base} است و نشانی پایهٔ این govcat "
            f"{registry.iris.base}؛ GOVCAT_BASE_IRI={base} را تنظیم کنید")
    archive = _with_sealed_credentials(archive, sealer)
    store = registry.store
    store.setup()
    before = store_counts(store)
    if not force and not set(before["nodes"]) <= CODE_LIST_KINDS:
        held = sum(v for k, v in before["nodes"].items() if k not in CODE_LIST_KINDS)
        raise NotEmpty(
            f"the store is not empty ({held} node(s) besides the code lists); "
            "restore --force replaces everything in it",
            f"انباره خالی نیست ({held} گره افزون بر فهرست‌های کد)؛ "
            "restore --force همهٔ آن را جایگزین می‌کند")
    expected = expected_counts(archive.nodes, archive.side, len(archive.versions))
    try:
        store.apply(StoreChange((), after=restore_statements(archive)))
        found = store_counts(store)
        if _canon(found) != _canon(expected):
            raise StoreError(f"the store holds {found}, the backup {expected}")
    except StoreError as exc:
        left = _after_failure(store, before)
        raise BackupError(f"the restore failed ({exc}); the store was left {left[0]}",
                          f"بازگردانی انجام نشد ({exc})؛ انباره {left[1]} ماند") from exc


def _with_sealed_credentials(archive: Archive, sealer: Sealer | None) -> Archive:
    """The archive with its credentials as this server's key opens them (ADR 0016): sealed ones
    only if sealed with the same key (else BackupError: its accounts could not sign in); plain
    ones (format 1) sealed now."""
    side = archive.side
    plain = any(key in side for key in PLAIN_LABELS.values())
    if not side.get("credentials") and not plain:
        return archive
    sealer = sealer or Sealer.from_settings()
    if plain:
        accounts = side.get("accounts") or []
        tokens = [(t["props"], t["account"]) for t in side.get("tokens") or []]
        rest = {k: v for k, v in side.items() if k not in PLAIN_LABELS.values()}
        return replace(archive, side={
            **rest, "credentials": sealed_from_plain(sealer, accounts, tokens)})
    theirs = archive.manifest.get("credentials_key")
    if theirs != sealer.fingerprint:
        raise BackupError(
            f"this backup's accounts and tokens are sealed with another server key (fingerprint "
            f"{theirs}; this server's is {sealer.fingerprint}): restored, none could sign in. "
            f"Restore with the key of the installation that took it ({KEY_ENV}, or "
            f"{KEY_FILE} in its data directory); nothing was restored (ADR 0016)",
            f"حساب‌ها و توکن‌های این پشتیبان با کلید کارساز دیگری مهر شده‌اند (اثر انگشت "
            f"{theirs}؛ اثر انگشت کلید این کارساز {sealer.fingerprint}) و پس از بازگردانی "
            f"هیچ‌یک وارد نمی‌شد. با کلید همان نصبی که پشتیبان را گرفته بازگردانید ({KEY_ENV} "
            f"یا {KEY_FILE} در پوشهٔ دادهٔ آن)؛ چیزی بازگردانده نشد")
    return archive


def _after_failure(store: GraphStore, before: Mapping[str, Any]) -> tuple[str, str]:
    try:
        if _canon(store_counts(store)) == _canon(before):
            return "as it was", "همان‌گونه که بود"
        store.clear()
        return "empty", "خالی"
    except StoreError:
        return "unreachable: check it", "دسترس‌ناپذیر؛ آن را بررسی کنید"


def restore_statements(archive: Archive) -> list[tuple[str, dict[str, Any]]]:
    """Clear, then create every node, relationship and side node of the backup: the records
    by label, their relationships by type (CHUNK rows a statement), the side nodes, the
    versions."""
    statements: list[tuple[str, dict[str, Any]]] = [(cypher.DELETE_ALL, {})]
    by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_type: dict[str, list[dict[str, str]]] = defaultdict(list)
    for n in archive.nodes:
        by_label[n.label].append({**n.props, "iri": n.iri})
        for typ, targets in n.rels.items():
            by_type[typ].extend({"s": n.iri, "o": t} for t in targets)
    for label in sorted(by_label):
        query = cypher.restore_nodes_statement(None if label == RESOURCE_LABEL else label)
        statements += _chunked(query, by_label[label], CHUNK_TEXT)
    for typ in sorted(by_type):
        statements += _chunked(cypher.restore_relationships_statement(typ), by_type[typ])
    side = archive.side
    statements.append((cypher.RESTORE_SIDE, {
        key: side[key] for key in ("counters", "saved_queries")}))
    credentials = [{k: v for k, v in c.items() if v is not None} for c in side["credentials"]]
    statements += _chunked(credentials_cypher.RESTORE_CREDENTIALS, credentials)
    statements += _chunked(cypher.RESTORE_VERSIONS, archive.versions)
    return statements


def _chunked(query: str, rows: Sequence[Any],
             text: int | None = None) -> list[tuple[str, dict[str, Any]]]:
    """Statements of `query` over `rows`, CHUNK rows each, and, with `text`, at most about
    that many characters of text values each."""
    if text is None:
        return [(query, {"rows": list(rows[i:i + CHUNK])}) for i in range(0, len(rows), CHUNK)]
    out: list[tuple[str, dict[str, Any]]] = []
    part: list[Any] = []
    size = 0
    for row in rows:
        weight = sum(len(v) for v in row.values() if isinstance(v, str))
        if part and (len(part) >= CHUNK or size + weight > text):
            out.append((query, {"rows": part}))
            part, size = [], 0
        part.append(row)
        size += weight
    if part:
        out.append((query, {"rows": part}))
    return out
