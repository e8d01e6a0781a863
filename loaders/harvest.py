"""Harvesting another registry's catalog over HTTP (ADR 0026): its DCAT-AP or CPSV-AP RDF (or
govcat's own, or an LDES of any of them), page by page, mapped and checked exactly as a file
given to `govcat import` is (loaders.standard, ADR 0023), then stored in one atomic write by
the caller.

Incremental: each page's ETag and Last-Modified are kept per source with the page's body
(HarvestState, in the data directory), and asked again with If-None-Match / If-Modified-Since;
a 304 is read from the kept body. When no page changed, nothing is mapped or stored. When one
did, the catalog is mapped whole (changed pages as fetched, the others as kept), so a harvest
gives the same records whichever pages changed, and records equal to their stored version are
not rewritten (catalog.registry). The state is written only after the store write succeeded
(`HarvestState.commit`): a lost state costs one full fetch, never a missed change.

Input from outside (ADR 0011): http and https only; a redirect may not change the scheme (an
https source is never read over http) and at most MAX_REDIRECTS are followed; pages are
followed only on the source's own origin (scheme, host, port), so a catalog cannot point the
harvester at other hosts; each body is cut off at `Limits.max_bytes` (Content-Length is
checked first, then the bytes as they arrive), the whole harvest at `max_total_bytes`,
`max_pages` and `deadline` seconds, each request at `timeout`; only Turtle, N-Triples and
JSON-LD are read (never RDF/XML), JSON-LD with govcat's own context only (a remote context is
refused, never fetched, loaders.rdf_files).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import Message
from http.client import HTTPMessage
from pathlib import Path
from typing import IO, Any
from urllib.parse import urljoin, urlsplit

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.exceptions import Error as RdflibError
from rdflib.namespace import DCTERMS, PROV, RDF

from catalog.changeset import ChangeSet
from catalog.iris import Iris
from catalog.problems import Problem
from catalog.registry import Registry
from catalog.vocab import GC
from loaders.rdf_files import RdfInputError, local_jsonld, own_contexts
from loaders.standard import StandardImport, import_graph

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
TREE = Namespace("https://w3id.org/tree#")
LDES = Namespace("https://w3id.org/ldes#")
AS = Namespace("https://www.w3.org/ns/activitystreams#")
# A member that says its record is gone: Activity Streams' Delete or Tombstone, under the
# namespace AS2 gives and the http one some publishers (Flanders' LPDC) write.
_AS_HTTP = Namespace("http://www.w3.org/ns/activitystreams#")
_TOMBSTONES = (AS.Delete, AS.Tombstone, _AS_HTTP.Delete, _AS_HTTP.Tombstone)

# Media types read, and rdflib's name for each; RDF/XML is read nowhere (ADR 0011).
FORMATS = {"text/turtle": "turtle", "application/x-turtle": "turtle",
           "application/n-triples": "nt", "application/ld+json": "json-ld",
           "application/json": "json-ld"}
ACCEPT = ("text/turtle, application/ld+json;q=0.9, application/n-triples;q=0.8, "
          "application/json;q=0.5")
MAX_REDIRECTS = 5
AGENT = "govcat-harvest/1 (+https://w3id.org/govcat)"


@dataclass(frozen=True)
class Limits:
    """What one harvest may take (ADR 0011)."""

    max_bytes: int = 50 * 2**20  # one page's body
    max_total_bytes: int = 256 * 2**20  # every page fetched in one harvest
    max_pages: int = 1000
    timeout: float = 30.0  # seconds, each request (connect, each read)
    deadline: float = 900.0  # seconds, the whole harvest


class HarvestError(Exception):
    """The source could not be harvested (nothing was stored, the state is unchanged)."""

    def __init__(self, en: str, fa: str) -> None:
        super().__init__(en)
        self.message_en = en
        self.message_fa = fa


# -- the state: validators and bodies per page, per source --------------------------------------

@dataclass
class PageState:
    url: str
    fmt: str
    etag: str | None
    last_modified: str | None
    next: list[str]
    body_file: str
    base: str = ""  # the URL it was read from after redirects, when not `url`


class HarvestState:
    """What earlier harvests of each source left: per page its validators, the pages it links
    to, and its body (kept, to be read again on a 304). One folder per source under `root`
    (the data directory's `harvest/`), its `state.json` replaced atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _dir(self, source: str) -> Path:
        return self.root / hashlib.sha256(source.encode("utf-8")).hexdigest()[:24]

    def pages(self, source: str) -> dict[str, PageState]:
        path = self._dir(source) / "state.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if raw.get("source") != source:
            return {}
        return {p["url"]: PageState(**p) for p in raw.get("pages", [])}

    def body(self, source: str, page: PageState) -> bytes | None:
        try:
            return (self._dir(source) / page.body_file).read_bytes()
        except OSError:
            return None

    def commit(self, source: str, fetched: Iterable[Fetched]) -> None:
        """Keep what this harvest read, once its records are stored; bodies of pages no longer
        linked are removed."""
        folder = self._dir(source)
        folder.mkdir(parents=True, exist_ok=True)
        pages = []
        for f in fetched:
            name = hashlib.sha256(f.url.encode("utf-8")).hexdigest()[:24] + ".body"
            if f.changed:
                _write_atomic(folder / name, f.body)
            pages.append(PageState(f.url, f.fmt, f.etag, f.last_modified, f.next, name,
                                   f.base).__dict__)
        _write_atomic(folder / "state.json", json.dumps(
            {"source": source, "harvested": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
             "pages": pages}, ensure_ascii=False, indent=1).encode("utf-8"))
        kept = {p["body_file"] for p in pages} | {"state.json"}
        for old in folder.iterdir():
            if old.name not in kept and not old.name.endswith(".tmp"):
                old.unlink(missing_ok=True)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# -- fetching -----------------------------------------------------------------------------------

@dataclass
class Fetched:
    """One page of a harvest: fetched anew (`changed`) or read from the state after a 304."""

    url: str
    changed: bool
    body: bytes
    fmt: str
    etag: str | None
    last_modified: str | None
    graph: Graph
    next: list[str] = field(default_factory=list)
    base: str = ""  # the URL it was read from after redirects, when not `url`


@dataclass
class Harvest:
    """What a harvest read: its pages, and (when any changed) the mapped change set and report
    (`mapped`, loaders.standard's StandardImport); None: nothing changed, nothing to store."""

    source: str
    pages: list[Fetched]
    mapped: StandardImport | None = None

    @property
    def fetched(self) -> list[str]:
        return [p.url for p in self.pages if p.changed]

    @property
    def not_modified(self) -> list[str]:
        return [p.url for p in self.pages if not p.changed]


class _SameScheme(urllib.request.HTTPRedirectHandler):
    """Redirects only to the scheme asked for, at most MAX_REDIRECTS (ADR 0011)."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: HTTPMessage, newurl: str) -> urllib.request.Request | None:
        if urlsplit(newurl).scheme != urlsplit(req.full_url).scheme:
            raise HarvestError(
                f"{req.full_url} redirects to another scheme ({newurl}): refused",
                f"نشانی {req.full_url} به طرح دیگری ({newurl}) هدایت می‌کند؛ پذیرفته نشد")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_SameScheme)


@dataclass
class _Budget:
    limits: Limits
    started: float = field(default_factory=time.monotonic)
    total: int = 0

    def left(self) -> float:
        left = self.limits.deadline - (time.monotonic() - self.started)
        if left <= 0:
            raise HarvestError(
                f"the harvest took longer than {self.limits.deadline:.0f} s: stopped",
                f"برداشت بیش از {self.limits.deadline:.0f} ثانیه طول کشید و متوقف شد")
        return left


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise HarvestError(f"{url!r} is not an http or https URL",
                           f"«{url}» نشانی http یا https نیست")


def _get(url: str, known: PageState | None, budget: _Budget,
         token: str | None = None) -> tuple[int, bytes, str, Message, str]:
    """GET `url`, conditional on `known`'s validators: (status, body, format, headers, the
    URL read after redirects).
    `token` is sent as a bearer token to this URL only, never along a redirect."""
    headers = {"Accept": ACCEPT, "User-Agent": AGENT}
    if known is not None:
        if known.etag:
            headers["If-None-Match"] = known.etag
        if known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
    req = urllib.request.Request(url, headers=headers)
    if token:
        req.add_unredirected_header("Authorization", f"Bearer {token}")
    try:
        resp = _OPENER.open(req, timeout=min(budget.limits.timeout, budget.left()))
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return 304, b"", "", exc.headers, url
        raise HarvestError(f"{url} answered HTTP {exc.code}",
                           f"نشانی {url} با کد HTTP {exc.code} پاسخ داد") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise HarvestError(f"{url} cannot be read: {exc}",
                           f"نشانی {url} خوانده نشد: {exc}") from None
    with resp:
        if urlsplit(resp.geturl()).scheme != urlsplit(url).scheme:
            raise HarvestError(f"{url} redirects to another scheme: refused",
                               f"نشانی {url} به طرح دیگری هدایت می‌کند؛ پذیرفته نشد")
        media = (resp.headers.get_content_type() or "").lower()
        fmt = FORMATS.get(media)
        if fmt is None:
            raise HarvestError(
                f"{url} is {media or 'of no content type'}, not Turtle, N-Triples or JSON-LD",
                f"نشانی {url} از نوع {media or 'نامعلوم'} است، نه Turtle، N-Triples یا JSON-LD")
        return resp.status, _read(resp, url, budget), fmt, resp.headers, resp.geturl()


def _read(resp: Any, url: str, budget: _Budget) -> bytes:
    limit = budget.limits.max_bytes
    declared = resp.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _too_big(url, limit)
    chunks, size = [], 0
    # read1: what one receive brings, so the deadline is checked however slowly bytes come
    while chunk := resp.read1(64 * 1024):
        size += len(chunk)
        budget.total += len(chunk)
        if size > limit:
            raise _too_big(url, limit)
        if budget.total > budget.limits.max_total_bytes:
            raise _too_big("the harvest", budget.limits.max_total_bytes)
        budget.left()
        chunks.append(chunk)
    return b"".join(chunks)


def _too_big(what: str, limit: int) -> HarvestError:
    return HarvestError(f"{what} is larger than {limit:,} bytes: refused",
                        f"{what} بزرگ‌تر از {limit:,} بایت است؛ پذیرفته نشد")


def _parse(body: bytes, fmt: str, url: str, iris: Iris) -> Graph:
    """A page as RDF, relative IRIs against its own URL; JSON-LD with govcat's context only."""
    try:
        text = body.decode("utf-8")
        if fmt == "json-ld":
            text = local_jsonld(text, own_contexts(iris))
        return Graph().parse(data=text, format=fmt, publicID=url)
    except RdfInputError as exc:
        raise HarvestError(f"{url}: {exc.message_en}", f"{url}: {exc.message_fa}") from None
    except (UnicodeDecodeError, ValueError, SyntaxError, RdflibError, RecursionError,
            TypeError, KeyError, AttributeError) as exc:
        raise HarvestError(f"{url} cannot be read as {fmt}: {type(exc).__name__}",
                           f"نشانی {url} به‌صورت {fmt} خوانده نشد") from None


