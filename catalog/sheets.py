"""The spreadsheet contract, as data: sheets, columns, labels, kinds and allowed values.

Agencies fill in one workbook (or one CSV per sheet) and other tools generate or read the same
format, so this module is the single statement of it: each kind of record (catalog.kinds)
declares its sheet here, and the template writer, the loaders, the API and the documentation
read these tables instead of repeating them.

Conventions every sheet shares:

* Row 1 holds the English keys; an optional row 2 holds the Persian labels (``is_label_row``).
  Headers may be given either way (``header_to_key``), and sheets by English name or Persian
  label (``catalog.kinds.sheet_for``).
* A list cell separates items with ``;`` (the Persian ``؛`` is accepted too, as Persian
  keyboards produce it): ``split_list``.
* A reference to another agency's record is ``AGENCY_CODE:ref``; a bare ``ref`` means the row's
  own agency where the column allows it (``split_ref``, ``Column.ref_scope``).
* An enum cell holds the English key or its Persian label (``Column.parse_enum``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Literal

from catalog.text import normalize_fa, normalize_key, search_key

__all__ = [
    "AGENCIES",
    "CHAINS",
    "CHAIN_LINKS",
    "DATASETS",
    "DATA_FLOWS",
    "DUTIES",
    "EMPLOYEES",
    "IMPROVEMENT_PLANS",
    "INFORMATION_SYSTEMS",
    "PLAN_ACTIONS",
    "PLAN_INDICATORS",
    "POSTS",
    "SERVICES",
    "UNITS",
    "CellError",
    "Column",
    "ColumnKind",
    "LIST_SEPARATORS",
    "REF_SEPARATOR",
    "RefScope",
    "Sheet",
    "header_to_key",
    "is_label_row",
    "split_list",
    "split_ref",
]

ColumnKind = Literal["text", "list", "ref", "ref_list", "enum", "date", "int", "decimal", "bool",
                     "url"]

# How a reference cell is resolved:
#   national  - a nationally unique id or code (agencies, units, posts, employees, chains);
#   agency    - a ref local to the row's agency, or AGENCY:ref for another agency's record;
#   qualified - always AGENCY:ref (rows that belong to no single agency, e.g. data flows);
#   chain     - a link of the same chain: its order, or the service it delivers as AGENCY:ref.
RefScope = Literal["national", "agency", "qualified", "chain"]

LIST_SEPARATORS = (";", "؛")
REF_SEPARATOR = ":"
REQUIRED_MARK = "*"


class CellError(ValueError):
    """A cell value outside the contract, explained in English and in Persian."""

    def __init__(self, message_en: str, message_fa: str, value: object = None) -> None:
        super().__init__(f"{message_en} | {message_fa}")
        self.message_en = message_en
        self.message_fa = message_fa
        self.value = value


def _match_key(text: str) -> str:
    """Lenient matching form for headers, sheet names and enum values.

    Ignores case, the required-column mark, spaces, ZWNJ, ``_`` and ``-``, so ``In person``,
    ``in-person`` and ``in_person`` match, and so do «ارسال شده» and «ارسال‌شده».
    """
    key = search_key(text).replace(REQUIRED_MARK, "")
    return "".join(ch for ch in key if ch not in " _-")


# Accepted for yes/no columns in addition to the keys and their labels (بله / خیر).
_BOOL_WORDS = {
    "yes": ("true", "1", "y", "بلی", "آری", "دارد"),
    "no": ("false", "0", "n", "نه", "ندارد"),
}


@dataclass(frozen=True)
class Column:
    """One column of a sheet. ``allowed_fa`` gives the Persian label of each ``allowed`` key."""

    key: str
    label_fa: str
    label_en: str
    required: bool = False
    kind: ColumnKind = "text"
    allowed: tuple[str, ...] | None = None
    description_fa: str = field(default="", repr=False)
    description_en: str = field(default="", repr=False)
    example: str = field(default="", repr=False)
    allowed_fa: tuple[str, ...] = ()
    target: str | None = None  # the sheet a ref / ref_list column points to
    ref_scope: RefScope | None = None
    # The JSON-LD term (ontology/context.jsonld) of the property the column becomes, for kinds
    # mapped from their columns (catalog.kinds, ADR 0022); `scheme`: an enum's code list.
    term: str | None = None
    scheme: str | None = None

    def __post_init__(self) -> None:
        if self.kind in ("enum", "bool") and not self.allowed:
            raise ValueError(f"column {self.key!r}: {self.kind} needs allowed values")
        if self.allowed is not None and len(self.allowed_fa) != len(self.allowed):
            raise ValueError(f"column {self.key!r}: one Persian label per allowed value")
        if (self.kind in ("ref", "ref_list")) != (self.ref_scope is not None):
            raise ValueError(f"column {self.key!r}: ref kinds, and only they, need a ref_scope")

    @property
    def header_fa(self) -> str:
        """The Persian label as the template shows it: required columns end with ``*``."""
        return f"{self.label_fa} {REQUIRED_MARK}" if self.required else self.label_fa

    def choices(self) -> tuple[tuple[str, str], ...]:
        """(key, Persian label) pairs of an enum or bool column; empty for other kinds."""
        return tuple(zip(self.allowed or (), self.allowed_fa, strict=True))

    def enum_key(self, value: str) -> str | None:
        """The allowed key that ``value`` names (key or Persian label), or None."""
        return _enum_index(self).get(_match_key(value))

    def parse_enum(self, value: str) -> str:
        """The allowed key for ``value``, given as the English key or the Persian label.

        Raises CellError (a ValueError with ``message_en`` / ``message_fa``) for other values.
        """
        found = self.enum_key(value)
        if found is None:
            raise self._enum_error(value)
        return found

    def parse_bool(self, value: str) -> bool:
        """True or False for a yes/no column (yes, no, بله, خیر, true, false, 1, 0, …)."""
        return self.parse_enum(value) == "yes"

    def _enum_error(self, value: str) -> CellError:
        keys = ", ".join(self.allowed or ())
        labels = "، ".join(f"{fa} ({key})" for key, fa in self.choices())
        return CellError(
            f"{normalize_fa(value)!r} is not allowed in {self.key!r}; use one of: {keys}",
            f"مقدار «{normalize_fa(value)}» برای «{self.label_fa}» مجاز نیست؛ "
            f"یکی از این مقادیر را وارد کنید: {labels}",
            value,
        )


@cache
def _enum_index(column: Column) -> dict[str, str]:
    """Matching form → key, for every spelling an enum column accepts."""
    index: dict[str, str] = {}
    for key, label in column.choices():
        index[_match_key(key)] = key
        index[_match_key(label)] = key
        if column.kind == "bool":
            index.update((_match_key(word), key) for word in _BOOL_WORDS.get(key, ()))
    return index


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook, its columns in the order the template writes them."""

    name: str
    label_fa: str
    label_en: str
    columns: tuple[Column, ...] = field(repr=False)
    description_fa: str = field(default="", repr=False)
    description_en: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        # Every spelling of every header must resolve to exactly one column.
        spellings = [s for c in self.columns for s in _spellings(c)]
        clashes = {s for s in spellings if spellings.count(s) > 1}
        if clashes:
            raise ValueError(f"sheet {self.name!r}: ambiguous headers {sorted(clashes)}")

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)

    @property
    def required_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns if c.required)

    def column(self, key: str) -> Column:
        """The column with this English key; KeyError if there is none."""
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(f"sheet {self.name!r} has no column {key!r}")


