"""Input records: one pydantic model per kind of thing a steward registers.

Field names are the spreadsheet keys (catalog/sheets.py, a published contract). Text is
normalized on the way in (catalog.text); dates may be Solar Hijri or ISO (catalog.jalali).
Cardinality rules that the regulation states (a service maps to one or more duties, R-4.1)
are left to the SHACL shapes, so their messages cite the requirement.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from rdflib.namespace import SKOS

from catalog.iri_check import IRI_RULE, shown, web_address_problem
from catalog.jalali import parse_date
from catalog.ontology import codelists_graph
from catalog.text import normalize_fa, normalize_key, search_key
from catalog.vocab import CODE

REF_PATTERN = r"^[^\s/:;#?]+$"
QUALIFIED_PATTERN = r"^[^\s/:;#?]+:[^\s/:;#?]+$"


def _text(value: Any) -> Any:
    return normalize_fa(value) if isinstance(value, str) else value


def _opt_text(value: Any) -> Any:
    if value is None:
        return None
    text = normalize_fa(str(value))
    return text or None


def _key(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(int(value)) if float(value).is_integer() else str(value)
    return normalize_key(value) if isinstance(value, str) else value


def _opt_key(value: Any) -> Any:
    value = _key(value)
    return value or None


def _split(value: Any) -> Any:
    """A `;`-separated cell, or a list already."""
    if value is None:
        return ()
    if isinstance(value, str | int | float):
        # The Persian semicolon separates list items as well as the Latin one.
        parts = [_key(p) for p in normalize_fa(str(_key(value))).replace("؛", ";").split(";")]
        return tuple(p for p in parts if p)
    return tuple(_key(v) for v in value if _key(v))


def _split_text(value: Any) -> Any:
    if isinstance(value, str):
        items = normalize_fa(value).replace("؛", ";").split(";")
        return tuple(p for p in (x.strip() for x in items) if p)
    return () if value is None else tuple(normalize_fa(str(v)) for v in value)


def _date(value: Any) -> Any:
    if value in (None, ""):
        return None
    return parse_date(value)


def _bool(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    text = normalize_fa(str(value)).casefold()
    if text == "":
        return None
    if text in ("yes", "true", "1", "بله", "بلی", "آری", "دارد"):
        return True
    if text in ("no", "false", "0", "خیر", "نه", "ندارد"):
        return False
    raise ValueError("expected yes or no (بله / خیر)")


@cache
def codes(scheme: str) -> dict[str, str]:
    """One SKOS code list of ontology/codelists.ttl: each notation, and each fa or en label,
    normalized, to its notation (a steward may write «تهران» or `tehran`); also the code of
    the concept a skos:exactMatch names (`DAILY_2` of the EU frequency table, R-10.1)."""
    prefix = f"{CODE}{scheme}/"
    g = codelists_graph()
    found: dict[str, str] = {}
    for c, n in g.subject_objects(SKOS.notation):
        if str(c).startswith(prefix):
            found[str(n).lower()] = str(n)
            for label in g.objects(c, SKOS.prefLabel):
                found.setdefault(search_key(str(label)), str(n))
            for match in g.objects(c, SKOS.exactMatch):
                found.setdefault(str(match).rsplit("/", 1)[-1].lower(), str(n))
    return found


def _in_scheme(scheme: str) -> Any:
    def check(value: Any) -> str | None:
        key = _opt_key(value)
        if key is None:
            return None
        table = codes(scheme)
        notation = table.get(str(key).lower()) or table.get(search_key(str(key)))
        if notation is None:
            allowed = sorted(set(table.values()))
            raise ValueError(f"{key!r} is not one of: {', '.join(allowed)}")
        return notation

    return check


def _code_in(scheme: str) -> Any:
    return Annotated[str | None, BeforeValidator(_in_scheme(scheme))]


MAX_TEXT = 2000  # the longest text a cell may hold (a title, a legal basis, a description)
Text = Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=MAX_TEXT)]
OptText = Annotated[str | None, BeforeValidator(_opt_text), Field(max_length=MAX_TEXT)]
Ref = Annotated[
    str, BeforeValidator(_key), Field(min_length=1, max_length=120, pattern=REF_PATTERN)]
OptRef = Annotated[
    str | None, BeforeValidator(_opt_key), Field(max_length=120, pattern=REF_PATTERN)]
Qualified = Annotated[str, BeforeValidator(_key), Field(pattern=QUALIFIED_PATTERN, max_length=250)]
AnyRef = Annotated[str, Field(pattern=r"^[^\s/;#?]+$", max_length=250)]
RefList = Annotated[tuple[AnyRef, ...], BeforeValidator(_split)]
QualifiedList = Annotated[tuple[Annotated[str, Field(pattern=QUALIFIED_PATTERN)], ...],
                          BeforeValidator(_split)]
TextList = Annotated[tuple[Annotated[str, Field(max_length=MAX_TEXT)], ...],
                     BeforeValidator(_split_text)]
OptDate = Annotated[date | None, BeforeValidator(_date)]


def _decimal(value: Any) -> Any:
    """A number as a cell gives it: Persian or Arabic digits, the Persian decimal separator
    (٫) and thousands separators (٬ or ,) read as typed; an exact decimal, never a float."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = normalize_fa(str(value)).replace("٫", ".").replace("٬", "").replace(",", "")
    try:
        number = Decimal(text.replace(" ", ""))
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number (عدد نیست)") from None
    if not number.is_finite():
        raise ValueError(f"{text!r} is not a number (عدد نیست)")
    return number