def next_pages(g: Graph, url: str, origin: str | None = None) -> list[str]:
    """The pages a page read from `url` links to: hydra:next (of a PartialCollectionView, or
    hydra:nextPage), tree:relation's tree:node, tree:view (a stream's first page). Only those
    on the origin (scheme, host and port) of `origin` (default: `url`; the harvest's source)
    are followed (ADR 0011)."""
    found: list[str] = []
    for p in (HYDRA.next, HYDRA.nextPage, TREE.view):
        found += [str(o) for o in g.objects(None, p) if isinstance(o, URIRef)]
    for relation in g.objects(None, TREE.relation):
        found += [str(o) for o in g.objects(relation, TREE.node) if isinstance(o, URIRef)]
    allowed = _origin(origin or url)
    out: list[str] = []
    for link in found:
        link = urljoin(url, link).split("#", 1)[0]
        if _origin(link) == allowed and link != url and link not in out:
            out.append(link)
    return out


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


def fetch(source: str, state: HarvestState, iris: Iris, limits: Limits = Limits(),
          full: bool = False, token: str | None = None) -> list[Fetched]:
    """Every page of `source`, from the first along its links: conditional GETs on what
    `state` keeps (unless `full`), a 304 read back from the kept body. `token`: a bearer
    token of the source (another govcat's stream), sent only to the source's origin."""
    _check_url(source)
    known = {} if full else state.pages(source)
    budget = _Budget(limits)
    todo, seen, pages = [source], set(), []
    while todo:
        url = todo.pop(0)
        if url in seen:
            continue
        seen.add(url)
        if len(seen) > limits.max_pages:
            raise HarvestError(f"{source} has more than {limits.max_pages} pages: stopped",
                               f"{source} بیش از {limits.max_pages} صفحه دارد؛ متوقف شد")
        page = known.get(url)
        kept = state.body(source, page) if page is not None else None
        status, body, fmt, headers, final = _get(url, page if kept is not None else None,
                                                 budget, token)
        if status == 304 and (page is None or kept is None):
            raise HarvestError(f"{url} answered 304 to an unconditional request",
                               f"نشانی {url} به درخواست بی‌شرط پاسخ ۳۰۴ داد")
        if status == 304 and page is not None and kept is not None:
            base = page.base or url
            got = Fetched(url, False, kept, page.fmt, page.etag, page.last_modified,
                          _parse(kept, page.fmt, base, iris), base=page.base)
        else:
            base = final or url
            got = Fetched(url, True, body, fmt, headers.get("ETag"),
                          headers.get("Last-Modified"), _parse(body, fmt, base, iris),
                          base="" if base == url else base)
        got.next = next_pages(got.graph, base, origin=source)
        todo += got.next
        pages.append(got)
    return pages