def _spellings(column: Column) -> frozenset[str]:
    """Matching forms of a column's header: key, Persian label, English label (often the same)."""
    return frozenset(_match_key(s) for s in (column.key, column.label_fa, column.label_en))


# ---------------------------------------------------------------------------------------------
# Code lists used by enum columns: (key, Persian label). Keys are the notations of the SKOS code
# lists in docs/model.md, so an enum cell's key is also its concept's notation.

AGENCY_KINDS = (
    ("ministry", "وزارتخانه"),
    ("organization", "سازمان"),
    ("company", "شرکت دولتی"),
    ("institution", "مؤسسه یا نهاد عمومی"),
    ("municipality", "شهرداری"),
    ("delegated", "نهاد دارای تفویض اختیار یا مجوز"),
    ("provincial_unit", "واحد استانی"),
)
STATUSES = (("draft", "پیش‌نویس"), ("submitted", "ارسال‌شده"), ("approved", "تأییدشده"))
SERVICE_KINDS = (("service", "خدمت"), ("inquiry", "استعلام"))
DELIVERY_LEVELS = (("in_person", "حضوری"), ("electronic", "الکترونیکی"), ("smart", "هوشمند"))
YES_NO = (("yes", "بله"), ("no", "خیر"))
CLASSIFICATIONS = (
    ("public", "عمومی"),
    ("internal", "داخلی"),
    ("confidential", "محرمانه"),
    ("secret", "سری"),
)
# Every value of the EU frequency authority table (R-10.1; ontology/codelists.ttl gives each
# one's EU concept by skos:exactMatch; a cell may also hold the EU code, e.g. DAILY_2).
FREQUENCIES = (
    ("1min", "هر دقیقه"),
    ("5min", "هر پنج دقیقه"),
    ("10min", "هر ده دقیقه"),
    ("15min", "هر پانزده دقیقه"),
    ("30min", "هر سی دقیقه"),
    ("hourly", "ساعتی"),
    ("bihourly", "هر دو ساعت"),
    ("trihourly", "هر سه ساعت"),
    ("12hrs", "هر دوازده ساعت"),
    ("continuous", "پیوسته"),
    ("update_cont", "به‌روزرسانی پیوسته"),
    ("daily", "روزانه"),
    ("daily_2", "دو بار در روز"),
    ("weekly", "هفتگی"),
    ("weekly_2", "دو بار در هفته"),
    ("weekly_3", "سه بار در هفته"),
    ("weekly_5", "پنج بار در هفته"),
    ("biweekly", "هر دو هفته"),
    ("monthly", "ماهانه"),
    ("monthly_2", "دو بار در ماه"),
    ("monthly_3", "سه بار در ماه"),
    ("bimonthly", "هر دو ماه"),
    ("quarterly", "فصلی"),
    ("annual", "سالانه"),
    ("annual_2", "شش‌ماهه (دو بار در سال)"),
    ("annual_3", "سه بار در سال"),
    ("biennial", "هر دو سال"),
    ("triennial", "هر سه سال"),
    ("quadrennial", "هر چهار سال"),
    ("quinquennial", "هر پنج سال"),
    ("sexennial", "هر شش سال"),
    ("decennial", "هر ده سال"),
    ("bidecennial", "هر بیست سال"),
    ("tridecennial", "هر سی سال"),
    ("irregular", "نامنظم"),
    ("as_needed", "در صورت نیاز"),
    ("not_planned", "بدون برنامه"),
    ("never", "هرگز"),
    ("other", "سایر"),
    ("unknown", "نامعلوم"),
    ("op_datpro", "داده موقت"),
)


def _choice_col(key: str, label_fa: str, label_en: str, choices: tuple[tuple[str, str], ...],
                desc_fa: str, desc_en: str, example: str, *, required: bool = False,
                kind: ColumnKind = "enum") -> Column:
    return Column(
        key, label_fa, label_en, required, kind,
        allowed=tuple(k for k, _ in choices), allowed_fa=tuple(fa for _, fa in choices),
        description_fa=desc_fa, description_en=desc_en, example=example,
    )


def _ref_col(key: str, label_fa: str, label_en: str, target: str, scope: RefScope,
             desc_fa: str, desc_en: str, example: str, *, required: bool = False,
             many: bool = False) -> Column:
    return Column(
        key, label_fa, label_en, required, "ref_list" if many else "ref",
        description_fa=desc_fa, description_en=desc_en, example=example,
        target=target, ref_scope=scope,
    )


def _text_col(key: str, label_fa: str, label_en: str, desc_fa: str, desc_en: str, example: str,
              *, required: bool = False, kind: ColumnKind = "text") -> Column:
    return Column(key, label_fa, label_en, required, kind, None, desc_fa, desc_en, example)


