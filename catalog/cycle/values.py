"""What people type into the cycle's own actions (a progress report's narrative and values, a
provincial slice's description, a province's verdicts and notes), read as typed and judged
once, the same way for each (R-5.2, R-5.5, R-8.1). Refusals are the callers': each says what
the value is and which requirement asks for it."""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from catalog.graphmap import canonical_decimal

MAX_TEXT = 20_000
# Persian and Arabic-Indic digits and the Persian decimal separator, as people type them.
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٫", "01234567890123456789.")


class TextProblem(ValueError):
    """Why a text cannot be taken, in English and Persian, naming the text as the caller did."""

    def __init__(self, en: str, fa: str) -> None:
        super().__init__(en)
        self.en = en
        self.fa = fa


def plain_text(value: str | None, what_en: str, what_fa: str, *, required: bool,
               limit: int = MAX_TEXT) -> str | None:
    """The text in NFC, trimmed; None when empty and not `required`. TextProblem when empty
    and required, longer than `limit`, or holding a control character."""
    cleaned = unicodedata.normalize("NFC", value or "").strip()
    if not cleaned:
        if required:
            raise TextProblem(f"write the {what_en}", f"{what_fa} را بنویسید")
        return None
    if len(cleaned) > limit:
        raise TextProblem(f"the {what_en} is longer than {limit} characters",
                          f"{what_fa} بیش از {limit} نویسه است")
    if any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t" for c in cleaned):
        raise TextProblem(f"the {what_en} holds a control character",
                          f"{what_fa} نویسهٔ کنترلی دارد")
    return cleaned


def number(value: Any) -> str | None:
    """A number as typed (Persian digits too) in its canonical xsd:decimal form, as the store
    keeps the indicators' own values (5 → 5.0); None when it is not a finite number."""
    text = str(value).strip().translate(_DIGITS)
    try:
        found = Decimal(text)
    except InvalidOperation:
        return None
    return canonical_decimal(found) if text and found.is_finite() else None