Number = Annotated[Decimal, BeforeValidator(_decimal)]


def _codes_in(scheme: str) -> Any:
    """A `;`-separated cell of codes of one code list, each as its notation."""
    one = _in_scheme(scheme)

    def check(value: Any) -> tuple[str, ...]:
        return tuple(c for c in (one(v) for v in _split_text(value)) if c)

    return check


class IriError(ValueError):
    """A web address that is not one, in English and Persian, with the rule it breaks
    (loaders.rows reports all three)."""

    def __init__(self, en: str, fa: str, value: object) -> None:
        self.message_en = f"{en}: {shown(value)}"
        self.message_fa = f"{fa}: «{shown(value)}»"
        self.requirement = IRI_RULE
        self.value = value
        super().__init__(f"{self.message_en} | {self.message_fa}")


def web_address(value: Any) -> str | None:
    """A web address (ADR 0025): an absolute http(s) IRI by RFC 3987, at most 2,000
    characters; None for an empty cell. Kept as typed (in NFC, as RFC 3987 asks): Persian
    digits or letters of an address are not folded as text is, which would change it."""
    if value is None or str(value).strip() == "":
        return None
    text = unicodedata.normalize("NFC", str(value).strip())
    why = web_address_problem(text) if len(text) <= MAX_IRI else (
        f"longer than {MAX_IRI} characters", f"بلندتر از {MAX_IRI} نویسه")
    if why is not None:
        raise IriError(*why, value=text)
    return text


MAX_IRI = 2000
OptWebAddress = Annotated[str | None, BeforeValidator(web_address)]
OptBool = Annotated[bool | None, BeforeValidator(_bool)]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Agency(Record):
    """An executive agency, or a subsidiary, provincial or delegated body of one (R-20)."""

    code: Ref
    name_fa: Text
    name_en: OptText = None
    parent_code: OptRef = None
    kind: Annotated[str, BeforeValidator(_in_scheme("agency-kind"))]
    province: _code_in("province") = None  # type: ignore[valid-type]
    # Bodies delivering some of its services by its delegation or licence.
    delegates_to: Annotated[tuple[Annotated[str, Field(pattern=REF_PATTERN, max_length=120)],
                                  ...], BeforeValidator(_split)] = ()
    alt_names: TextList = ()  # other names people know it by (skos:altLabel, ADR 0024)


class Unit(Record):
    id: Ref
    agency_code: Ref
    name_fa: Text
    name_en: OptText = None
    parent_id: OptRef = None
    province: _code_in("province") = None  # type: ignore[valid-type]


class Post(Record):
    id: Ref
    unit_id: Ref
    title_fa: Text
    title_en: OptText = None
    agency_code: OptRef = None


class Employee(Record):
    """A person by a synthetic or HR employee ID only: govcat keeps no names (R-4.3)."""

    id: Ref
    post_id: RefList
    agency_code: OptRef = None


class Duty(Record):
    """A legal duty or mission of an agency (step 1, R-3.1)."""

    agency_code: Ref
    ref: Ref
    title_fa: Text
    title_en: OptText = None
    legal_basis: TextList = ()
    duty_id: OptRef = None
    status: _code_in("status") = None  # type: ignore[valid-type]
    changed_on: OptDate = None