_ID_RULE_FA = "بدون فاصله و بدون نویسه‌های / : ; # ?"
_ID_RULE_EN = "no spaces or / : ; # ?"


def _agency_code(desc_fa: str, desc_en: str, *, required: bool = True) -> Column:
    return _ref_col(
        "agency_code", "کد دستگاه", "Agency code", "agencies", "national",
        desc_fa, desc_en, "NOCR", required=required,
    )


def _owner_code(thing_fa: str, thing_en: str) -> Column:
    return _agency_code(
        f"کد دستگاهی که {thing_fa} به آن تعلق دارد، همان کدی که در برگه دستگاه‌ها ثبت شده است",
        f"Code of the agency that owns the {thing_en}, as registered in the agencies sheet",
    )


def _local_ref(thing_fa: str, thing_en: str, example: str) -> Column:
    return _text_col(
        "ref", f"کد داخلی {thing_fa}", f"{thing_en} reference",
        f"کد {thing_fa}، یکتا در همان دستگاه؛ دستگاه‌های دیگر با «کد دستگاه:کد» به آن "
        f"ارجاع می‌دهند؛ {_ID_RULE_FA}",
        f"The {thing_en.lower()}'s reference, unique within its agency; other agencies refer "
        f"to it as AGENCY:ref; {_ID_RULE_EN}",
        example, required=True,
    )


def _names(key: str, thing_fa: str, thing_en: str, example_fa: str, example_en: str
           ) -> tuple[Column, Column]:
    """The Persian (required) and English (optional) name or title columns."""
    word_fa, word_en = ("نام", "Name") if key == "name" else ("عنوان", "Title")
    return (
        _text_col(
            f"{key}_fa", f"{word_fa} فارسی", f"{word_en} (Persian)",
            f"{word_fa} رسمی {thing_fa} به فارسی", f"Official {word_en.lower()} of the "
            f"{thing_en} in Persian", example_fa, required=True,
        ),
        _text_col(
            f"{key}_en", f"{word_fa} انگلیسی", f"{word_en} (English)",
            f"{word_fa} {thing_fa} به انگلیسی (اختیاری)",
            f"{word_en} of the {thing_en} in English (optional)", example_en,
        ),
    )


def _alt_names(thing_fa: str, thing_en: str, example: str) -> Column:
    """Other names of an agency, service or dataset (skos:altLabel), searched with its names:
    each tagged fa or en by its script, untagged otherwise (ADR 0024)."""
    return Column(
        "alt_names", "نام‌های دیگر", "Alternative names", False, "list", None,
        f"نام‌های دیگری که {thing_fa} با آنها شناخته و جست‌وجو می‌شود: نام پیشین، نام کوتاه، "
        "سرواژه، نام انگلیسی دیگر؛ چند مورد را با ; جدا کنید",
        f"Other names the {thing_en} is known and searched by: an earlier name, a short "
        "name, an abbreviation, another English name; separate several with ;",
        example, term="altLabel",
    )


def _province() -> Column:
    return _text_col(
        "province", "استان", "Province",
        "استان محل استقرار، با شناسه انگلیسی آن در فهرست استان‌ها (مانند tehran یا "
        "khorasan-razavi)؛ برای دستگاه‌ها و واحدهای ملی خالی بماند",
        "Province, as its slug in the province code list (e.g. tehran, khorasan-razavi); "
        "leave empty for national bodies",
        "tehran",
    )


def _status(thing_fa: str, thing_en: str) -> Column:
    return _choice_col(
        "status", "وضعیت", "Status", STATUSES,
        f"وضعیت بررسی {thing_fa} در سازمان اداری و استخدامی؛ در ثبت «پیش‌نویس» (یا «منصرف‌شده»)؛ "
        "ارسال، تأیید و رد را تنها کنش‌های چرخه تعیین می‌کنند و مقدار دیگر پذیرفته نیست مگر "
        "همان که ثبت شده است (ماده ۲)",
        f"Review status of the {thing_en} at the Administrative and Recruitment Organization: "
        "write draft (or withdrawn); submitted, approved and rejected are set by the cycle's "
        "own actions (R-2.1), and any other value must be the one stored", "draft",
    )


def _agency_refs(key: str, label_fa: str, label_en: str, target: str, thing_fa: str,
                 thing_en: str, desc_fa: str, desc_en: str, example: str) -> Column:
    """A list of records that may belong to this agency (bare ref) or another (AGENCY:ref)."""
    return _ref_col(
        key, label_fa, label_en, target, "agency",
        f"{desc_fa}؛ کد داخلی {thing_fa} همین دستگاه یا «کد دستگاه:کد {thing_fa}»؛ "
        "چند مورد را با ; جدا کنید",
        f"{desc_en}; a {thing_en} reference of this agency or AGENCY:ref; separate several "
        "with ;",
        example, many=True,
    )


def _qualified(key: str, label_fa: str, label_en: str, target: str, thing_fa: str,
               thing_en: str, desc_fa: str, desc_en: str, example: str, *,
               required: bool = True, many: bool = False) -> Column:
    """A reference that always names its agency: AGENCY:ref."""
    many_fa, many_en = ("؛ چند مورد را با ; جدا کنید", "; separate several with ;")
    if not many:
        many_fa, many_en = "", ""
    return _ref_col(
        key, label_fa, label_en, target, "qualified",
        f"{desc_fa}، به صورت «کد دستگاه:کد {thing_fa}»{many_fa}",
        f"{desc_en}, as AGENCY:{thing_en} reference{many_en}",
        example, required=required, many=many,
    )


# ---------------------------------------------------------------------------------------------
# The sheets, in load order: every sheet refers only to sheets before it (chain_links'
# depends_on refers to links of its own chain).

