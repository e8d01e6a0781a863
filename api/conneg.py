"""Content negotiation, one rule for every route that offers more than one representation
(resources by IRI, profiles, the snapshot and change feed, named and saved queries, SPARQL).

`?format=` (or a body's `format`) names a representation and wins; a name the route does not
offer is 406 Not Acceptable. Otherwise the Accept header decides (RFC 9110, 12.5.1): each
offered media type takes the q-value of the most specific media range that matches it
(`text/turtle` over `text/*` over `*/*`), and q=0 means "not acceptable", never chosen. The
highest q wins; a tie goes to the more specific range, then to the range listed first, then
to the route's own order (its default first). A header naming none of the route's types is
disregarded (the default is sent, as RFC 9110 allows); one that refuses every type the route
has, or refuses the default and names nothing else acceptable, is 406. The 406 body is in
English and Persian and lists what the route offers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


class NotAcceptable(Exception):
    """No representation the request accepts: HTTP 406, in English and Persian."""

    def __init__(self, offered: Sequence[str], asked: str | None = None) -> None:
        names = ", ".join(offered)
        if asked is not None:
            self.message_en = f"{asked!r} is not a format of this answer: use one of {names}"
            self.message_fa = (f"«{asked}» قالبی از قالب‌های این پاسخ نیست؛ یکی از این‌ها را "
                               f"بخواهید: {names}")
        else:
            self.message_en = ("the Accept header refuses every format of this answer: it "
                               f"comes as {names}")
            self.message_fa = ("سرآیند Accept همهٔ قالب‌های این پاسخ را نمی‌پذیرد؛ قالب‌های "
                               f"در دسترس: {names}")
        super().__init__(self.message_en)
        self.offered = list(offered)


@dataclass(frozen=True)
class Offers:
    """What a route can send: format name → media type, its own preference first (the first
    is the default). `aliases`: other media types clients send for a format (the first of
    their names the route offers is taken); `names`: other names `?format=` may use."""

    media: Mapping[str, str]
    aliases: Mapping[str, Sequence[str]] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)

    @property
    def default(self) -> str:
        return next(iter(self.media))

    def types_of(self, name: str) -> list[str]:
        """Every media type that stands for the format `name`."""
        found = [self.media[name].lower()]
        for media, names in self.aliases.items():
            offered = next((n for n in names if n in self.media), None)
            if offered == name:
                found.append(media.lower())
        return found


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    q: float
    position: int

    def specificity(self, media: str) -> int:
        """3 for the exact type, 2 for `type/*`, 1 for `*/*`, 0 when it does not match."""
        kind, _, sub = media.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 1
        if self.type != kind:
            return 0
        if self.subtype == "*":
            return 2
        return 3 if self.subtype == sub else 0


def parse_accept(header: str | None) -> list[_Range]:
    """The media ranges of an Accept header, with their q (1 when absent; a q that is not a
    number between 0 and 1 makes the range not acceptable)."""
    ranges: list[_Range] = []
    for position, part in enumerate((header or "").split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        kind, slash, sub = media.lower().partition("/")
        if not slash or not kind or not sub:
            continue
        q = 1.0
        for p in params:
            key, _, value = p.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
                if not 0.0 <= q <= 1.0:
                    q = 0.0
        ranges.append(_Range(kind, sub, q, position))
    return ranges


def negotiate(offers: Offers, accept: str | None, fmt: str | None = None) -> str:
    """The name of the representation to send (module doc); NotAcceptable when none."""
    if fmt:
        name = offers.names.get(fmt, fmt)
        if name not in offers.media:
            raise NotAcceptable(list(offers.media), fmt)
        return name
    ranges = parse_accept(accept)
    if not ranges:
        return offers.default
    best: tuple[float, int, int, int] | None = None
    chosen = None
    unmentioned = []
    for order, name in enumerate(offers.media):
        match = _best_range(ranges, offers.types_of(name))
        if match is None:
            unmentioned.append(name)
            continue
        rng, specificity = match
        if rng.q <= 0:
            continue
        key = (rng.q, specificity, -rng.position, -order)
        if best is None or key > best:
            best, chosen = key, name
    if chosen is not None:
        return chosen
    if unmentioned:
        return unmentioned[0]
    raise NotAcceptable(list(offers.media))


def _best_range(ranges: list[_Range], types: list[str]) -> tuple[_Range, int] | None:
    """The most specific range matching any of `types` (the first listed of equals)."""
    found: tuple[_Range, int] | None = None
    for media in types:
        for rng in ranges:
            s = rng.specificity(media)
            if s and (found is None or s > found[1]
                      or (s == found[1] and rng.position < found[0].position)):
                found = (rng, s)
    return found
