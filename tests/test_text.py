"""catalog.text: the one normalization of Persian input and search text."""

from __future__ import annotations

import unicodedata

import pytest

from catalog.text import (
    SEPARATORS,
    ZWNJ,
    normalize_fa,
    normalize_key,
    script_language,
    search_compact,
    search_key,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("علي", "علی"),  # Arabic yeh
        ("موسى", "موسی"),  # alef maksura
        ("كتاب", "کتاب"),  # Arabic kaf
        ("ڪتاب", "کتاب"),  # swash kaf
    ],
)
def test_arabic_letter_variants_become_persian(raw: str, expected: str) -> None:
    assert normalize_fa(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("۱۴۰۳/۱۰/۰۸", "1403/10/08"),  # Persian digits
        ("١٤٠٣/١٠/٠٨", "1403/10/08"),  # Arabic-Indic digits
        ("ماده ۴٤4", "ماده 444"),  # all three kinds of four
    ],
)
def test_digits_become_ascii(raw: str, expected: str) -> None:
    assert normalize_fa(raw) == expected


def test_tatweel_and_harakat_are_removed() -> None:
    assert normalize_fa("کـــتاب") == "کتاب"
    assert normalize_fa("مُحَمَّد") == "محمد"
    assert normalize_fa("قانونٌ") == "قانون"


def test_meaningful_letters_are_kept() -> None:
    # Hamza forms, alef madda and teh marbuta are spellings, not noise, in display text.
    for word in ("مسئول", "مؤسسه", "آب", "دایرةالمعارف", "خانهٔ", "رئیس"):
        assert normalize_fa(word) == word


def test_decomposed_alef_madda_is_composed() -> None:
    assert normalize_fa("ا\u0653ب") == "آب"


def test_zwnj_is_kept_between_letters_only() -> None:
    assert normalize_fa(f"می{ZWNJ}شود") == f"می{ZWNJ}شود"
    assert normalize_fa(f"می{ZWNJ}{ZWNJ}شود") == f"می{ZWNJ}شود"
    assert normalize_fa(f"سلام {ZWNJ}دنیا") == "سلام دنیا"
    assert normalize_fa(f"سلام{ZWNJ} دنیا") == "سلام دنیا"
    assert normalize_fa(f"{ZWNJ}سلام{ZWNJ}") == "سلام"
    assert normalize_fa(f"ماده{ZWNJ}۱") == "ماده1"


def test_zwnj_between_spaces_leaves_a_single_space() -> None:
    assert normalize_fa(f"الف {ZWNJ} ب") == "الف ب"


@pytest.mark.parametrize("char", ["\u200b", "\u200d", "\u2060", "\ufeff", "\u00a0", "\u202f"])
def test_other_zero_width_chars_and_nbsp_become_spaces(char: str) -> None:
    assert normalize_fa(f"الف{char}ب") == "الف ب"


def test_bidi_marks_are_removed() -> None:
    assert normalize_fa("\u200fسلام\u200e (۱)\u202b") == "سلام (1)"


def test_whitespace_is_collapsed_and_stripped() -> None:
    assert normalize_fa("  قانون \t ثبت\n\nاحوال  ") == "قانون ثبت احوال"
    assert normalize_fa(" \u200c ") == ""


def test_presentation_forms_from_pdfs_become_letters() -> None:
    assert normalize_fa("ﺳﻼﻡ") == "سلام"
    assert normalize_fa("ﻻ") == "لا"


def test_result_is_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "مسئول آب café")
    result = normalize_fa(decomposed)
    assert unicodedata.is_normalized("NFC", result)
    assert result == "مسئول آب café"


SAMPLES = [
    "كتاب‌ها  ي ى",
    "مُحَمَّد\u200c\u200c رضا",
    "\u200f۱۴۰۳/۱۰/۰۸\u200e",
    "ﺳﻼﻡ ـــ دنیا",
    "ا\u0653ب\u00a0و\u200bنان",
    "قانون ثبت احوال، ماده ۱",
    "",
    "  ",
]


@pytest.mark.parametrize("raw", SAMPLES)
def test_all_three_are_idempotent(raw: str) -> None:
    for fn in (normalize_fa, normalize_key, search_key):
        once = fn(raw)
        assert fn(once) == once


def test_normalize_key_folds_compatibility_forms() -> None:
    assert normalize_key("ＮＯＣＲ") == "NOCR"
    assert normalize_key("  NOCR  ") == "NOCR"
    assert normalize_key("S-۰۱") == "S-01"
    # Keys keep their case and inner (collapsed) spaces: the spelling is the user's.
    assert normalize_key("Ab  c") == "Ab c"


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("NOCR", "nocr"),
        (f"می{ZWNJ}شود", "میشود"),
        ("مؤسسه", "موسسه"),
        ("مسئول", "مسیول"),
        ("آب", "اب"),
        ("خانهٔ", "خانه"),
        ("دایرةالمعارف", "دایرهالمعارف"),
        ("كتاب", "کتاب"),
        ("إسلام", "اسلام"),
    ],
)
def test_search_key_folds_interchangeable_spellings(left: str, right: str) -> None:
    assert search_key(left) == search_key(right)