AGENCIES = Sheet(
    "agencies", "دستگاه‌های اجرایی", "Executive agencies",
    (
        _text_col(
            "code", "کد دستگاه", "Agency code",
            f"کد یکتای دستگاه در سطح کشور؛ در ارجاع‌های بین‌دستگاهی (کد دستگاه:کد) به کار "
            f"می‌رود؛ {_ID_RULE_FA}",
            f"Nationally unique agency code, used in cross-agency references (AGENCY:ref); "
            f"{_ID_RULE_EN}",
            "NOCR", required=True,
        ),
        *_names("name", "دستگاه", "agency", "سازمان ثبت احوال کشور",
                "National Organization for Civil Registration"),
        _alt_names("دستگاه", "agency", "اداره سجل احوال;ثبت‌احوال;NOCR"),
        _ref_col(
            "parent_code", "کد دستگاه بالادستی", "Parent agency code", "agencies", "national",
            "کد دستگاه بالادستی یا ناظر، برای واحدهای تابعه، وابسته و استانی و نهادهای دارای "
            "تفویض اختیار (ماده ۲۰)",
            "Code of the parent or supervising agency, for subsidiary, affiliated, provincial "
            "and delegated bodies (R-20)",
            "MOI",
        ),
        _ref_col(
            "delegates_to", "تفویض اختیار به", "Delegates to", "agencies", "national",
            "کد نهادهایی که بخشی از خدمات این دستگاه را با تفویض اختیار یا مجوز آن ارائه "
            "می‌دهند (شهرداری، نظام مهندسی، بیمارستان، دفتر پیشخوان، ...)؛ واحدها، پست‌ها و "
            "کارکنان آنها می‌توانند ارائه‌دهنده خدمات این دستگاه باشند (ماده ۲۰)؛ چند مورد را "
            "با ; جدا کنید",
            "Codes of the bodies that deliver some of this agency's services by its delegation "
            "or licence (a municipality, an engineering council, a hospital, a counter office, "
            "...); their units, posts and employees may deliver its services (R-20.2); "
            "separate several with ;",
            "PISHKHAN-1045", many=True,
        ),
        _choice_col(
            "kind", "نوع دستگاه", "Agency kind", AGENCY_KINDS,
            "نوع دستگاه اجرایی", "Kind of executive agency", "organization", required=True,
        ),
        _province(),
    ),
    "دستگاه‌های اجرایی و واحدهای تابعه، وابسته و استانی آنها، و نهادهایی که با تفویض اختیار "
    "یا مجوز خدمات عمومی ارائه می‌دهند (ماده ۲۰).",
    "Executive agencies, their subsidiary, affiliated and provincial units, and bodies that "
    "deliver public services by delegation or licence (R-20).",
)

UNITS = Sheet(
    "units", "واحدهای سازمانی", "Organizational units",
    (
        _text_col(
            "id", "شناسه واحد", "Unit ID",
            f"شناسه یکتای واحد سازمانی در سطح کشور؛ {_ID_RULE_FA}",
            f"Nationally unique ID of the organizational unit; {_ID_RULE_EN}",
            "U-10234", required=True,
        ),
        _owner_code("واحد", "unit"),
        *_names("name", "واحد", "unit", "اداره کل ثبت احوال استان تهران",
                "Tehran Province Civil Registration Office"),
        _ref_col(
            "parent_id", "شناسه واحد بالادستی", "Parent unit ID", "units", "national",
            "شناسه واحدی که این واحد زیرمجموعه آن است", "ID of the unit this unit reports to",
            "U-10001",
        ),
        _province(),
    ),
    "واحدهای سازمانی هر دستگاه؛ شناسه واحد در سطح کشور یکتاست.",
    "Organizational units of each agency; unit IDs are unique nationwide.",
)

POSTS = Sheet(
    "posts", "پست‌های سازمانی", "Posts",
    (
        _text_col(
            "id", "شناسه پست", "Post ID",
            f"شناسه یکتای پست سازمانی در سطح کشور (تبصره ماده ۴)؛ {_ID_RULE_FA}",
            f"Nationally unique ID of the post (R-4.3); {_ID_RULE_EN}",
            "P-553201", required=True,
        ),
        _ref_col(
            "unit_id", "شناسه واحد سازمانی", "Unit ID", "units", "national",
            "شناسه واحد سازمانی‌ای که پست در آن قرار دارد", "ID of the unit the post is in",
            "U-10234", required=True,
        ),
        *_names("title", "پست", "post", "کارشناس ثبت ولادت", "Birth registration officer"),
        _agency_code(
            "اختیاری؛ اگر درج شود، واحد سازمانی پست باید متعلق به همین دستگاه باشد",
            "Optional; when given, the post's unit must belong to this agency",
            required=False,
        ),
    ),
    "پست‌های سازمانی؛ شناسه پست در سطح کشور یکتاست.",
    "Organizational posts; post IDs are unique nationwide.",
)

EMPLOYEES = Sheet(
    "employees", "کارمندان", "Employees",
    (
        _text_col(
            "id", "شناسه کارمند", "Employee ID",
            f"شناسه کارمندی یکتا در سطح کشور (تبصره ماده ۴)؛ {_ID_RULE_FA}",
            f"Nationally unique employee ID (R-4.3); {_ID_RULE_EN}",
            "E-7781", required=True,
        ),
        _ref_col(
            "post_id", "شناسه پست‌ها", "Post IDs", "posts", "national",
            "شناسه پست یا پست‌هایی که کارمند عهده‌دار آنهاست؛ چند مورد را با ; جدا کنید",
            "ID of the post or posts the employee holds; separate several with ;",
            "P-553201;P-553207", required=True, many=True,
        ),
        _agency_code(
            "اختیاری؛ کد دستگاه محل خدمت کارمند", "Optional; code of the employing agency",
            required=False,
        ),
    ),
    "کارمندان فقط با شناسه کارمندی ثبت می‌شوند؛ نام و دیگر اطلاعات شخصی ثبت نمی‌شود.",
    "Employees are recorded by employee ID only; no names or other personal details.",
)

