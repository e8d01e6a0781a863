"""Persian text normalization: the single place where input and search text is cleaned.

Spreadsheets filled in by different agencies mix Arabic and Persian keyboards, Persian,
Arabic-Indic and ASCII digits, copy-pasted PDF text (presentation forms, bidi marks) and
inconsistent zero-width non-joiners. Every loader, key and search goes through these functions,
so two spellings that a Persian reader considers the same end up as the same string.

Three levels, each built on the previous one:

* ``normalize_fa`` - canonical *display* text. Stored as entered, minus noise. Keeps the
  distinctions a careful writer makes on purpose (ة, hamza forms, آ, the ZWNJ between letters).
* ``normalize_key`` - identifiers, references and codes: ``normalize_fa`` after NFKC, so
  compatibility variants (full-width Latin, ligatures) of an identifier compare equal.
* ``search_key`` - matching only, never stored: additionally case-folded, without ZWNJ, and
  with the spelling variants that users type interchangeably folded together (ة/ۀ → ه,
  أ/إ/ٱ/آ → ا, ؤ → و, ئ → ی, standalone hamza marks dropped).
* ``search_compact`` - what a search looks for (ADR 0024): ``search_key`` without the
  ``SEPARATORS`` (spaces, ZWNJ, punctuation), so «شرکت‌های», «شرکت های» and «شرکتهای» are one
  word, and «ثبت‌احوال، کشور» and «ثبت احوال ,کشور» one text. The store removes the same
  characters from the text it searches.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["SEPARATORS", "ZWNJ", "normalize_fa", "normalize_key", "script_language",
           "search_compact", "search_key"]

ZWNJ = "\u200c"

# Letters that Arabic keyboards (and Urdu fonts) produce where Persian has its own letter.
# ة is deliberately NOT folded here: it is a legitimate Persian spelling in Arabic loanwords and
# legal titles (e.g. «دایرةالمعارف»), so display text keeps it; search_key folds it instead.
_LETTER_MAP = {
    "\u064a": "\u06cc",  # ARABIC YEH → FARSI YEH
    "\u0649": "\u06cc",  # ALEF MAKSURA → FARSI YEH
    "\u0643": "\u06a9",  # ARABIC KAF → KEHEH
    "\u06aa": "\u06a9",  # SWASH KAF → KEHEH
    "\u06be": "\u0647",  # HEH DOACHASHMEE (Urdu keyboards) → HEH
    "\u06c1": "\u0647",  # HEH GOAL (Urdu keyboards) → HEH
}

# Both Persian (U+06F0…) and Arabic-Indic (U+0660…) digits become ASCII, so numbers, dates
# and codes compare and parse the same whatever keyboard typed them.
_DIGIT_MAP = {chr(base + i): str(i) for base in (0x06F0, 0x0660) for i in range(10)}

# Removed outright: tatweel (pure elongation), harakat and other optional vowel marks, the
# superscript alef, soft hyphen and bidi controls (copy-paste noise that is invisible yet makes
# strings unequal). Hamza above/below (U+0654/U+0655) are letters in Persian and are kept.
# Control characters that are not whitespace (NUL, ESC, DEL, C1 controls) go too: invisible,
# never text a steward meant, and a NUL cuts a FalkorDB query short (ADR 0011).
_CONTROLS = [chr(c) for c in [*range(0x00, 0x09), *range(0x0E, 0x1C), *range(0x7F, 0x85),
                              *range(0x86, 0xA0)]]
_DELETED = (
    _CONTROLS
    + ["\u0640", "\u0670", "\u00ad", "\u061c", "\u200e", "\u200f"]
    + [chr(c) for c in range(0x064B, 0x0653)]  # fathatan … sukun
    + [chr(c) for c in range(0x0656, 0x0660)]  # subscript alef … wavy hamza below
    + [chr(c) for c in range(0x202A, 0x202F)]  # LRE … RLO
    + [chr(c) for c in range(0x2066, 0x206A)]  # LRI … PDI
)

# Zero-width characters other than ZWNJ and non-breaking spaces become ordinary spaces, as the
# regulation's texts use them as word separators; the whitespace collapse then tidies up.
_SPACES = ["\u00a0", "\u200b", "\u200d", "\u2060", "\u180e", "\ufeff", "\u202f", "\u2007"]

_TRANSLATION = str.maketrans(
    {
        **_LETTER_MAP,
        **_DIGIT_MAP,
        **dict.fromkeys(_DELETED),
        **dict.fromkeys(_SPACES, " "),
    }
)

# Arabic presentation forms come from PDF extraction; NFKC maps each back to its base letters.
# Only these blocks get NFKC in normalize_fa, so display text keeps other compatibility chars.
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufefc]+")
_WHITESPACE = re.compile(r"\s+")
_ZWNJ_RUN = re.compile(ZWNJ + "+")

# Extra folds for matching only: spellings users type interchangeably.
_SEARCH_FOLDS = str.maketrans(
    {
        "\u0629": "\u0647",  # TEH MARBUTA → HEH
        "\u06c0": "\u0647",  # HEH WITH YEH ABOVE (ۀ) → HEH
        "\u0623": "\u0627",  # ALEF WITH HAMZA ABOVE → ALEF
        "\u0625": "\u0627",  # ALEF WITH HAMZA BELOW → ALEF
        "\u0671": "\u0627",  # ALEF WASLA → ALEF
        "\u0622": "\u0627",  # ALEF WITH MADDA → ALEF
        "\u0624": "\u0648",  # WAW WITH HAMZA → WAW
        "\u0626": "\u06cc",  # YEH WITH HAMZA → FARSI YEH
        "\u0654": None,  # standalone HAMZA ABOVE (as in «خانهٔ»)
        "\u0655": None,  # standalone HAMZA BELOW
        ZWNJ: None,  # «می‌شود» and «میشود» are the same word to a searcher
    }
)


def _is_joinable(ch: str) -> bool:
    """True for letters and combining marks: the only neighbours a ZWNJ makes sense between."""
    return unicodedata.category(ch)[0] in ("L", "M")


def _tidy_zwnj(text: str) -> str:
    """Keep a single ZWNJ only where it separates two letters; elsewhere it is noise."""
    text = _ZWNJ_RUN.sub(ZWNJ, text)
    if ZWNJ not in text:
        return text
    out: list[str] = []
    last = len(text) - 1
    for i, ch in enumerate(text):
        if ch == ZWNJ and not (
            0 < i < last and _is_joinable(text[i - 1]) and _is_joinable(text[i + 1])
        ):
            continue
        out.append(ch)
    return "".join(out)


def normalize_fa(s: str) -> str:
    """Canonical form of Persian (or mixed) text for storage and comparison.

    Folds Arabic letter variants to Persian (ي ى → ی, ك → ک), digits to ASCII, removes tatweel,
    harakat, bidi marks and control characters (NUL …), keeps ZWNJ only between letters,
    turns other zero-width characters and NBSP into spaces, collapses whitespace, strips, and
    returns NFC. Idempotent.
    """
    # NFC first so decomposed input (e.g. ا + maddah) is composed before marks are removed.
    text = unicodedata.normalize("NFC", s)
    text = _PRESENTATION_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    text = text.translate(_TRANSLATION)
    text = _tidy_zwnj(text)
    text = _WHITESPACE.sub(" ", text).strip()
    # Removing marks can leave newly composable pairs behind; compose them again.
    return unicodedata.normalize("NFC", text)


def normalize_key(s: str) -> str:
    """Canonical form of an identifier, reference or code (agency codes, refs, ids).

    Same as normalize_fa after NFKC, so full-width or ligature variants of an ASCII code match;
    internal spaces are collapsed but not removed (a key's spelling is otherwise the user's).
    """
    return normalize_fa(unicodedata.normalize("NFKC", s))


def search_key(s: str) -> str:
    """Matching form of text: normalize_key, case-folded, ZWNJ removed, spelling variants folded.

    For comparing and searching only; never store or display the result.
    """
    folded = normalize_key(s).casefold().translate(_SEARCH_FOLDS)
    # Dropping ZWNJ or hamza marks can leave double spaces or composable pairs; tidy again.
    return unicodedata.normalize("NFC", _WHITESPACE.sub(" ", folded).strip())


# What a search ignores between the parts of a word or a text (ADR 0024): the space and the
# ZWNJ (written, or not, between a word's parts: «شرکت‌های», «شرکت های», «شرکتهای»), and the
# punctuation people space as they please: Persian and Latin commas and semicolons, the colon,
# dots of abbreviations («ق.م.م»), the hyphen and en dash, parentheses, guillemets, the double
# quote and the slash. A closed, short list: the store removes exactly these from the text it
# searches (catalog.resources.search_folds), one replace() each per record, so a character the
# key keeps is one the stored text keeps too, and each one added costs every search.
SEPARATORS = " " + ZWNJ + "\u060c,\u061b;:.-\u2013()\u00ab\u00bb\"/"
_SEPARATOR_DROP = str.maketrans(dict.fromkeys(SEPARATORS))


def search_compact(s: str) -> str:
    """The key a search looks for: search_key without SEPARATORS. Matching only, never stored.

    >>> search_compact("ثبت‌احوال، کشور") == search_compact("ثبت احوال ,کشور")
    True
    """
    return search_key(s).translate(_SEPARATOR_DROP)


def script_language(s: str) -> str | None:
    """The language tag a name's script tells: Persian (Arabic-script) letters → fa, else Latin
    letters → en, else None (digits, codes: untagged). For names given without a language,
    such as the alt_names column (ADR 0024)."""
    letters = [ch for ch in normalize_fa(s) if unicodedata.category(ch).startswith("L")]
    if any("\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" for ch in letters):
        return "fa"
    return "en" if any(ch.isascii() or "\u00c0" <= ch <= "\u024f" for ch in letters) else None