class Service(Record):
    """A public service or inquiry (step 2, R-4)."""

    agency_code: Ref
    ref: Ref
    title_fa: Text
    title_en: OptText = None
    kind: Annotated[str, BeforeValidator(_in_scheme("service-kind"))]
    duties: RefList = ()
    units: RefList = ()
    posts: RefList = ()
    employees: RefList = ()
    delivery: _code_in("delivery-level") = None  # type: ignore[valid-type]
    service_id: OptRef = None
    status: _code_in("status") = None  # type: ignore[valid-type]
    legacy_id: OptRef = None
    alt_names: TextList = ()


class InformationSystem(Record):
    agency_code: Ref
    ref: Ref
    name_fa: Text
    name_en: OptText = None
    url: OptWebAddress = None
    services: RefList = ()


class Dataset(Record):
    agency_code: Ref
    ref: Ref
    title_fa: Text
    title_en: OptText = None
    information_system: Annotated[str, BeforeValidator(_key), Field(pattern=r"^[^\s/;#?]+$")]
    services: RefList = ()
    personal_data: OptBool = None
    classification: _code_in("classification") = None  # type: ignore[valid-type]
    update_frequency: _code_in("frequency") = None  # type: ignore[valid-type]
    alt_names: TextList = ()


class DataFlow(Record):
    """An edge of the data map: one dataset moving from one system to another (R-10.1)."""

    from_system: Qualified
    to_system: Qualified
    dataset: Qualified
    purpose_fa: OptText = None


class Chain(Record):
    """An inter-agency service chain (R-6.1); the final service's agency answers for it (R-6.2)."""

    ref: Ref
    title_fa: Text
    title_en: OptText = None
    final_service: Qualified
    responsible_agency: OptRef = None


class DependencyError(ValueError):
    """A depends_on item that is neither a link's order nor a service, in English and Persian
    (loaders.rows reports both)."""

    def __init__(self, value: object) -> None:
        self.message_en = (f"{value!r} is neither the order of a link of this chain (a whole "
                           "number from 1) nor the service it waits for (AGENCY:ref)")
        self.message_fa = (f"«{value}» نه شماره ترتیب حلقه‌ای از همین زنجیره (عدد صحیح از ۱) "
                           "است و نه خدمتی که این حلقه منتظر آن است (کد دستگاه:کد خدمت)")
        super().__init__(f"{self.message_en} | {self.message_fa}")


def _dependency(value: Any) -> int | str:
    """One link a chain link waits for (R-6.1): its order in the chain, or the service it
    delivers as AGENCY:ref (catalog.records_rdf resolves that to the chain's link)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    text = str(_key(value))
    if text.isdigit() and int(text) >= 1:
        return int(text)
    if re.fullmatch(QUALIFIED_PATTERN, text) and len(text) <= 250:
        return text
    raise DependencyError(value)


Dependency = Annotated[int | str, BeforeValidator(_dependency)]


class ChainLink(Record):
    chain_ref: Ref
    order: Annotated[int, BeforeValidator(lambda v: _key(v)), Field(ge=1, le=10_000)]
    service: Qualified
    # The links it waits for: by order (2) or by the service they deliver (SABT:S-01).
    depends_on: Annotated[tuple[Dependency, ...], BeforeValidator(_split)] = ()
    datasets: QualifiedList = ()


# -- Step 3: improvement plans (R-5.1, R-5.3; ADR 0027) --------------------------------------

class ImprovementPlan(Record):
    """An improvement plan for a service that holds a service ID (step 3, R-5.1)."""

    agency_code: Ref
    ref: Ref
    title_fa: Text
    title_en: OptText = None
    goals_fa: Text
    goals_en: OptText = None
    service: Ref
    pilot_province: _code_in("province") = None  # type: ignore[valid-type]
    plan_id: OptRef = None
    status: _code_in("status") = None  # type: ignore[valid-type]


class Indicator(Record):
    """An indicator of an improvement plan: unit, value before, target (R-5.1)."""

    agency_code: Ref
    plan: Ref
    ref: Ref
    title_fa: Text
    title_en: OptText = None
    unit_fa: Text
    unit_en: OptText = None
    baseline: Number
    target: Number
    direction: Annotated[str, BeforeValidator(_in_scheme("indicator-direction"))]


class ImprovementAction(Record):
    """A dated action of an improvement plan, tagged by approach (R-5.1, R-5.3)."""

    agency_code: Ref
    plan: Ref
    ref: Ref
    title_fa: Text
    title_en: OptText = None
    start: Annotated[date, BeforeValidator(_date)]
    due: Annotated[date, BeforeValidator(_date)]
    approaches: Annotated[tuple[str, ...], BeforeValidator(_codes_in("approach")),
                          Field(min_length=1)]
