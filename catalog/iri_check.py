"""What may become an IRI, a language tag or a text of govcat's RDF (ADR 0025).

An IRI is checked against RFC 3987's grammar by Oxigraph's IRI parser (`oxiri`, through
pyoxigraph's `NamedNode`, MIT or Apache-2.0), the parser of the SPARQL copy (catalog.sparql):
an IRI govcat takes is one every store, serializer and reader of its RDF takes too. A web
address (an information system's `url`, any column of kind `url`) is more: an absolute
`http` or `https` IRI with a host. Language tags are BCP 47 by the same library (`oxilangtag`).

Used where values come in (loaders.rows, catalog.model, loaders.rdf_files) and where stored
values become RDF terms (catalog.graphmap), so the same rule judges both.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

import pyoxigraph

# The requirement an IRI problem cites: the catalog is published as linked data, and
# an address that is not an IRI breaks every export that carries it.
IRI_RULE = "R-16"
WEB_SCHEMES = ("http", "https")

# Why a value is refused or left out: (English, Persian).
Why = tuple[str, str]

# What no RDF syntax carries as it is: a lone surrogate (not Unicode) and the control
# characters XML 1.0 forbids (NUL included). Tab, line feed and carriage return are text.
_UNWRITABLE = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@lru_cache(maxsize=65_536)  # an export meets the same targets (agencies, code lists) again
def iri_problem(value: str) -> Why | None:
    """None when `value` is an absolute IRI by RFC 3987; else why not, in English and
    Persian, naming the first character or part at fault."""
    try:
        pyoxigraph.NamedNode(value)
    except ValueError as exc:
        why = str(exc)
        return (f"not an IRI by RFC 3987 ({why})",
                f"طبق RFC 3987 نشانی (IRI) معتبری نیست ({why})")
    return None


def is_iri(value: str) -> bool:
    return iri_problem(value) is None


def web_address_problem(value: str) -> Why | None:
    """None when `value` is a web address: an absolute http(s) IRI by RFC 3987 with a host.
    Relative references, other schemes (ftp:, mailto:, urn:) and `http:///path` are refused."""
    scheme = value.partition(":")[0].lower()
    if scheme not in WEB_SCHEMES or not value[len(scheme) + 1:].startswith("//"):
        return ("not a web address: it must start with http:// or https://",
                "نشانی وب نیست: باید با http:// یا https:// آغاز شود")
    found = iri_problem(value)
    if found is not None:
        return found
    try:
        parts = urlsplit(value)
    except ValueError:  # a host holding a character NFKC reads as / ? # @ : (a full-width ？)
        return ("not a web address: the host name holds a character that reads as / ? # @ or :",
                "نشانی وب نیست: نام میزبان نویسه‌ای دارد که / ? # @ یا : خوانده می‌شود")
    if not parts.hostname:
        return ("not a web address: the host name is missing", "نشانی وب نیست: نام میزبان ندارد")
    try:
        parts.port  # noqa: B018 (it checks the range: 0 to 65535)
    except ValueError:
        return ("not a web address: the port is not a number from 0 to 65535",
                "نشانی وب نیست: درگاه (port) عددی از ۰ تا ۶۵۵۳۵ نیست")
    return None


@lru_cache(maxsize=256)
def lang_tag_problem(tag: str) -> Why | None:
    """None when `tag` is a well-formed BCP 47 language tag (`fa`, `en`, `fa-IR`)."""
    try:
        pyoxigraph.Literal("", language=tag)
    except ValueError as exc:
        return (f"not a language tag by BCP 47 ({exc})",
                f"طبق BCP 47 برچسب زبان معتبری نیست ({exc})")
    return None


def text_problem(value: str) -> Why | None:
    """None when `value` can be written in every RDF syntax and JSON as it is."""
    found = _UNWRITABLE.search(value)
    if found is None:
        return None
    if "\ud800" <= found.group() <= "\udfff":
        return ("invalid Unicode (a lone surrogate)", "نویسهٔ یونیکد نادرست (نیم‌جفت جایگزین)")
    return (f"a control character (U+{ord(found.group()):04X})",
            f"نویسهٔ کنترلی (U+{ord(found.group()):04X})")


def shown(value: object, limit: int = 120) -> str:
    """A bad value as a message or a log line may show it: cut, each unwritable character
    written as \\uXXXX."""
    text = str(value)
    cut = text[:limit] + ("…" if len(text) > limit else "")
    return _UNWRITABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", cut)