# -- the catalog read -----------------------------------------------------------------------------

def materialize(g: Graph) -> Graph:
    """An event stream's members as the records they are versions of (LDES version objects,
    ldes:versionOfPath, default dct:isVersionOf): each record as its newest version says
    (by ldes:timestampPath, default prov:generatedAtTime), records whose newest version is a
    tombstone (as:Delete, as:Tombstone) left out. A graph that is no event stream is returned
    as it is."""
    streams = list(g.subjects(RDF.type, LDES.EventStream))
    if not streams:
        return g
    version_of = g.value(streams[0], LDES.versionOfPath) or DCTERMS.isVersionOf
    stamp = g.value(streams[0], LDES.timestampPath) or PROV.generatedAtTime
    newest: dict[URIRef, tuple[tuple[str, int], URIRef]] = {}
    for member in {m for m in g.objects(None, TREE.member) if isinstance(m, URIRef)}:
        record = g.value(member, version_of)
        if not isinstance(record, URIRef):
            continue
        at, seq = g.value(member, stamp), g.value(member, GC.seq)
        key = (str(at) if isinstance(at, Literal) else "",
               int(seq) if isinstance(seq, Literal) else 0)  # govcat's own: its change number
        if record not in newest or key >= newest[record][0]:
            newest[record] = (key, member)
    out = Graph()
    for record, (_, member) in newest.items():
        if any((member, RDF.type, t) in g for t in _TOMBSTONES):
            continue
        for _, p, o in g.triples((member, None, None)):
            if p not in (version_of, stamp, GC.seq):  # GC.seq: govcat's own stream
                out.add((record, p, o))
    return out