DUTIES = Sheet(
    "duties", "وظایف", "Duties",
    (
        _owner_code("وظیفه", "duty"),
        _local_ref("وظیفه", "Duty", "D-01"),
        *_names("title", "وظیفه یا مأموریت", "duty or mission", "ثبت ولادت و صدور شناسنامه",
                "Registering births and issuing birth certificates"),
        _text_col(
            "legal_basis", "مبنای قانونی", "Legal basis",
            "قانون یا مقرره‌ای که این وظیفه را بر عهده دستگاه گذاشته است، با ذکر ماده؛ "
            "چند مورد را با ; جدا کنید",
            "The law or regulation, with its article, that mandates the duty; separate several "
            "with ;",
            "قانون ثبت احوال، ماده ۱", required=True, kind="list",
        ),
        _text_col(
            "duty_id", "شناسه وظیفه", "Duty ID",
            "شناسه‌ای که چرخه پس از تأیید سازمان صادر می‌کند (ماده ۳)؛ خالی بماند: مقدار "
            "دیگری جز همان که صادر شده پذیرفته نیست",
            "The ID the cycle issues on the Organization's approval (R-3.2); leave it empty: "
            "no value but the one issued is accepted",
            "",
        ),
        _status("وظیفه", "duty"),
        _text_col(
            "changed_on", "تاریخ تغییر", "Changed on",
            "تاریخ آخرین تغییر وظیفه، به هجری شمسی (۱۴۰۳/۱۰/۰۸) یا میلادی (2025-12-28)؛ "
            "به‌روزرسانی در سامانه باید ظرف ۱۰ روز از این تاریخ انجام شود (تبصره ماده ۳)",
            "Date the duty last changed, Solar Hijri (1403/10/08) or ISO (2025-12-28); the "
            "System must be updated within 10 days of it (R-3.3)",
            "1403/10/08", kind="date",
        ),
    ),
    "وظایف و مأموریت‌های قانونی دستگاه (گام اول، ماده ۳).",
    "The agency's legal duties and missions (step 1, R-3).",
)

SERVICES = Sheet(
    "services", "خدمات", "Services",
    (
        _owner_code("خدمت", "service"),
        _local_ref("خدمت", "Service", "S-01"),
        *_names("title", "خدمت", "service", "صدور شناسنامه نوزاد", "Issuing a newborn's birth "
                "certificate"),
        _alt_names("خدمت", "service", "شناسنامه نوزاد;Birth certificate"),
        _choice_col(
            "kind", "نوع", "Kind", SERVICE_KINDS,
            "خدمت یا استعلام", "A service or an inquiry", "service", required=True,
        ),
        _ref_col(
            "duties", "وظایف مرتبط", "Duties", "duties", "agency",
            "وظیفه یا وظایفی که خدمت بر اساس آنها ارائه می‌شود (ماده ۴)؛ کد داخلی وظیفه همین "
            "دستگاه یا «کد دستگاه:کد وظیفه»؛ چند مورد را با ; جدا کنید",
            "The duty or duties the service is mapped to (R-4.1); a duty reference of this "
            "agency or AGENCY:ref; separate several with ;",
            "D-01;MOI:D-07", required=True, many=True,
        ),
        _ref_col(
            "units", "واحدهای ارائه‌دهنده", "Delivering units", "units", "national",
            "شناسه واحدهای سازمانی ارائه‌دهنده خدمت (تبصره ماده ۴)؛ چند مورد را با ; جدا کنید",
            "IDs of the units that deliver the service (R-4.3); separate several with ;",
            "U-10234", many=True,
        ),
        _ref_col(
            "posts", "پست‌های ارائه‌دهنده", "Delivering posts", "posts", "national",
            "شناسه پست‌های سازمانی ارائه‌دهنده خدمت (تبصره ماده ۴)؛ چند مورد را با ; جدا کنید",
            "IDs of the posts that deliver the service (R-4.3); separate several with ;",
            "P-553201", many=True,
        ),
        _ref_col(
            "employees", "کارمندان ارائه‌دهنده", "Delivering employees", "employees",
            "national",
            "شناسه کارمندی افراد ارائه‌دهنده خدمت (تبصره ماده ۴)؛ چند مورد را با ; جدا کنید",
            "Employee IDs of the people who deliver the service (R-4.3); separate several "
            "with ;",
            "E-7781;E-7790", many=True,
        ),
        _choice_col(
            "delivery", "سطح ارائه", "Delivery level", DELIVERY_LEVELS,
            "سطح ارائه خدمت: حضوری، الکترونیکی یا هوشمند (ماده ۹)",
            "How the service is delivered: in person, electronic or smart (R-9)", "electronic",
        ),
        _text_col(
            "service_id", "شناسه خدمت", "Service ID",
            "شناسه‌ای که چرخه پس از تأیید سازمان صادر می‌کند (ماده ۴)؛ خالی بماند: مقدار "
            "دیگری جز همان که صادر شده پذیرفته نیست",
            "The ID the cycle issues on the Organization's approval (R-4.2); leave it empty: "
            "no value but the one issued is accepted",
            "",
        ),
        _status("خدمت", "service"),
        _text_col(
            "legacy_id", "شناسه پیشین خدمت", "Legacy ID",
            "شناسه خدمت در سامانه ملی خدمات دولت؛ تنها مدیر سامانه با «ورود شناسه‌های پیشین» "
            "آن را ثبت می‌کند؛ خالی بماند",
            "The service's ID in the national government services registry; recorded only by "
            "an administrator's legacy import (govcat admin legacy-ids); leave it empty",
            "10021003000",
        ),
    ),
    "خدمات و استعلام‌های دستگاه و نگاشت آنها به وظایف (گام دوم، ماده ۴).",
    "The agency's services and inquiries, mapped to its duties (step 2, R-4).",
)

INFORMATION_SYSTEMS = Sheet(
    "information_systems", "سامانه‌های اطلاعاتی", "Information systems",
    (
        _owner_code("سامانه", "system"),
        _local_ref("سامانه", "System", "IS-01"),
        *_names("name", "سامانه", "system", "سامانه ثبت وقایع حیاتی",
                "Vital events registration system"),
        _text_col(
            "url", "نشانی اینترنتی", "URL",
            "نشانی سامانه، با http:// یا https:// آغاز شود",
            "The system's address, starting with http:// or https://",
            "https://www.sabteahval.ir", kind="url",
        ),
        _agency_refs(
            "services", "خدمات پشتیبانی‌شده", "Supported services", "services", "خدمت",
            "service", "خدماتی که این سامانه پشتیبانی می‌کند",
            "Services the system supports", "S-01;S-02",
        ),
    ),
    "سامانه‌های اطلاعاتی دستگاه (گام پنجم، ماده ۱۰).",
    "The agency's information systems (step 5, R-10).",
)

