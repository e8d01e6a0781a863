"""Pages: Jinja2 templates rendered on the server, Persian first (ADR 0031).

Every page gets the reader's language (`fa` by default, right to left; `en` on request), a
translator `t` reading `messages/*.toml`, the signed-in person `who`, the form token `csrf`,
and filters for what a person reads: `jdate` (Solar Hijri, Persian digits in Persian), `num`
(Persian digits) and `label` (the fa or en label of a record).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from catalog.jalali import DateError, parse_date, to_jalali_str

HERE = Path(__file__).resolve().parent
LANGS = ("fa", "en")
LANG_COOKIE = "govcat_lang"
_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
# Pages load scripts, styles, fonts and images from govcat's own host only; no inline script.
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
            "frame-ancestors 'none'")


@cache
def messages() -> dict[str, dict[str, str]]:
    """Every UI string: key → {fa, en}, from each area's file; a key in two files is a bug."""
    found: dict[str, dict[str, str]] = {}
    for path in sorted((HERE / "messages").glob("*.toml")):
        for key, texts in tomllib.loads(path.read_text(encoding="utf-8")).items():
            if key in found:
                raise ValueError(f"UI message {key!r} is in two files ({path.name})")
            if set(texts) != set(LANGS):
                raise ValueError(f"UI message {key!r} in {path.name} needs fa and en")
            found[key] = texts
    return found


def lang_of(request: Request) -> str:
    chosen = request.cookies.get(LANG_COOKIE, "fa")
    return chosen if chosen in LANGS else "fa"


def digits(value: object, lang: str) -> str:
    text = "" if value is None else str(value)
    return text.translate(_FA_DIGITS) if lang == "fa" else text


def jalali(value: object, lang: str) -> str:
    """A date as a person reads it: Solar Hijri, Persian digits in Persian; a timestamp keeps
    its time of day (UTC)."""
    if value in (None, ""):
        return ""
    when: date
    clock = ""
    if isinstance(value, datetime):
        when, clock = value.date(), value.strftime(" %H:%M")
    elif isinstance(value, date):
        when = value
    else:
        text = str(value)
        try:
            when = parse_date(text[:10])
        except DateError:
            return text
        clock = f" {text[11:16]}" if len(text) >= 16 and text[10] == "T" else ""
    return digits(to_jalali_str(when) + clock, lang)


def translator(lang: str) -> Any:
    table = messages()

    def t(key: str, **values: object) -> str:
        texts = table.get(key)
        if texts is None:
            raise KeyError(f"no UI message {key!r} (api/web/messages/*.toml)")
        shown = {k: digits(v, lang) if isinstance(v, int) else v for k, v in values.items()}
        return texts[lang].format(**shown) if shown else texts[lang]

    return t


def label(value: object, lang: str) -> str:
    """A record's label in the reader's language, else the other one: from a mapping with
    `fa`/`en` (or `label_fa`/`label_en`, `title_fa`/`title_en`) keys, or as given."""
    if isinstance(value, Mapping):
        other = "en" if lang == "fa" else "fa"
        for prefix in ("", "label_", "title_", "name_"):
            for lng in (lang, other):
                if value.get(prefix + lng):
                    return str(value[prefix + lng])
        return str(value.get("iri", ""))
    return "" if value is None else str(value)


@cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(["html"]), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    return env


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page for the request's reader; `context` holds what the template shows."""
    from api.web.nav import entries_for
    from api.web.session import csrf_token, viewer  # the session reads the guard

    lang = lang_of(request)
    env = environment()
    who = context.pop("who", None) or viewer(request)
    values = {"request": request, "lang": lang, "dir": "rtl" if lang == "fa" else "ltr",
              "t": translator(lang), "who": who, "csrf": csrf_token(request),
              "path": request.url.path, "query": request.url.query,
              "jdate": lambda v: jalali(v, lang), "num": lambda v: digits(v, lang),
              "label": lambda v: label(v, lang), "nav": entries_for(who), **context}
    html = env.get_template(template).render(values)
    return HTMLResponse(html, status_code=status,
                        headers={"Content-Security-Policy": PAGE_CSP,
                                 "Cache-Control": "no-store", "Vary": "Cookie, Accept"})