Check = Callable[[ChangeSet], list[Problem]]
Authorize = Callable[[ChangeSet], None]


def map_catalog(graph: Graph, source: str, registry: Registry, agency: str | None,
                check: Check | None, authorize: Authorize | None) -> StandardImport:
    """The seam to the mapping of standard RDF (loaders.standard.import_graph, ADR 0023):
    the change set of the storable records and the per-record report, as `govcat import`
    makes them from a file (a record the caller may not write is reported, R-20.1)."""
    return import_graph(graph, source, registry, agency=agency, check=check,
                        authorize=authorize)


def harvest(source: str, registry: Registry, state: HarvestState, *,
            agency: str | None = None, check: Check | None = None,
            authorize: Authorize | None = None, limits: Limits = Limits(), full: bool = False,
            token: str | None = None) -> Harvest:
    """Fetch `source` (incrementally) and, when any page changed (or the pages are not the
    ones kept), map it whole. Nothing is stored here, nor is the state written: the caller
    stores `mapped.changeset` and then calls `state.commit(source, harvest.pages)`."""
    pages = fetch(source, state, registry.iris, limits, full, token)
    same_pages = {p.url for p in pages} == set(state.pages(source))
    if not full and same_pages and not any(p.changed for p in pages):
        return Harvest(source, pages)
    whole = Graph()
    for p in pages:
        whole += p.graph
    return Harvest(source, pages, map_catalog(materialize(whole), source, registry, agency,
                                               check, authorize))