DATASETS = Sheet(
    "datasets", "مجموعه‌داده‌ها", "Datasets",
    (
        _owner_code("مجموعه‌داده", "dataset"),
        _local_ref("مجموعه‌داده", "Dataset", "DS-01"),
        *_names("title", "مجموعه‌داده", "dataset", "پایگاه اطلاعات هویتی اشخاص",
                "Personal identity records"),
        _alt_names("مجموعه‌داده", "dataset", "پایگاه هویتی;Identity register"),
        _ref_col(
            "information_system", "سامانه نگهدارنده", "Information system",
            "information_systems", "agency",
            "سامانه‌ای که مجموعه‌داده در آن نگهداری می‌شود؛ کد داخلی سامانه همین دستگاه یا "
            "«کد دستگاه:کد سامانه»",
            "The system that holds the dataset; a system reference of this agency or "
            "AGENCY:ref",
            "IS-01", required=True,
        ),
        _agency_refs(
            "services", "خدمات استفاده‌کننده", "Services using it", "services", "خدمت",
            "service", "خدماتی که از این مجموعه‌داده استفاده می‌کنند",
            "Services that use the dataset", "S-01",
        ),
        _choice_col(
            "personal_data", "داده شخصی", "Personal data", YES_NO,
            "آیا مجموعه‌داده شامل داده‌های شخصی افراد است؟",
            "Whether the dataset contains personal data", "yes", kind="bool",
        ),
        _choice_col(
            "classification", "سطح طبقه‌بندی", "Classification", CLASSIFICATIONS,
            "سطح طبقه‌بندی و دسترسی به مجموعه‌داده", "Security classification and access level",
            "confidential",
        ),
        _choice_col(
            "update_frequency", "دوره به‌روزرسانی", "Update frequency", FREQUENCIES,
            "فاصله زمانی به‌روزرسانی داده‌ها", "How often the data is updated",
            "continuous",
        ),
    ),
    "کاتالوگ داده: مجموعه‌داده‌هایی که در سامانه‌های دستگاه نگهداری می‌شوند "
    "(گام پنجم، ماده ۱۰).",
    "The data catalog: datasets held in the agency's information systems (step 5, R-10).",
)

DATA_FLOWS = Sheet(
    "data_flows", "جریان‌های داده", "Data flows",
    (
        _qualified(
            "from_system", "سامانه مبدأ", "From system", "information_systems", "سامانه",
            "system", "سامانه‌ای که داده را می‌فرستد", "The system that sends the data",
            "NOCR:IS-01",
        ),
        _qualified(
            "to_system", "سامانه مقصد", "To system", "information_systems", "سامانه",
            "system", "سامانه‌ای که داده را دریافت می‌کند", "The system that receives the data",
            "MOH:IS-03",
        ),
        _qualified(
            "dataset", "مجموعه‌داده", "Dataset", "datasets", "مجموعه‌داده", "dataset",
            "مجموعه‌داده‌ای که منتقل می‌شود", "The dataset that moves", "NOCR:DS-01",
        ),
        _text_col(
            "purpose_fa", "هدف تبادل", "Purpose (Persian)",
            "هدف یا کاربرد این تبادل داده، به فارسی", "What the exchange is for, in Persian",
            "استعلام هویت بیمار هنگام پذیرش",
        ),
    ),
    "نقشه داده: هر ردیف انتقال یک مجموعه‌داده از یک سامانه به سامانه دیگر است (ماده ۱۰).",
    "The data map: each row is one dataset moving from one system to another (R-10.1).",
)

CHAINS = Sheet(
    "chains", "زنجیره‌های خدمات", "Service chains",
    (
        _text_col(
            "ref", "کد زنجیره", "Chain reference",
            f"کد یکتای زنجیره در سطح کشور؛ {_ID_RULE_FA}",
            f"Nationally unique chain reference; {_ID_RULE_EN}", "CH-001", required=True,
        ),
        *_names("title", "زنجیره", "chain", "صدور شناسنامه نوزاد در بیمارستان",
                "Birth certificate issued at the hospital"),
        _qualified(
            "final_service", "خدمت نهایی", "Final service", "services", "خدمت", "service",
            "خدمتی که زنجیره در نهایت به خدمت‌گیرنده ارائه می‌دهد",
            "The service the chain finally delivers", "NOCR:S-01",
        ),
        _ref_col(
            "responsible_agency", "دستگاه مسئول", "Responsible agency", "agencies", "national",
            "کد دستگاه مسئول زنجیره؛ به حکم ماده ۶ دستگاهی که خدمت نهایی را ارائه می‌دهد "
            "مسئول است",
            "Code of the agency responsible for the chain; under R-6.2, the agency that "
            "delivers the final service",
            "NOCR",
        ),
    ),
    "زنجیره‌های خدمات بین‌دستگاهی که خدمت نهایی را در یک جا به خدمت‌گیرنده می‌رسانند "
    "(ماده ۶).",
    "Inter-agency service chains that deliver a final service in one place (R-6).",
)