def test_search_key_keeps_distinct_words_apart() -> None:
    assert search_key("خدمت") != search_key("خدمات")
    assert search_key("می شود") != search_key("میشود")  # a space is still a word boundary


# -- search_compact: what a search looks for (ADR 0024) --------------------------------------

@pytest.mark.parametrize(
    ("left", "right"),
    [
        (f"شرکت{ZWNJ}های", "شرکت های"),  # ZWNJ, space or nothing between a word's parts
        ("شرکت های", "شرکتهای"),
        (f"ثبت{ZWNJ}احوال، کشور", "ثبت احوال ,کشور"),  # punctuation and its spacing
        ("ق.م.م", "ق م م"),  # dots of an abbreviation
        ("( تولد، فوت )", "(تولد,فوت)"),
        ("social-security", "Social Security"),
        ("«ثبت احوال»", '"ثبت‌احوال"'),
        ("مالیات‌های مستقیم؛ ماده ۱", "مالیاتهای مستقیم; ماده 1"),
    ],
)
def test_search_compact_ignores_separators(left: str, right: str) -> None:
    assert search_compact(left) == search_compact(right)


def test_search_compact_keeps_letters_digits_and_other_marks() -> None:
    assert search_compact("ثبت احوال") == "ثبتاحوال"
    assert search_compact("S-SABT-00012") == "ssabt00012"
    assert search_compact("خدمت") != search_compact("خدمات")
    assert search_compact("a+b") == "a+b"  # not a separator: kept on both sides
    assert search_compact(" ،.- ") == ""


def test_the_store_removes_every_separator_the_key_drops() -> None:
    """The key and the stored text are compacted alike: each separator search_compact drops
    is a removal the store applies (catalog.resources.search_folds), for any key that can
    span one; a one-character key spans none, and costs no separator fold."""
    from catalog.resources import search_folds

    removals = {a for a, b in search_folds(search_compact("ثبت احوال")) if b == ""}
    assert set(SEPARATORS) <= removals
    assert not set(SEPARATORS) - {ZWNJ} & {a for a, _ in search_folds("ث")}


@pytest.mark.parametrize(("name", "lang"), [
    ("اداره سجل احوال", "fa"), ("ق.م.م", "fa"), ("NOCR", "en"), ("Sabt-e Ahval", "en"),
    ("1303146510", None), ("S-01", "en"), ("۱۲۳", None),
])
def test_script_language_tags_a_name_by_its_script(name: str, lang: str | None) -> None:
    assert script_language(name) == lang


def _store_finds(stored: str, key: str) -> tuple[bool, bool]:
    """The list statement's test, in Python: (every anchor held, key in the folded text)."""
    from catalog.resources import search_anchors, search_folds

    folds = search_folds(key)
    text = stored.lower()
    anchored = all(any(v in text for v in vs) for vs in search_anchors(key, folds))
    for a, b in folds:
        text = text.replace(a, b)
    return anchored, key in text


@pytest.mark.parametrize(("stored", "typed"), [
    (f"ثبت{ZWNJ}نام کارت ملی", "ثبتنام"), ("بايگاني اسناد كهنه ۳۴", "اسناد کهنه 34"),
    ("آموزش دایرةالمعارف", "اموزش دایرهالمعارف"), ("خانهٔ ما", "خانه ما"),
    ("مسئول دفتر", "مسیول"), ("Social Security", "social-security"),
    ("قانون مالیات‌های مستقیم (ق.م.م)", "ق م م"), ("S-SABT-00012", "sabt 00012"),
])
def test_anchors_never_leave_out_a_record_the_folds_find(stored: str, typed: str) -> None:
    """search_anchors is a necessary condition of the folded match: a record it leaves out
    before the replace()s is one they would not have found (ADR 0024)."""
    anchored, found = _store_finds(stored, search_compact(typed))
    assert found and anchored
    assert _store_finds(stored, search_compact(typed + "ژ"))[1] is False


def test_anchors_are_the_rarest_characters_of_the_key() -> None:
    from catalog.resources import search_anchors, search_folds

    key = search_compact("ثبت نام")
    assert search_anchors(key, search_folds(key)) == [["ث"], ["ب"], ["ت"]]
    key = search_compact("کارت ملی")  # each with the spellings folded into it
    assert search_anchors(key, search_folds(key))[1] == ["ك", "ک", "ڪ"]
    assert _store_finds("ثبت ولادت نوزاد", search_compact("ثبت ژ")) == (False, False)