CHAIN_LINKS = Sheet(
    "chain_links", "حلقه‌های زنجیره", "Chain links",
    (
        _ref_col(
            "chain_ref", "کد زنجیره", "Chain reference", "chains", "national",
            "کد زنجیره‌ای که این حلقه جزء آن است", "The chain this link belongs to", "CH-001",
            required=True,
        ),
        _text_col(
            "order", "ترتیب", "Order",
            "شماره ترتیب حلقه در زنجیره؛ عدد صحیح از ۱ به بالا و در هر زنجیره یکتا",
            "The link's position in the chain; an integer from 1, unique within the chain",
            "2", required=True, kind="int",
        ),
        _qualified(
            "service", "خدمت", "Service", "services", "خدمت", "service",
            "خدمتی که در این حلقه ارائه می‌شود", "The service performed at this link",
            "MOH:S-12",
        ),
        _ref_col(
            "depends_on", "وابسته به", "Depends on", "chain_links", "chain",
            "حلقه‌هایی از همین زنجیره که این حلقه به نتیجه آنها نیاز دارد: شماره ترتیب حلقه، یا "
            "خدمتی که آن حلقه ارائه می‌دهد به صورت «کد دستگاه:کد خدمت»؛ خدمتی که هیچ حلقه‌ای "
            "از این زنجیره ارائه نمی‌دهد پذیرفته نیست؛ چند مورد را با ; جدا کنید",
            "The links of the same chain this link needs: a link's order, or the service a "
            "link of the chain delivers as AGENCY:ref; a service no link of the chain "
            "delivers is refused; separate several with ;",
            "1;SABT:S-01", many=True,
        ),
        _qualified(
            "datasets", "مجموعه‌داده‌های مبادله‌شده", "Exchanged datasets", "datasets",
            "مجموعه‌داده", "dataset", "مجموعه‌داده‌هایی که در این حلقه مبادله می‌شوند",
            "Datasets exchanged at this link", "NOCR:DS-01", required=False, many=True,
        ),
    ),
    "حلقه‌های هر زنجیره: خدمت هر دستگاه در زنجیره، ترتیب و وابستگی حلقه‌ها و داده‌های "
    "مبادله‌شده (ماده ۶).",
    "The links of each chain: each agency's service in it, their order and dependencies, and "
    "the data exchanged (R-6.1).",
)

# -- Step 3: improvement plans (R-5.1, R-5.3; ADR 0027) --------------------------------------

INDICATOR_DIRECTIONS = (("increase", "افزایشی (بیشتر بهتر است)"),
                        ("decrease", "کاهشی (کمتر بهتر است)"))


def _termed(column: Column, term: str, scheme: str | None = None) -> Column:
    """The column, mapped to the JSON-LD term `term` (a kind mapped from its columns)."""
    return replace(column, term=term, scheme=scheme)


def _plan_of(thing_fa: str, thing_en: str) -> Column:
    return _termed(_ref_col(
        "plan", "کد برنامه", "Plan reference", "improvement_plans", "agency",
        f"کد داخلی برنامه بهبودی که این {thing_fa} جزء آن است؛ برنامه از همین دستگاه",
        f"The reference of the improvement plan this {thing_en} belongs to, of the same agency",
        "PL-01", required=True,
    ), "plan")


IMPROVEMENT_PLANS = Sheet(
    "improvement_plans", "برنامه‌های بهبود", "Improvement plans",
    (
        _owner_code("برنامه", "plan"),
        _termed(_local_ref("برنامه", "Plan", "PL-01"), "ref"),
        *(_termed(c, "title") for c in _names(
            "title", "برنامه", "plan", "کاهش زمان صدور شناسنامه نوزاد",
            "Cutting the time to issue a newborn's birth certificate")),
        _termed(_text_col(
            "goals_fa", "اهداف (فارسی)", "Goals (Persian)",
            "اهداف برنامه بهبود به فارسی (ماده ۵)", "The plan's goals, in Persian (R-5.1)",
            "صدور شناسنامه در همان روز تولد، بدون مراجعه حضوری", required=True,
        ), "goal"),
        _termed(_text_col(
            "goals_en", "اهداف (انگلیسی)", "Goals (English)",
            "اهداف برنامه به انگلیسی (اختیاری)", "The plan's goals, in English (optional)",
            "Certificates issued on the day of birth, with no visit",
        ), "goal"),
        _termed(_ref_col(
            "service", "خدمت", "Service", "services", "agency",
            "خدمتِ دارای شناسه خدمت که این برنامه آن را بهبود می‌دهد (ماده ۵)؛ کد داخلی "
            "خدمت همین دستگاه",
            "The service, holding a service ID, that the plan improves (R-5.1); a service "
            "reference of this agency",
            "S-01", required=True,
        ), "improves"),
        _termed(_text_col(
            "pilot_province", "استان پایلوت", "Pilot province",
            "اگر برنامه نخست در یک استان اجرا می‌شود، شناسه آن استان در فهرست استان‌ها "
            "(مانند tehran)؛ بخش استانی برنامه یک ماه پس از تأیید سازمان ثبت می‌شود "
            "(تبصره ۲ ماده ۵)",
            "When the plan is piloted in one province first, the province's slug (e.g. "
            "tehran); the plan's provincial slice is due a month after the Organization "
            "approves it (R-5.5)",
            "tehran",
        ), "spatial", "province"),
        _termed(_text_col(
            "plan_id", "شناسه برنامه", "Plan ID",
            "شناسه‌ای که چرخه پس از تأیید سازمان صادر می‌کند؛ خالی بماند",
            "The ID the cycle issues on the Organization's approval (R-5.1); leave it empty",
            "",
        ), "planId"),
        _termed(_status("برنامه", "plan"), "status", "status"),
    ),
    "برنامه‌های بهبود فرایند برای هر خدمت دارای شناسه (گام سوم، ماده ۵)؛ نخست شورای راهبری "
    "دستگاه آن را تصویب می‌کند و سپس سازمان.",
    "Process improvement plans, one for each service that holds a service ID (step 3, R-5.1); "
    "endorsed first by the agency's steering council, then approved by the Organization.",
)

PLAN_INDICATORS = Sheet(
    "plan_indicators", "شاخص‌های برنامه", "Plan indicators",
    (
        _owner_code("شاخص", "indicator"),
        _plan_of("شاخص", "indicator"),
        _termed(_local_ref("شاخص", "Indicator", "IND-1"), "ref"),
        *(_termed(c, "title") for c in _names(
            "title", "شاخص", "indicator", "میانگین زمان صدور شناسنامه",
            "Average time to issue a certificate")),
        _termed(_text_col(
            "unit_fa", "واحد سنجش", "Unit of measure (Persian)",
            "واحد سنجش شاخص به فارسی (ماده ۵)", "The indicator's unit, in Persian (R-5.1)",
            "روز", required=True,
        ), "unitOfMeasure"),
        _termed(_text_col(
            "unit_en", "واحد سنجش انگلیسی", "Unit of measure (English)",
            "واحد سنجش به انگلیسی (اختیاری)", "The unit, in English (optional)", "days",
        ), "unitOfMeasure"),
        _termed(_text_col(
            "baseline", "مقدار پیش از بهبود", "Value before",
            "مقدار شاخص پیش از اجرای برنامه (ماده ۵)", "The indicator's value before the "
            "plan (R-5.1)", "14", required=True, kind="decimal",
        ), "baseline"),
        _termed(_text_col(
            "target", "مقدار هدف", "Target value",
            "مقداری که شاخص باید پس از اجرای برنامه به آن برسد (ماده ۵)",
            "The value the indicator should reach after the plan (R-5.1)", "1",
            required=True, kind="decimal",
        ), "target"),
        _termed(_choice_col(
            "direction", "جهت بهبود", "Direction", INDICATOR_DIRECTIONS,
            "افزایشی اگر مقدار بیشتر بهتر است، کاهشی اگر کمتر بهتر است",
            "increase when a higher value is better, decrease when a lower one is",
            "decrease", required=True,
        ), "direction", "indicator-direction"),
    ),
    "شاخص‌های هر برنامه بهبود با واحد سنجش، مقدار پیش از بهبود و هدف (ماده ۵)؛ مقدار "
    "تحقق‌یافته با گزارش‌های پیشرفت ثبت می‌شود.",
    "The indicators of each improvement plan, with unit, value before and target (R-5.1); the "
    "values reached come with the progress reports (R-5.2).",
)

PLAN_ACTIONS = Sheet(
    "plan_actions", "اقدامات برنامه", "Plan actions",
    (
        _owner_code("اقدام", "action"),
        _plan_of("اقدام", "action"),
        _termed(_local_ref("اقدام", "Action", "A-1"), "ref"),
        *(_termed(c, "title") for c in _names(
            "title", "اقدام", "action", "اتصال بیمارستان‌ها به سامانه ثبت ولادت",
            "Connecting hospitals to the birth registration system")),
        _termed(_text_col(
            "start", "تاریخ شروع", "Start date",
            "تاریخ شروع اقدام، به هجری شمسی (۱۴۰۴/۰۷/۰۱) یا میلادی", "When the action "
            "starts, Solar Hijri (1404/07/01) or ISO", "1404/07/01", required=True,
            kind="date",
        ), "startDate"),
        _termed(_text_col(
            "due", "تاریخ سررسید", "Due date",
            "تاریخی که اقدام باید تا آن انجام شود (زمان‌بندی برنامه، ماده ۵)",
            "When the action is due to be done (the plan's timeline, R-5.1)", "1404/12/15",
            required=True, kind="date",
        ), "dueDate"),
        _termed(_text_col(
            "approaches", "رویکردها", "Approaches",
            "رویکرد یا رویکردهای اقدام از فهرست ماده ۵ (مانند process_mining یا «داده‌کاوی "
            "فرایند»)؛ چند مورد را با ; جدا کنید",
            "The approach or approaches of the action, from R-5.3's list (e.g. "
            "process_mining); separate several with ;",
            "integrated_registry_data;iot", required=True, kind="list",
        ), "approach", "approach"),
    ),
    "زمان‌بندی اقدامات هر برنامه بهبود با رویکرد هر اقدام (ماده ۵).",
    "The timeline of each improvement plan's actions, each tagged with its approaches (R-5.1, "
    "R-5.3).",
)

@cache
def _header_index(sheet: Sheet) -> dict[str, str]:
    return {s: c.key for c in sheet.columns for s in _spellings(c)}


def header_to_key(sheet: Sheet, header: object) -> str | None:
    """The column key a header cell names (English key, Persian label or English label).

    Tolerates case, a trailing ``*``, spacing and spelling variants; None for empty or unknown
    headers, which the loader reports or ignores.
    """
    if header is None:
        return None
    text = str(header)
    if not normalize_fa(text):
        return None
    return _header_index(sheet).get(_match_key(text))


@cache
def _label_index(sheet: Sheet) -> frozenset[str]:
    return frozenset(_match_key(label) for c in sheet.columns for label in (c.label_fa, c.label_en))


def is_label_row(sheet: Sheet, values: Iterable[object]) -> bool:
    """Whether a row is the (optional) label row under the keys, to be skipped as data.

    True when the row has at least one non-empty cell and every non-empty cell is a column
    label (Persian, optionally with ``*``, or English) of this sheet. Keys alone don't count:
    row 1 is the key row, and a data row is never made only of labels.
    """
    labels = _label_index(sheet)
    cells = [str(v) for v in values if v is not None and normalize_fa(str(v))]
    return bool(cells) and all(_match_key(c) in labels for c in cells)


def split_list(value: str) -> tuple[str, ...]:
    """Items of a list cell: split on ``;`` or ``؛``, normalized, empty items dropped."""
    text = normalize_fa(value)
    for sep in LIST_SEPARATORS[1:]:
        text = text.replace(sep, LIST_SEPARATORS[0])
    return tuple(item for item in (normalize_fa(p) for p in text.split(";")) if item)


def split_ref(value: str) -> tuple[str | None, str]:
    """``AGENCY:ref`` → (agency, ref); a bare ``ref`` → (None, ref). Both parts normalized.

    Raises CellError when either side of the ``:`` is empty or there is more than one ``:``.
    """
    text = normalize_key(value)
    parts = [normalize_key(p) for p in text.split(REF_SEPARATOR)]
    if len(parts) == 1 and parts[0]:
        return None, parts[0]
    if len(parts) == 2 and all(parts):
        return parts[0], parts[1]
    raise CellError(
        f"{text!r} is not a reference: expected ref or AGENCY:ref",
        f"«{text}» ارجاع معتبری نیست؛ قالب درست «کد» یا «کد دستگاه:کد» است",
        value,
    )


def sheet_key(name: str) -> str:
    """The lenient form a sheet's name is matched by (case, spacing, spelling variants)."""
    return _match_key(name)
