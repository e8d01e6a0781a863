"""A synthetic country in govcat's CSV template: one file per sheet, loadable by `govcat load`.

Usage:
    python bench/generate.py OUT_DIR --scale 0.01 [--seed 7] [--parts N]  # prints row counts
    from bench.generate import generate; generate(Path("out"), 0.01, seed=7, parts=1)

Seeded and deterministic: the same scale and seed give byte-identical files. Rows are streamed
to one csv.writer per sheet, agency by agency, so memory stays small at national scale; only
per-agency counts, service titles and kinds, and the flow keys are kept for the whole country.

In parts (--parts N): a national country is too large for one atomic submission (the loader
holds a submission as RDF, about 20 GB), so the same rows can be written as N + 1 submissions,
OUT/part-01 … part-NN and part-NN+1-inter, to load in sorted() order, each a complete CSV
folder (every sheet; one with no rows of a part keeps its header). Parts 1..N each hold a slice
of the agencies with all their records: a ministry or national organization with its
subsidiaries, provincial offices and delegated bodies, and an agency whose datasets live in
another agency's systems with that agency; a national organization comes in its ministry's part
or a later one. A data flow goes to the later part of the agencies of its dataset and two
systems. The last part holds the chains and their links, whose services span any parts.
Slices are balanced by rows; inside each sheet a part keeps the rows' order of the one folder.

Sizes at --scale 1.0 (national) and how they scale (each count is round(national * scale)):

* agencies, about 1,500: 18 ministries and 27 national organizations (real names, organizations
  under their ministry by parent_code), 434 subsidiary companies, organizations and institutes
  (parent_code a ministry or national organization), 930 provincial offices (30 bodies x 31
  provinces, kind provincial_unit, province set), 31 provincial-capital municipalities and 60
  delegated bodies (notaries, government service counters, ...). Each kind keeps at least one
  agency at any scale, so a tiny country still has every kind, two agencies for a chain and a
  provincial office.
* 40,000 units (a tree per agency through parent_id, 3-6 children per unit; units of
  provincial offices, municipalities and delegated bodies carry the province), 300,000 posts
  (7.5 per unit, the first in each unit its head; about 10% vacant), 1,000,000 employees (3.3
  per post; 2% hold a second post of the same unit).
* 60,000 duties (2 per service; a service maps to 1-3, so about a third of the duties are
  realized by no service, which is what unrealized-duties finds), 30,000 services (a quarter
  inquiries), 5,000 information systems, 100,000 datasets, 50,000 data flows (70% to another
  agency's system), 2,000 chains of 3-8 links (about 11,000 links).
* Units, posts, employees, duties, services and datasets are spread over agencies by a size
  weight (ministry 30, national organization 20, municipality 10, subsidiary 6, provincial
  office 4, delegated body 0.5, each times a random factor 0.5-2), with at least one of each
  per agency (so at very small scales these counts are at least the number of agencies).
  Systems go only to national bodies and municipalities: provincial offices and delegated
  bodies keep their datasets in their parent's systems (PARENT:IS-xx), as they do, and have
  a quarter (a half) of their weight's share of datasets. At national scale an agency has
  2-240 units, a unit serves at most a handful of services, a system receives at most a few
  dozen flows and a service is a link of at most a few chains: no pathological fan-in.

What the rules shaped (catalog/sheets.py, catalog/model.py, shapes/*.ttl):

* A service maps only to duties of its own agency (gcsh:Service-duties-same-agency), so no
  service names another agency's duty.
* Every service names a unit or a post and at least one employee (gcsh:Service-deliverer,
  gcsh:Service-deliveringEmployee): a service with no deliverer is refused, so the catalog's
  delivery gaps are vacant posts instead: posts no employee holds, about 5% of services naming
  one (posts-without-holder lists them with their services).
* A chain's responsible agency is its final service's agency (R-6.2), its links' services span
  at least two agencies (R-6.1), depends_on names earlier links of the same chain; the final
  service is the last link. About 10% of chains (and always the second) use an earlier chain's
  final service as a link, so chains depend on each other (chain-interdependencies).
* A data flow's IRI is made of its two systems and its dataset, so each (from, to, dataset)
  triple is written once, and from and to differ (sh:disjoint).
* Approved duties and services carry issued IDs (D-<AGENCY>-0001, S-<AGENCY>-00001) and an
  approved service maps only to approved duties (R-3.2, R-4.2): an agency's records are approved
  as a whole, by the agency's stage in the cycle.
* Input variety the loader must normalize: Persian labels in some enum cells (خدمت, حضوری,
  بله), the Persian semicolon ؛ in some lists, Arabic ي/ك in about 2% of titles, Persian digits
  in legal bases, some titles and some Solar Hijri dates, ISO dates, a few English titles.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import csv
import heapq
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalog.kinds import sheets

# ---------------------------------------------------------------------------------------------
# Sizes

# Rows at scale 1.0 (chain links follow from the chains: 3-8 links each, about 5.5).
NATIONAL = {
    "units": 40_000,
    "posts": 300_000,
    "employees": 1_000_000,
    "duties": 60_000,
    "services": 30_000,
    "information_systems": 5_000,
    "datasets": 100_000,
    "data_flows": 50_000,
    "chains": 2_000,
}
# Agencies at scale 1.0, by role (1,500 in all).
AGENCY_MIX = {
    "ministry": 18,
    "national": 27,
    "subsidiary": 434,
    "provincial": 930,
    "municipality": 31,
    "delegated": 60,
}
# Relative size of an agency of each role: its share of units, posts, employees, duties,
# services and datasets.
ROLE_WEIGHT = {
    "ministry": 30.0,
    "national": 20.0,
    "subsidiary": 6.0,
    "provincial": 4.0,
    "municipality": 10.0,
    "delegated": 0.5,
}
# Roles whose agencies run no information systems of their own.
NO_SYSTEMS = frozenset({"provincial", "delegated"})
# Their share of datasets is smaller still: most data of a provincial office is kept in its
# parent's national datasets.
DATASET_FACTOR = {"provincial": 0.25, "delegated": 0.5}

UNIT_BRANCHING = (3, 6)  # children per unit, drawn per agency
VACANT_HEAD, VACANT_POST = 0.03, 0.10  # share of head posts and other posts nobody holds
SECOND_POST = 0.02  # employees who also hold another post of their unit
VACANT_DELIVERY = 0.05  # services that name a vacant post (besides those that happen to)
INQUIRY_SHARE = 0.25
CROSS_AGENCY_FLOW = 0.7
CHAIN_LINKS = (3, 8)
CHAIN_REUSE = 0.10  # chains that use an earlier chain's final service as one of their links

# Stages of the cycle an agency has reached, with their share: step 1 (duties) submitted,
# approved (duty IDs), step 2 (services) submitted, approved (service IDs).
STAGES = (("draft", 45), ("duties_submitted", 25), ("duties_approved", 18),
          ("services_approved", 12))

# Every sheet with every column of the template, in its order (catalog/sheets.py).
HEADERS: dict[str, list[str]] = {sheet.name: [c.key for c in sheet.columns] for sheet in sheets()}

# ---------------------------------------------------------------------------------------------
# Vocabulary

_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_ARABIC = str.maketrans({"ی": "ي", "ک": "ك"})


def fa_num(n: int | str) -> str:
    """A number in Persian digits, as Persian text writes it."""
    return str(n).translate(_FA_DIGITS)


@dataclass(frozen=True)
class Province:
    slug: str  # the notation in ontology/codelists.ttl
    fa: str
    en: str
    capital_fa: str
    capital_en: str
    abbr: str  # in agency codes, e.g. INTA_ISF


PROVINCES = tuple(Province(*p) for p in (
    ("alborz", "البرز", "Alborz", "کرج", "Karaj", "ALB"),
    ("ardabil", "اردبیل", "Ardabil", "اردبیل", "Ardabil", "ARD"),
    ("bushehr", "بوشهر", "Bushehr", "بوشهر", "Bushehr", "BSH"),
    ("chaharmahal-and-bakhtiari", "چهارمحال و بختیاری", "Chaharmahal and Bakhtiari",
     "شهرکرد", "Shahrekord", "CHB"),
    ("east-azerbaijan", "آذربایجان شرقی", "East Azerbaijan", "تبریز", "Tabriz", "EAZ"),
    ("fars", "فارس", "Fars", "شیراز", "Shiraz", "FRS"),
    ("gilan", "گیلان", "Gilan", "رشت", "Rasht", "GIL"),
    ("golestan", "گلستان", "Golestan", "گرگان", "Gorgan", "GOL"),
    ("hamadan", "همدان", "Hamadan", "همدان", "Hamadan", "HMD"),
    ("hormozgan", "هرمزگان", "Hormozgan", "بندرعباس", "Bandar Abbas", "HRM"),
    ("ilam", "ایلام", "Ilam", "ایلام", "Ilam", "ILM"),
    ("isfahan", "اصفهان", "Isfahan", "اصفهان", "Isfahan", "ISF"),
    ("kerman", "کرمان", "Kerman", "کرمان", "Kerman", "KRM"),
    ("kermanshah", "کرمانشاه", "Kermanshah", "کرمانشاه", "Kermanshah", "KSH"),
    ("khorasan-razavi", "خراسان رضوی", "Khorasan Razavi", "مشهد", "Mashhad", "KHR"),
    ("khuzestan", "خوزستان", "Khuzestan", "اهواز", "Ahvaz", "KHZ"),
    ("kohgiluyeh-and-boyer-ahmad", "کهگیلویه و بویراحمد", "Kohgiluyeh and Boyer-Ahmad",
     "یاسوج", "Yasuj", "KBA"),
    ("kurdistan", "کردستان", "Kurdistan", "سنندج", "Sanandaj", "KRD"),
    ("lorestan", "لرستان", "Lorestan", "خرم‌آباد", "Khorramabad", "LRS"),
    ("markazi", "مرکزی", "Markazi", "اراک", "Arak", "MRK"),
    ("mazandaran", "مازندران", "Mazandaran", "ساری", "Sari", "MZN"),
    ("north-khorasan", "خراسان شمالی", "North Khorasan", "بجنورد", "Bojnurd", "NKH"),
    ("qazvin", "قزوین", "Qazvin", "قزوین", "Qazvin", "QZV"),
    ("qom", "قم", "Qom", "قم", "Qom", "QOM"),
    ("semnan", "سمنان", "Semnan", "سمنان", "Semnan", "SMN"),
    ("sistan-and-baluchestan", "سیستان و بلوچستان", "Sistan and Baluchestan", "زاهدان",
     "Zahedan", "SBL"),
    ("south-khorasan", "خراسان جنوبی", "South Khorasan", "بیرجند", "Birjand", "SKH"),
    ("tehran", "تهران", "Tehran", "تهران", "Tehran", "THR"),
    ("west-azerbaijan", "آذربایجان غربی", "West Azerbaijan", "ارومیه", "Urmia", "WAZ"),
    ("yazd", "یزد", "Yazd", "یزد", "Yazd", "YZD"),
    ("zanjan", "زنجان", "Zanjan", "زنجان", "Zanjan", "ZNJ"),
))
# Municipalities come largest city first, so a small country has Tehran's.
_BY_SIZE = ("tehran", "khorasan-razavi", "isfahan", "alborz", "fars", "east-azerbaijan",
            "khuzestan", "qom", "kermanshah", "west-azerbaijan")
MUNICIPALITY_ORDER = tuple(
    sorted(PROVINCES, key=lambda p: (_BY_SIZE.index(p.slug) if p.slug in _BY_SIZE else 99)))


@dataclass(frozen=True)
class Domain:
    """What an agency's records are about: objects of its services, its laws, its sectors."""

    objects: tuple[tuple[str, str], ...]
    laws: tuple[str, ...]
    sectors: tuple[tuple[str, str], ...]


def _domain(objects: list[tuple[str, str]], laws: list[str],
            sectors: list[tuple[str, str]]) -> Domain:
    return Domain(tuple(objects), tuple(laws), tuple(sectors))


DOMAINS: dict[str, Domain] = {
    "civil": _domain(
        [("شناسنامه", "birth certificate"), ("کارت ملی هوشمند", "smart national ID card"),
         ("گواهی ولادت", "birth record"), ("گواهی فوت", "death certificate"),
         ("واقعه ازدواج", "marriage record"), ("واقعه طلاق", "divorce record"),
         ("شماره ملی", "national ID number"), ("گذرنامه", "passport")],
        ["قانون ثبت احوال",
         "قانون الزام دریافت شماره ملی و کد پستی برای کلیه اتباع ایرانی", "قانون گذرنامه"],
        [("ثبت وقایع حیاتی", "Vital Events Registration"),
         ("اسناد هویتی", "Identity Documents"), ("مطالعات جمعیتی", "Population Studies"),
         ("امور اتباع و مهاجرین خارجی", "Foreign Nationals and Immigrants Affairs")]),
    "tax": _domain(
        [("اظهارنامه مالیاتی", "tax return"),
         ("گواهی مفاصاحساب مالیاتی", "tax clearance certificate"),
         ("کد اقتصادی", "economic code"), ("صورتحساب الکترونیکی", "e-invoice"),
         ("گواهی نقل و انتقال ملک", "property transfer certificate"),
         ("پرونده مالیاتی", "tax file"), ("معافیت مالیاتی", "tax exemption"),
         ("بدهی مالیاتی", "tax debt")],
        ["قانون مالیات‌های مستقیم", "قانون مالیات بر ارزش افزوده",
         "قانون پایانه‌های فروشگاهی و سامانه مؤدیان"],
        [("مالیات‌های مستقیم", "Direct Taxes"), ("مالیات بر ارزش افزوده", "Value Added Tax"),
         ("آموزش و پژوهش‌های مالیاتی", "Tax Training and Research")]),
    "social": _domain(
        [("سوابق بیمه‌ای", "insurance record"), ("مستمری بازنشستگی", "retirement pension"),
         ("دفترچه بیمه", "insurance booklet"), ("کمک‌هزینه ازدواج", "marriage allowance"),
         ("غرامت دستمزد", "wage compensation"), ("مقرری بیمه بیکاری", "unemployment benefit"),
         ("قرارداد بیمه کارفرما", "employer insurance contract"),
         ("مفاصاحساب بیمه", "insurance clearance")],
        ["قانون تأمین اجتماعی", "قانون ساختار نظام جامع رفاه و تأمین اجتماعی",
         "قانون بیمه بیکاری"],
        [("بیمه‌های اجتماعی", "Social Insurance"), ("درمان", "Medical Care"),
         ("سرمایه‌گذاری تأمین اجتماعی", "Social Security Investment"),
         ("بازنشستگی", "Pensions")]),
    "health": _domain(
        [("پروانه مطب", "clinic licence"), ("پروانه داروخانه", "pharmacy licence"),
         ("مجوز ورود دارو", "drug import permit"), ("کارت بهداشت", "health card"),
         ("پرونده الکترونیکی سلامت", "electronic health record"),
         ("گواهی سلامت", "health certificate"),
         ("پروانه تأسیس بیمارستان", "hospital establishment licence"),
         ("نسخه الکترونیکی", "electronic prescription")],
        ["قانون مربوط به مقررات امور پزشکی و دارویی و مواد خوردنی و آشامیدنی",
         "قانون تشکیلات و وظایف وزارت بهداشت، درمان و آموزش پزشکی",
         "قانون بیمه همگانی خدمات درمانی کشور"],
        [("توسعه شبکه بهداشت", "Health Network Development"),
         ("تجهیزات پزشکی", "Medical Equipment"), ("انتقال خون", "Blood Transfusion"),
         ("اورژانس", "Emergency Medical Services"), ("دارو", "Pharmaceuticals")]),
    "education": _domain(
        [("گواهی تحصیلی", "education certificate"), ("کارنامه تحصیلی", "school report card"),
         ("پرونده تحصیلی", "education file"),
         ("مجوز تأسیس مدرسه غیردولتی", "private school licence"),
         ("ریزنمرات", "transcript"), ("مدرک دانشگاهی", "university degree"),
         ("گواهی فراغت از تحصیل", "graduation certificate"), ("بورس تحصیلی", "scholarship")],
        ["قانون اهداف و وظایف وزارت آموزش و پرورش",
         "قانون تأسیس مدارس و مراکز آموزشی و پرورشی غیردولتی",
         "قانون اهداف، وظایف و تشکیلات وزارت علوم، تحقیقات و فناوری"],
        [("نوسازی، توسعه و تجهیز مدارس", "School Renovation and Equipment"),
         ("سنجش آموزش", "Education Assessment"),
         ("پژوهش و برنامه‌ریزی درسی", "Curriculum Research and Planning"),
         ("امور دانشجویان", "Student Affairs")]),
    "trade": _domain(
        [("پروانه بهره‌برداری", "operating licence"), ("جواز تأسیس", "establishment permit"),
         ("کارت بازرگانی", "commercial card"), ("ثبت سفارش کالا", "import order"),
         ("گواهی مبدأ", "certificate of origin"), ("پروانه کسب", "business licence"),
         ("شناسه کالا", "product ID"), ("مجوز واحد صنفی", "guild permit")],
        ["قانون نظام صنفی کشور", "قانون مقررات صادرات و واردات",
         "قانون تسهیل صدور مجوزهای کسب‌وکار", "قانون حمایت از حقوق مصرف‌کنندگان"],
        [("توسعه صنایع کوچک و شهرک‌های صنعتی", "Small Industries and Industrial Parks"),
         ("توسعه و نوسازی معادن", "Mines Development and Renovation"),
         ("حمایت از مصرف‌کنندگان و تولیدکنندگان", "Consumer and Producer Protection"),
         ("بازرگانی دولتی", "State Trading")]),
    "agriculture": _domain(
        [("پروانه چرای دام", "grazing permit"), ("مجوز حفر چاه", "well drilling permit"),
         ("گواهی بهداشت دام", "livestock health certificate"),
         ("سند اراضی کشاورزی", "farmland deed"), ("پروانه صید", "fishing licence"),
         ("مجوز تغییر کاربری اراضی", "land-use change permit"),
         ("کارت کشاورزی", "farmer card"), ("بیمه محصولات کشاورزی", "crop insurance")],
        ["قانون افزایش بهره‌وری بخش کشاورزی و منابع طبیعی",
         "قانون حفظ کاربری اراضی زراعی و باغ‌ها", "قانون توزیع عادلانه آب"],
        [("خدمات حمایتی کشاورزی", "Agricultural Support Services"),
         ("امور اراضی", "Land Affairs"), ("شیلات", "Fisheries"),
         ("تحقیقات، آموزش و ترویج کشاورزی", "Agricultural Research and Extension")]),
    "transport": _domain(
        [("گواهینامه رانندگی", "driving licence"), ("کارت هوشمند ناوگان", "fleet smart card"),
         ("بارنامه", "bill of lading"), ("پروانه حمل‌ونقل", "transport licence"),
         ("گواهی معاینه فنی خودرو", "vehicle inspection certificate"),
         ("سند خودرو", "vehicle title"), ("پلاک خودرو", "licence plate"),
         ("مجوز تردد", "transit permit")],
        ["قانون رسیدگی به تخلفات رانندگی", "قانون ایمنی راه‌ها و راه‌آهن",
         "قانون حمل‌ونقل و عبور کالاهای خارجی"],
        [("راه‌آهن", "Railways"), ("ساخت و توسعه راه‌ها", "Road Construction and Development"),
         ("حمل‌ونقل ریلی", "Rail Transport"), ("فرودگاه‌ها", "Airports")]),
    "energy": _domain(
        [("انشعاب برق", "electricity connection"), ("انشعاب آب", "water connection"),
         ("انشعاب گاز", "gas connection"), ("صورتحساب برق", "electricity bill"),
         ("سهمیه سوخت", "fuel quota"), ("کارت سوخت", "fuel card"),
         ("پروانه بهره‌برداری از آب", "water use permit"),
         ("مجوز نیروگاه خورشیدی", "solar plant permit")],
        ["قانون توزیع عادلانه آب", "قانون سازمان برق ایران",
         "قانون وظایف و اختیارات وزارت نفت", "قانون اصلاح الگوی مصرف انرژی"],
        [("مدیریت منابع آب", "Water Resources Management"),
         ("آب و فاضلاب", "Water and Wastewater"),
         ("تولید، انتقال و توزیع نیروی برق", "Power Generation and Distribution"),
         ("گاز", "Gas"), ("پالایش و پخش فرآورده‌های نفتی", "Oil Refining and Distribution")]),
    "ict": _domain(
        [("پروانه ارائه خدمات اینترنتی", "internet service licence"),
         ("مرسوله پستی", "postal parcel"), ("کد پستی", "postcode"),
         ("گواهی امضای دیجیتال", "digital signature certificate"),
         ("نماد اعتماد الکترونیکی", "e-trust seal"),
         ("پروانه فعالیت پستی", "postal operator licence"),
         ("تخصیص فرکانس", "frequency allocation"), ("نام دامنه", "domain name")],
        ["قانون تجارت الکترونیکی",
         "قانون وظایف و اختیارات وزارت ارتباطات و فناوری اطلاعات", "قانون جرائم رایانه‌ای"],
        [("ارتباطات زیرساخت", "Telecommunication Infrastructure"),
         ("تنظیم مقررات و ارتباطات رادیویی", "Communications Regulation"),
         ("فضای مجازی", "Cyberspace"), ("پست", "Post")]),
    "urban": _domain(
        [("پروانه ساختمان", "building permit"),
         ("گواهی پایان‌کار ساختمان", "building completion certificate"),
         ("عوارض نوسازی", "renewal levy"), ("گواهی عدم خلاف", "no-violation certificate"),
         ("مجوز حفاری", "excavation permit"),
         ("مجوز تبلیغات محیطی", "outdoor advertising permit"),
         ("طرح تفصیلی", "detailed plan"), ("سند مالکیت", "title deed")],
        ["قانون شهرداری", "قانون نوسازی و عمران شهری",
         "قانون تعاریف محدوده و حریم شهر، روستا و شهرک"],
        [("بازآفرینی شهری", "Urban Regeneration"), ("عمران شهرهای جدید", "New Towns"),
         ("مسکن", "Housing"), ("فضای سبز", "Green Space")]),
    "justice": _domain(
        [("سند رسمی", "official deed"),
         ("گواهی عدم سوءپیشینه", "criminal record certificate"),
         ("شرکت تجاری", "commercial company"), ("علامت تجاری", "trademark"),
         ("پروانه وکالت", "attorney licence"), ("دادخواست", "petition"),
         ("اجرائیه", "enforcement order"), ("گواهی ثبت اختراع", "patent")],
        ["قانون ثبت اسناد و املاک", "قانون تجارت", "قانون ثبت اختراعات، طرح‌های صنعتی و علائم تجاری",
         "قانون اجرای احکام مدنی"],
        [("امور اسناد", "Deeds Affairs"), ("مالکیت معنوی", "Intellectual Property"),
         ("امور حقوقی", "Legal Affairs")]),
    "culture": _domain(
        [("مجوز نشر کتاب", "book publishing permit"),
         ("پروانه دفتر خدمات مسافرتی", "travel agency licence"),
         ("مجوز اقامتگاه بوم‌گردی", "eco-lodge permit"),
         ("کارت راهنمای گردشگری", "tour guide card"),
         ("مجوز برگزاری نمایشگاه", "exhibition permit"),
         ("پروانه صنایع‌دستی", "handicraft licence"), ("مجوز فیلم‌برداری", "filming permit"),
         ("پروانه نمایش فیلم", "film screening licence")],
        ["قانون تشکیل سازمان میراث فرهنگی، صنایع‌دستی و گردشگری",
         "قانون اهداف و وظایف وزارت فرهنگ و ارشاد اسلامی",
         "قانون حمایت از حقوق مؤلفان و مصنفان و هنرمندان"],
        [("امور سینمایی", "Cinema"), ("امور فرهنگی", "Cultural Affairs"),
         ("گردشگری", "Tourism"), ("صنایع‌دستی", "Handicrafts")]),
    "environment": _domain(
        [("مجوز زیست‌محیطی", "environmental permit"), ("پروانه شکار", "hunting licence"),
         ("گزارش ارزیابی اثرات زیست‌محیطی", "environmental impact report"),
         ("گواهی پایش آلایندگی", "emissions monitoring certificate"),
         ("مجوز مدیریت پسماند", "waste management permit"),
         ("مجوز بهره‌برداری از منابع طبیعی", "natural resources use permit"),
         ("مجوز قطع درخت", "tree felling permit"), ("پروانه صید ورزشی", "angling licence")],
        ["قانون حفاظت و بهسازی محیط زیست", "قانون مدیریت پسماندها", "قانون هوای پاک"],
        [("پایش محیط زیست", "Environmental Monitoring"),
         ("مناطق حفاظت‌شده", "Protected Areas"),
         ("آموزش محیط زیست", "Environmental Education")]),
    "labour": _domain(
        [("پروانه کار اتباع خارجی", "foreign work permit"),
         ("مستمری بهزیستی", "welfare pension"),
         ("گواهی مهارت فنی و حرفه‌ای", "vocational skill certificate"),
         ("یارانه معیشتی", "subsistence subsidy"), ("کارت معلولیت", "disability card"),
         ("مجوز مؤسسه کاریابی", "employment agency permit"),
         ("قرارداد کار", "employment contract"), ("پروانه تعاونی", "cooperative licence")],
        ["قانون کار", "قانون حمایت از حقوق افراد دارای معلولیت",
         "قانون ساختار نظام جامع رفاه و تأمین اجتماعی", "قانون بخش تعاونی اقتصاد"],
        [("اشتغال", "Employment"), ("توانبخشی", "Rehabilitation"), ("تعاون", "Cooperatives"),
         ("مهارت‌آموزی", "Skills Training")]),
    "finance": _domain(
        [("اظهارنامه گمرکی", "customs declaration"),
         ("پروانه ترخیص کالا", "customs release permit"),
         ("مجوز صرافی", "exchange office licence"), ("تسهیلات بانکی", "bank loan"),
         ("سهام عدالت", "justice shares"), ("ضمانت‌نامه", "guarantee"),
         ("اوراق مشارکت", "participation bond"), ("حواله ارزی", "foreign currency transfer")],
        ["قانون امور گمرکی", "قانون پولی و بانکی کشور", "قانون محاسبات عمومی کشور",
         "قانون برگزاری مناقصات"],
        [("خزانه‌داری", "Treasury"), ("بیمه", "Insurance"), ("اموال دولتی", "State Property"),
         ("بورس و اوراق بهادار", "Securities and Exchange")]),
}

GENERAL_LAWS = (
    "قانون مدیریت خدمات کشوری",
    "قانون برنامه پنج‌ساله هفتم پیشرفت جمهوری اسلامی ایران",
    "قانون ارتقای سلامت نظام اداری و مقابله با فساد",
    "قانون انتشار و دسترسی آزاد به اطلاعات",
    "قانون تسهیل صدور مجوزهای کسب‌وکار",
    "قانون مدیریت داده‌ها و اطلاعات ملی",
)


@dataclass(frozen=True)
class Body:
    """A ministry or national organization: code, names, parent, domain, and the name of its
    provincial office ({p}: province, {c}: its capital), if it has them."""

    code: str
    fa: str
    en: str
    kind: str
    domain: str
    parent: str | None = None
    provincial: str | None = None


MINISTRIES = tuple(Body(*b) for b in (
    ("MOI", "وزارت کشور", "Ministry of Interior", "ministry", "civil", None, "استانداری {p}"),
    ("MEF", "وزارت امور اقتصادی و دارایی", "Ministry of Economic Affairs and Finance",
     "ministry", "finance", None, "سازمان امور اقتصادی و دارایی استان {p}"),
    ("MCLS", "وزارت تعاون، کار و رفاه اجتماعی",
     "Ministry of Cooperatives, Labour and Social Welfare", "ministry", "labour", None,
     "اداره کل تعاون، کار و رفاه اجتماعی استان {p}"),
    ("MOH", "وزارت بهداشت، درمان و آموزش پزشکی", "Ministry of Health and Medical Education",
     "ministry", "health", None, "دانشگاه علوم پزشکی {c}"),
    ("MOE", "وزارت آموزش و پرورش", "Ministry of Education", "ministry", "education", None,
     "اداره کل آموزش و پرورش استان {p}"),
    ("MIMT", "وزارت صنعت، معدن و تجارت", "Ministry of Industry, Mine and Trade", "ministry",
     "trade", None, "سازمان صنعت، معدن و تجارت استان {p}"),
    ("MAJ", "وزارت جهاد کشاورزی", "Ministry of Agriculture Jihad", "ministry", "agriculture",
     None, "سازمان جهاد کشاورزی استان {p}"),
    ("MRUD", "وزارت راه و شهرسازی", "Ministry of Roads and Urban Development", "ministry",
     "transport", None, "اداره کل راه و شهرسازی استان {p}"),
    ("MOEN", "وزارت نیرو", "Ministry of Energy", "ministry", "energy", None,
     "شرکت آب منطقه‌ای {p}"),
    ("ICT", "وزارت ارتباطات و فناوری اطلاعات",
     "Ministry of Information and Communications Technology", "ministry", "ict", None,
     "اداره کل ارتباطات و فناوری اطلاعات استان {p}"),
    ("MSRT", "وزارت علوم، تحقیقات و فناوری", "Ministry of Science, Research and Technology",
     "ministry", "education", None, "دانشگاه {c}"),
    ("MOJ", "وزارت دادگستری", "Ministry of Justice", "ministry", "justice", None,
     "اداره کل دادگستری استان {p}"),
    ("MCIG", "وزارت فرهنگ و ارشاد اسلامی", "Ministry of Culture and Islamic Guidance",
     "ministry", "culture", None, "اداره کل فرهنگ و ارشاد اسلامی استان {p}"),
    ("MCTH", "وزارت میراث فرهنگی، گردشگری و صنایع‌دستی",
     "Ministry of Cultural Heritage, Tourism and Handicrafts", "ministry", "culture", None,
     "اداره کل میراث فرهنگی، گردشگری و صنایع‌دستی استان {p}"),
    ("MOP", "وزارت نفت", "Ministry of Petroleum", "ministry", "energy", None,
     "شرکت ملی پخش فرآورده‌های نفتی منطقه {p}"),
    ("MSY", "وزارت ورزش و جوانان", "Ministry of Sport and Youth", "ministry", "culture", None,
     "اداره کل ورزش و جوانان استان {p}"),
    ("MFA", "وزارت امور خارجه", "Ministry of Foreign Affairs", "ministry", "civil", None,
     "دفتر نمایندگی وزارت امور خارجه در {c}"),
    ("MODAFL", "وزارت دفاع و پشتیبانی نیروهای مسلح",
     "Ministry of Defence and Armed Forces Logistics", "ministry", "trade"),
))

NATIONAL_BODIES = tuple(Body(*b) for b in (
    ("NOCR", "سازمان ثبت احوال کشور", "National Organization for Civil Registration",
     "organization", "civil", "MOI", "اداره کل ثبت احوال استان {p}"),
    ("INTA", "سازمان امور مالیاتی کشور", "Iranian National Tax Administration",
     "organization", "tax", "MEF", "اداره کل امور مالیاتی استان {p}"),
    ("SSO", "سازمان تأمین اجتماعی", "Social Security Organization", "organization", "social",
     "MCLS", "اداره کل تأمین اجتماعی استان {p}"),
    ("IRICA", "گمرک جمهوری اسلامی ایران", "Islamic Republic of Iran Customs Administration",
     "organization", "finance", "MEF", "اداره کل گمرک استان {p}"),
    ("PBO", "سازمان برنامه و بودجه کشور", "Plan and Budget Organization", "organization",
     "finance", None, "سازمان مدیریت و برنامه‌ریزی استان {p}"),
    ("AREO", "سازمان اداری و استخدامی کشور", "Administrative and Recruitment Organization",
     "organization", "labour"),
    ("SSAA", "سازمان ثبت اسناد و املاک کشور", "Deeds and Properties Registration Organization",
     "organization", "justice", None, "اداره کل ثبت اسناد و املاک استان {p}"),
    ("CBI", "بانک مرکزی جمهوری اسلامی ایران", "Central Bank of the Islamic Republic of Iran",
     "institution", "finance"),
    ("INSO", "سازمان ملی استاندارد ایران", "Iranian National Standards Organization",
     "organization", "trade", None, "اداره کل استاندارد استان {p}"),
    ("DOE", "سازمان حفاظت محیط زیست", "Department of Environment", "organization",
     "environment", None, "اداره کل حفاظت محیط زیست استان {p}"),
    ("IFDA", "سازمان غذا و دارو", "Iran Food and Drug Administration", "organization",
     "health", "MOH"),
    ("IHIO", "سازمان بیمه سلامت ایران", "Iran Health Insurance Organization", "organization",
     "social", "MOH", "اداره کل بیمه سلامت استان {p}"),
    ("SWO", "سازمان بهزیستی کشور", "State Welfare Organization", "organization", "labour",
     "MCLS", "اداره کل بهزیستی استان {p}"),
    ("IKRF", "کمیته امداد امام خمینی", "Imam Khomeini Relief Foundation", "institution",
     "labour", None, "کمیته امداد امام خمینی استان {p}"),
    ("RMTO", "سازمان راهداری و حمل‌ونقل جاده‌ای", "Road Maintenance and Transportation "
     "Organization", "organization", "transport", "MRUD",
     "اداره کل راهداری و حمل‌ونقل جاده‌ای استان {p}"),
    ("CAO", "سازمان هواپیمایی کشوری", "Civil Aviation Organization", "organization",
     "transport", "MRUD"),
    ("PMO", "سازمان بنادر و دریانوردی", "Ports and Maritime Organization", "organization",
     "transport", "MRUD", "اداره کل بنادر و دریانوردی استان {p}"),
    ("NLHO", "سازمان ملی زمین و مسکن", "National Land and Housing Organization",
     "organization", "urban", "MRUD"),
    ("ITO", "سازمان فناوری اطلاعات ایران", "Information Technology Organization of Iran",
     "organization", "ict", "ICT"),
    ("IPC", "شرکت ملی پست جمهوری اسلامی ایران", "Iran Post Company", "company", "ict", "ICT",
     "اداره کل پست استان {p}"),
    ("TVTO", "سازمان آموزش فنی و حرفه‌ای کشور", "Technical and Vocational Training "
     "Organization", "organization", "labour", "MCLS",
     "اداره کل آموزش فنی و حرفه‌ای استان {p}"),
    ("TPO", "سازمان توسعه تجارت ایران", "Trade Promotion Organization of Iran",
     "organization", "trade", "MIMT"),
    ("FRWO", "سازمان منابع طبیعی و آبخیزداری کشور",
     "Forests, Range and Watershed Management Organization", "organization", "agriculture",
     "MAJ", "اداره کل منابع طبیعی و آبخیزداری استان {p}"),
    ("IVO", "سازمان دامپزشکی کشور", "Iran Veterinary Organization", "organization",
     "agriculture", "MAJ", "اداره کل دامپزشکی استان {p}"),
    ("SCI", "مرکز آمار ایران", "Statistical Centre of Iran", "organization", "ict", "PBO"),
    ("NCC", "سازمان نقشه‌برداری کشور", "National Cartographic Center", "organization",
     "urban", "PBO"),
    ("NLAI", "سازمان اسناد و کتابخانه ملی ایران", "National Library and Archives of Iran",
     "institution", "culture"),
))

# (Persian, English, preferred parent, domain, numbered: offices are many per city).
DELEGATED = (
    ("دفتر پیشخوان خدمات دولت", "Government Services Counter Office", "ICT", "ict", True),
    ("دفتر اسناد رسمی", "Notary Public Office", "SSAA", "justice", True),
    ("سازمان نظام مهندسی ساختمان استان", "Construction Engineering Organization of",
     "MRUD", "urban", False),
    ("مرکز معاینه فنی خودرو", "Vehicle Inspection Centre", "RMTO", "transport", True),
    ("دفتر خدمات الکترونیک انتظامی", "Police e-Services Office", "MOI", "civil", True),
    ("کانون کارشناسان رسمی دادگستری استان", "Official Experts Association of", "MOJ",
     "justice", False),
    ("دفتر خدمات مسافرتی و گردشگری", "Travel Services Office", "MCTH", "culture", True),
    ("مرکز خدمات جامع سلامت", "Comprehensive Health Services Centre", "MOH", "health", True),
    ("آموزشگاه رانندگی", "Driving School", "MOI", "transport", True),
    ("مرکز مشاوره شغلی و کاریابی", "Career Advice and Employment Centre", "MCLS", "labour",
     True),
)

# Subsidiary name prefixes by kind: (Persian, English, code letter).
SUBSIDIARY_PREFIXES = {
    "company": (("شرکت", "Company"), ("شرکت مادرتخصصی", "Holding Company"),
                ("شرکت ملی", "National Company")),
    "organization": (("سازمان", "Organization"), ("صندوق", "Fund"), ("مرکز", "Centre")),
    "institution": (("مؤسسه", "Institute"), ("پژوهشگاه", "Research Institute"),
                    ("بنیاد", "Foundation")),
}
SUBSIDIARY_KINDS = (("company", 45), ("organization", 35), ("institution", 20))

SUPPORT_AREAS = (
    ("امور اداری", "Administration"), ("امور مالی", "Finance"),
    ("منابع انسانی", "Human Resources"), ("فناوری اطلاعات", "Information Technology"),
    ("حقوقی و امور مجلس", "Legal and Parliamentary Affairs"),
    ("برنامه‌ریزی و بودجه", "Planning and Budget"), ("حراست", "Security"),
    ("روابط عمومی", "Public Relations"), ("ارتباطات مردمی", "Public Communications"),
    ("بازرسی و پاسخگویی به شکایات", "Inspection and Complaints"),
    ("آمار و اطلاعات", "Statistics and Information"), ("پشتیبانی", "Support Services"),
    ("توسعه مدیریت و تحول اداری", "Management Development"),
    ("امور استان‌ها", "Provincial Affairs"), ("پژوهش و آموزش", "Research and Training"),
    ("نظارت و ارزیابی عملکرد", "Monitoring and Evaluation"),
)

SERVICE_ACTIONS = (
    ("صدور {o}", "Issuing a {o}"), ("تمدید {o}", "Renewing a {o}"),
    ("صدور المثنی {o}", "Issuing a duplicate {o}"), ("ابطال {o}", "Cancelling a {o}"),
    ("اصلاح اطلاعات {o}", "Correcting a {o}"), ("انتقال {o}", "Transferring a {o}"),
    ("ثبت درخواست {o}", "Applying for a {o}"), ("تعلیق {o}", "Suspending a {o}"),
    ("رسیدگی به اعتراض درباره {o}", "Objections about a {o}"),
    ("تغییر مشخصات {o}", "Changing the particulars of a {o}"),
)
INQUIRY_ACTIONS = (
    ("استعلام {o}", "Inquiry: {o}"), ("استعلام اصالت {o}", "Authenticity check: {o}"),
    ("استعلام وضعیت {o}", "Status inquiry: {o}"), ("استعلام برخط {o}", "Online inquiry: {o}"),
)
SERVICE_QUALIFIERS = (
    ("برای اشخاص حقوقی", "for legal entities"), ("برای اشخاص حقیقی", "for individuals"),
    ("برای اتباع خارجی", "for foreign nationals"),
    ("برای ایرانیان خارج از کشور", "for Iranians abroad"), ("به‌صورت فوری", "fast track"),
    ("در مناطق آزاد تجاری", "in free trade zones"),
)
DUTY_TEMPLATES = (
    ("صدور و تمدید {o}", "Issuing and renewing {o}s"), ("نظارت بر {o}", "Supervising {o}s"),
    ("ثبت و نگهداری اطلاعات {o}", "Keeping {o} records"),
    ("تدوین ضوابط و استانداردهای {o}", "Setting standards for {o}s"),
    ("رسیدگی به شکایات مربوط به {o}", "Handling complaints about {o}s"),
    ("سیاست‌گذاری و برنامه‌ریزی در حوزه {o}", "Policy and planning for {o}s"),
    ("پاسخ به استعلام‌های {o}", "Answering inquiries about {o}s"),
    ("آموزش و اطلاع‌رسانی درباره {o}", "Informing the public about {o}s"),
    ("پایش و ارزیابی عملکرد در حوزه {o}", "Monitoring performance on {o}s"),
    ("تبادل اطلاعات {o} با دستگاه‌های اجرایی", "Sharing {o} data with agencies"),
    ("حمایت از متقاضیان {o}", "Supporting applicants for {o}s"),
)
DUTY_SCOPES = ("در سطح ملی", "در سطح استان", "در مناطق روستایی", "در مناطق مرزی",
               "در شهرهای بزرگ")
SYSTEM_TEMPLATES = (
    ("سامانه جامع {o}", "Integrated {o} system"), ("سامانه مدیریت {o}", "{o} management system"),
    ("سامانه استعلام {o}", "{o} inquiry system"), ("پایگاه اطلاعات {o}", "{o} database"),
)
SECTOR_SYSTEMS = (
    ("درگاه خدمات الکترونیک {s}", "{s} e-services portal"),
    ("سامانه یکپارچه {s}", "Integrated {s} system"),
    ("سامانه هوش تجاری {s}", "{s} business intelligence system"),
)
DATASET_TEMPLATES = (
    ("اطلاعات متقاضیان {o}", "{o} applicants"), ("سوابق {o}", "{o} register"),
    ("آمار {o}", "{o} statistics"), ("فهرست {o}‌های صادرشده", "issued {o}s"),
    ("پرونده‌های {o}", "{o} files"), ("رویدادهای سامانه {o}", "{o} system event log"),
    ("اطلاعات مکانی {o}", "{o} geodata"), ("تراکنش‌های {o}", "{o} transactions"),
)
FLOW_PURPOSES = (
    "احراز هویت متقاضیان {o}", "استعلام {o} هنگام ارائه خدمت", "به‌روزرسانی سوابق {o}",
    "گزارش‌دهی آماری دوره‌ای", "تطبیق اطلاعات برای جلوگیری از تقلب",
    "محاسبه یارانه و حمایت‌های هدفمند", "پایش و نظارت بر {o}",
    "اعتبارسنجی {o} در زنجیره خدمات", "حذف مدارک کاغذی {o}",
)
CHAIN_EVENTS = (
    ("راه‌اندازی کسب‌وکار", "Starting a business"), ("تولد نوزاد", "Birth of a child"),
    ("نقل و انتقال ملک", "Property transfer"), ("ازدواج", "Marriage"),
    ("بازنشستگی", "Retirement"), ("ساخت‌وساز مسکونی", "Building a home"),
    ("واردات کالا", "Importing goods"), ("صادرات کالا", "Exporting goods"),
    ("ثبت‌نام مدرسه", "School enrolment"), ("فوت و انحصار وراثت", "Death and inheritance"),
    ("خرید خودرو", "Buying a car"), ("استخدام نیروی کار", "Hiring staff"),
    ("اقامت اتباع خارجی", "Residence of foreign nationals"),
    ("تأسیس واحد تولیدی", "Setting up a factory"), ("اخذ تسهیلات بانکی", "Taking a bank loan"),
)
POST_GRADES = ("کارشناس", "کارشناس مسئول", "کارشناس ارشد", "کاردان", "کارشناس خبره")
POST_GENERIC = ("متصدی امور دفتری", "مسئول دبیرخانه", "کارشناس پاسخگویی و ارتباطات مردمی",
                "کارپرداز", "متصدی بایگانی")
HEAD_TITLE = {"ministry": "وزیر", "municipality": "شهردار", "provincial": "مدیرکل"}
ROOT_UNIT = {"ministry": "دفتر وزیر", "municipality": "دفتر شهردار",
             "provincial": "دفتر مدیرکل"}
UNIT_LEVELS = ("معاونت", "اداره کل", "اداره", "گروه")
UNIT_LEVELS_EN = ("Deputy Office for", "Directorate General for", "Department of",
                  "Group for")
HEAD_LEVELS = ("معاون", "مدیرکل", "رئیس اداره", "رئیس گروه")

# Enum cells: (key, Persian label); the label is written in a few cells (the loader maps it).
DELIVERY = (("in_person", "حضوری", 35), ("electronic", "الکترونیکی", 50),
            ("smart", "هوشمند", 15))
CLASSIFICATION = (("public", "عمومی", 15), ("internal", "داخلی", 45),
                  ("confidential", "محرمانه", 30), ("secret", "سری", 10))
FREQUENCY = (("continuous", "پیوسته", 30), ("daily", "روزانه", 25), ("weekly", "هفتگی", 10),
             ("monthly", "ماهانه", 15), ("quarterly", "فصلی", 5), ("annual", "سالانه", 10),
             ("irregular", "نامنظم", 5))
STATUS_FA = {"draft": "پیش‌نویس", "submitted": "ارسال‌شده", "approved": "تأییدشده"}
LABEL_SHARE = 0.04  # enum cells written with the Persian label
ARABIC_SHARE = 0.02  # titles typed on an Arabic keyboard (ي ك)
FA_SEMICOLON_SHARE = 0.1  # list cells separated by the Persian ؛
ENGLISH_SHARE = 0.05  # records that also give an English title


# ---------------------------------------------------------------------------------------------
# Helpers


def _spread(total: int, weights: list[int]) -> list[int]:
    """`total` split in proportion to `weights` by cumulative rounding: integer shares that sum
    to `total` exactly, whatever the weights (no float drift, same answer on every machine)."""
    whole = sum(weights)
    if whole == 0 or total <= 0:
        return [0] * len(weights)
    out, acc, prev = [], 0, 0
    for w in weights:
        acc += w
        cur = total * acc // whole
        out.append(cur - prev)
        prev = cur
    return out


def _per_agency(total: int, weights: list[int]) -> list[int]:
    """At least one for every agency, the rest by weight."""
    return [1 + x for x in _spread(max(0, total - len(weights)), weights)]


def _pick(rng: random.Random, table: tuple[tuple[str, str, int], ...]) -> str:
    """A weighted enum value: usually its key, sometimes its Persian label."""
    key, label, _ = rng.choices(table, weights=[w for *_, w in table])[0]
    return label if rng.random() < LABEL_SHARE else key


def _typed(rng: random.Random, text: str) -> str:
    """A title as an Arabic keyboard types it, now and then (normalization folds it back)."""
    return text.translate(_ARABIC) if rng.random() < ARABIC_SHARE else text


def _join(rng: random.Random, items: list[str]) -> str:
    return ("؛" if rng.random() < FA_SEMICOLON_SHARE else ";").join(items)


class _Titles:
    """Unique titles within one agency: a repeated title gets a suffix (n = 1, 2, ...)."""

    def __init__(self, suffix: Callable[[int], str]) -> None:
        self.seen: dict[str, int] = {}
        self.suffix = suffix

    def __call__(self, fa: str, en: str) -> tuple[str, str]:
        n = self.seen.get(fa, 0)
        self.seen[fa] = n + 1
        if n == 0:
            return fa, en
        return f"{fa} {self.suffix(n)}", f"{en} ({n + 1})"


# ---------------------------------------------------------------------------------------------
# Agencies


@dataclass
class Agency:
    code: str
    name_fa: str
    name_en: str
    parent: str | None
    kind: str
    province: Province | None
    domain: str
    role: str
    body: Body | None = None  # for ministries and national organizations
    weight: int = 0


def _round_suffix(n: int) -> tuple[str, str]:
    """Code and name suffix for the n-th reuse of a list entry (scales above 1.0)."""
    return (str(n + 1), f" {fa_num(n + 1)}") if n else ("", "")


def _agencies(scale: float, seed: int) -> list[Agency]:
    rng = random.Random(f"{seed}:agencies")
    count = {role: max(1, round(n * scale)) for role, n in AGENCY_MIX.items()}
    tops = _top_agencies(count)
    out = list(tops)
    out += _subsidiaries(count["subsidiary"], tops, rng)
    out += _provincial_units(count["provincial"], tops)
    out += _municipalities(count["municipality"])
    out += _delegated(count["delegated"], tops)
    codes = [a.code for a in out]
    if len(set(codes)) != len(codes):
        raise AssertionError("agency codes must be unique")
    for a in out:
        # A random size factor, so agencies of a role are not all alike; integer weights keep
        # _spread exact.
        a.weight = int(ROLE_WEIGHT[a.role] * rng.uniform(0.5, 2.0) * 1000)
    return out


def _top_agencies(count: dict[str, int]) -> list[Agency]:
    """The ministries and national bodies (reused with a number past the lists' length)."""
    tops: list[Agency] = []
    for role, bodies in (("ministry", MINISTRIES), ("national", NATIONAL_BODIES)):
        for i in range(count[role]):
            b = bodies[i % len(bodies)]
            code_sfx, name_sfx = _round_suffix(i // len(bodies))
            known = {a.code for a in tops}
            up = b.parent + code_sfx if b.parent and b.parent + code_sfx in known else None
            tops.append(Agency(b.code + code_sfx, b.fa + name_sfx, b.en, up, b.kind, None,
                               b.domain, role, b))
    return tops


def _subsidiaries(n: int, tops: list[Agency], rng: random.Random) -> list[Agency]:
    """Subsidiary bodies, round robin over the top bodies: every one gets its share."""
    out: list[Agency] = []
    per_parent: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for i in range(n):
        owner = tops[i % len(tops)]
        kind = rng.choices([k for k, _ in SUBSIDIARY_KINDS], [w for _, w in SUBSIDIARY_KINDS])[0]
        prefix_fa, prefix_en = rng.choice(SUBSIDIARY_PREFIXES[kind])
        sector_fa, sector_en = rng.choice(DOMAINS[owner.domain].sectors)
        name_fa, name_en = f"{prefix_fa} {sector_fa}", f"{sector_en} {prefix_en}"
        seen = seen_names.get(name_fa, 0)
        seen_names[name_fa] = seen + 1
        if seen:
            name_fa, name_en = (f"{name_fa} منطقه {fa_num(seen + 1)}",
                                f"{name_en}, region {seen + 1}")
        k = per_parent.get(owner.code, 0) + 1
        per_parent[owner.code] = k
        code = f"{owner.code}_{kind[0].upper()}{k:02d}"
        out.append(Agency(code, name_fa, name_en, owner.code, kind, None, owner.domain,
                          "subsidiary"))
    return out


def _provincial_units(n: int, tops: list[Agency]) -> list[Agency]:
    """The provincial units of the bodies with a provincial network, province by province."""
    out: list[Agency] = []
    networks = [a for a in tops if a.body and a.body.provincial] or tops
    for k in range(n):
        body = networks[(k // len(PROVINCES)) % len(networks)]
        prov = PROVINCES[k % len(PROVINCES)]
        code_sfx, name_sfx = _round_suffix(k // (len(PROVINCES) * len(networks)))
        template = (body.body.provincial if body.body else None) or "نمایندگی {n} در استان {p}"
        name = template.format(p=prov.fa, c=prov.capital_fa, n=body.name_fa)
        out.append(Agency(f"{body.code}_{prov.abbr}{code_sfx}", name + name_sfx,
                          f"{body.name_en}, {prov.en} Province", body.code, "provincial_unit",
                          prov, body.domain, "provincial"))
    return out


def _municipalities(n: int) -> list[Agency]:
    out: list[Agency] = []
    for k in range(n):
        prov = MUNICIPALITY_ORDER[k % len(PROVINCES)]
        code_sfx, name_sfx = _round_suffix(k // len(PROVINCES))
        out.append(Agency(f"MUN_{prov.abbr}{code_sfx}", f"شهرداری {prov.capital_fa}{name_sfx}",
                          f"{prov.capital_en} Municipality", None, "municipality", prov,
                          "urban", "municipality"))
    return out


def _delegated(n: int, tops: list[Agency]) -> list[Agency]:
    """Bodies a top body delegates services to, spread over the provinces."""
    by_code = {a.code: a for a in tops}
    out: list[Agency] = []
    for k in range(n):
        fa, en, parent_code, domain, numbered = DELEGATED[k % len(DELEGATED)]
        prov = PROVINCES[(k * 7) % len(PROVINCES)]  # 7 is prime to 31: provinces spread
        delegator = by_code.get(parent_code) or tops[k % len(tops)]
        if numbered:
            nth = k // len(DELEGATED) + 1
            name_fa = f"{fa} شماره {fa_num(nth)} {prov.capital_fa}"
            name_en = f"{en} No. {nth}, {prov.capital_en}"
        else:
            name_fa, name_en = f"{fa} {prov.fa}", f"{en} {prov.en}"
        out.append(Agency(f"DLG{k + 1:03d}", name_fa, name_en, delegator.code, "delegated", prov,
                          domain, "delegated"))
    return out


# ---------------------------------------------------------------------------------------------
# The country


@dataclass
class _Catalog:
    """What later sheets need to know about every agency (small: counts and service titles)."""

    agencies: list[Agency]
    services: list[list[tuple[str, bool]]]  # per agency: (title, is a service, not an inquiry)
    datasets: list[int]
    systems: list[int]
    host: list[int]  # the agency whose systems hold this agency's datasets


@contextlib.contextmanager
def _writers(folders: list[Path]) -> Iterator[list[dict[str, Any]]]:
    """A csv.writer per sheet for each folder, header written: every folder is a complete
    submission, a sheet with no rows in it keeping its header line."""
    with contextlib.ExitStack() as stack:
        out = []
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
            writers = {}
            for sheet, header in HEADERS.items():
                f = stack.enter_context((folder / f"{sheet}.csv").open("w", encoding="utf-8",
                                                                       newline=""))
                w = csv.writer(f, lineterminator="\n")
                w.writerow(header)
                writers[sheet] = w
            out.append(writers)
        yield out


def part_folders(out: Path, parts: int) -> list[Path]:
    """The folders `generate(out, ..., parts=parts)` writes, in load order: `out` itself for one
    part; else part-01 … part-NN and part-NN+1-inter (zero-padded, so sorted() is load order)."""
    if parts == 1:
        return [out]
    width = max(2, len(str(parts + 1)))
    return [*(out / f"part-{k:0{width}d}" for k in range(1, parts + 1)),
            out / f"part-{parts + 1:0{width}d}-inter"]


def generate(out: Path, scale: float, seed: int = 7, parts: int = 1) -> dict[str, int]:
    """Write a synthetic country of `scale` (1.0: national) into `out` (one CSV per sheet) and
    return the number of rows of each sheet. With `parts` > 1 the same rows are written as
    parts + 1 submissions, each in its own folder (see part_folders and _partition): the
    agencies in `parts` slices, then the records that cross slices (chains and their links)."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    if parts < 1:
        raise ValueError("parts must be at least 1")
    folders = part_folders(out, parts)
    stale = sorted(p.name for p in out.glob("part-*") if p not in folders)
    if parts > 1 and stale:  # `govcat load OUT/part-*` would load them too
        raise FileExistsError(f"{out} holds parts of another split: {', '.join(stale)}")
    agencies = _agencies(scale, seed)
    n = len(agencies)
    total = {k: max(1, round(v * scale)) for k, v in NATIONAL.items()}
    weights = [a.weight for a in agencies]
    per = {k: _per_agency(max(n, total[k]), weights)
           for k in ("units", "posts", "employees", "duties", "services")}
    per["datasets"] = _per_agency(max(n, total["datasets"]), [
        int(a.weight * DATASET_FACTOR.get(a.role, 1.0)) for a in agencies])
    # Systems: at least two (a flow joins two), none for provincial offices and delegated bodies.
    systems = _spread(max(2, total["information_systems"]),
                      [0 if a.role in NO_SYSTEMS else a.weight for a in agencies])
    index = {a.code: i for i, a in enumerate(agencies)}
    fallback = max(range(n), key=lambda i: (systems[i], -i))
    host = []
    for i, a in enumerate(agencies):
        # Own systems; else the parent's, as a provincial office uses its ministry's; else the
        # largest system owner's (a shared government data centre).
        p = index.get(a.parent) if a.parent else None
        host.append(i if systems[i] else p if p is not None and systems[p] else fallback)
    if parts == 1:
        part = [0] * n
    else:
        rows = [1 + systems[i] + sum(v[i] for v in per.values()) for i in range(n)]
        part = _partition(agencies, host, rows, parts)
    counts = dict.fromkeys(HEADERS, 0)
    counts["agencies"] = n
    with _writers(folders) as ws:
        for i, a in enumerate(agencies):
            row = {"code": a.code, "name_fa": a.name_fa,
                   "name_en": a.name_en if a.body or _coin(a, seed) else "",
                   "parent_code": a.parent or "", "kind": a.kind,
                   "province": a.province.slug if a.province else ""}
            ws[part[i]]["agencies"].writerow([row.get(k, "") for k in HEADERS["agencies"]])
        catalog = _Catalog(agencies, [], per["datasets"], systems, host)
        for i, a in enumerate(agencies):
            agency = _AgencyWriter(a, i, seed, ws[part[i]], catalog, counts)
            agency.write(per["units"][i], per["posts"][i], per["employees"][i],
                         per["duties"][i], per["services"][i])
        # A flow goes with the later of its agencies' slices (the dataset's agency and its
        # host are in one slice), where both its systems are already stored.
        _flows(catalog, total["data_flows"], seed,
               lambda x, t: ws[part[x] if part[x] == part[host[x]] == part[t] else -1][
                   "data_flows"], counts)
        _chains(catalog, total["chains"], seed, ws[-1], counts)
    return counts


def _partition(agencies: list[Agency], host: list[int], rows: list[int],
               parts: int) -> list[int]:
    """The slice (0 … parts - 1) of each agency, for loading the country as several atomic
    submissions: every reference of an agency's records points into its own slice or an
    earlier one.

    Agencies form groups kept whole: every agency goes with its parent (parent_code), and an
    agency whose datasets live in another agency's systems goes with that agency. So no
    reference crosses slices but the data flows between them, which go to the last part with
    the chains: the slices before it can be loaded in any order, or at the same time (as
    agencies do), and the groups are placed largest first, each in the least loaded slice.
    Deterministic: ties go to the group of the earliest agency and to the earliest slice."""
    n = len(agencies)
    index = {a.code: i for i, a in enumerate(agencies)}
    groups = _Groups(n)
    parents: list[tuple[int, int]] = []
    for i, a in enumerate(agencies):
        p = index.get(a.parent) if a.parent else None
        if p is not None:
            groups.union(i, p)
        groups.union(i, host[i])
    deps, order = _ordered_groups(groups, n, parents)
    size = dict.fromkeys(deps, 0)
    for i in range(n):
        size[groups.find(i)] += rows[i]
    slice_of = _slices(deps, order, size, parts)
    return [slice_of[groups.find(i)] for i in range(n)]


class _Groups:
    """Agencies kept together (union-find); a group is named by its earliest agency."""

    def __init__(self, n: int) -> None:
        self.root = list(range(n))

    def find(self, i: int) -> int:
        root = self.root
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.root[max(ri, rj)] = min(ri, rj)


def _ordered_groups(groups: _Groups, n: int, parents: list[tuple[int, int]]
                    ) -> tuple[dict[int, set[int]], list[int]]:
    """Each group's dependencies (the groups of the agencies its agencies point at) and the
    groups after their dependencies; groups in a cycle are merged until there is none."""
    find = groups.find
    while True:
        deps: dict[int, set[int]] = {find(i): set() for i in range(n)}
        for i, p in parents:
            if find(i) != find(p):
                deps[find(i)].add(find(p))
        order = _topological(deps)
        if len(order) == len(deps):
            return deps, order
        stuck = sorted(set(deps) - set(order))  # in a cycle or behind one: merged
        for g in stuck[1:]:
            groups.union(stuck[0], g)


def _slices(deps: dict[int, set[int]], order: list[int], size: dict[int, int],
            parts: int) -> dict[int, int]:
    """The slice of each group. Groups that others depend on fill the slices from the first,
    in dependency order, so the groups after them have room; then the others, largest first,
    each into the least loaded slice it may go in."""
    whole = sum(size.values())
    load = [0] * parts
    slice_of: dict[int, int] = {}

    def place(g: int, fill: bool) -> None:
        allowed = range(max((slice_of[d] for d in deps[g]), default=0), parts)
        # Filling: the earliest slice with room for at least half of the group.
        k = next((k for k in allowed if (2 * load[k] + size[g]) * parts <= 2 * whole), None)
        if k is None or not fill:
            k = min(allowed, key=lambda k: (load[k], k))
        slice_of[g] = k
        load[k] += size[g]

    needed = {d for ds in deps.values() for d in ds}
    for g in order:
        if g in needed:
            place(g, fill=True)
    for g in sorted(set(order) - needed, key=lambda g: (-size[g], g)):
        place(g, fill=False)
    return slice_of


def _topological(deps: dict[int, set[int]]) -> list[int]:
    """Nodes after their dependencies, smallest ready node first; nodes in a cycle (or behind
    one) are left out."""
    waiting = {g: len(d) for g, d in deps.items()}
    users: dict[int, list[int]] = {g: [] for g in deps}
    for g, d in deps.items():
        for x in d:
            users[x].append(g)
    ready = [g for g, k in waiting.items() if k == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        g = heapq.heappop(ready)
        order.append(g)
        for u in users[g]:
            waiting[u] -= 1
            if waiting[u] == 0:
                heapq.heappush(ready, u)
    return order


def _coin(a: Agency, seed: int) -> bool:
    """Whether a generated agency also gives its English name (a third of them do)."""
    return random.Random(f"{seed}:en:{a.code}").random() < 0.33


class _AgencyWriter:
    """One agency's units, posts, employees, duties, services, systems and datasets."""

    def __init__(self, a: Agency, index: int, seed: int, w: dict[str, Any], catalog: _Catalog,
                 counts: dict[str, int]) -> None:
        self.a, self.i, self.w, self.cat, self.counts = a, index, w, catalog, counts
        # A stream per agency: an agency's records do not shift when another agency changes.
        self.rng = random.Random(f"{seed}:agency:{a.code}")
        self.dom = DOMAINS[a.domain]
        self.province = a.province.slug if a.province else ""
        # The objects this agency deals in: a few of its domain's, so its titles hang together.
        k = min(len(self.dom.objects), self.rng.randint(3, 6))
        self.objects = self.rng.sample(self.dom.objects, k)

    def write(self, units: int, posts: int, employees: int, duties: int, services: int) -> None:
        self._units(units)
        self._posts(posts)
        self._employees(employees)
        stage = self.rng.choices([s for s, _ in STAGES], [w for _, w in STAGES])[0]
        self._duties(duties, stage)
        delivery = self._services(services, duties, stage)
        self._systems(delivery)
        self._datasets(services)

    # -- structure ----------------------------------------------------------------------------

    def _units(self, count: int) -> None:
        rng, a = self.rng, self.a
        branching = rng.randint(*UNIT_BRANCHING)
        self.unit_ids = [f"U-{a.code}-{u + 1:04d}" for u in range(count)]
        self.levels: list[int] = []
        self.areas: list[tuple[str, str]] = []
        for u in range(count):
            parent = (u - 1) // branching if u else None
            level = self.levels[parent] + 1 if parent is not None else 0
            self.levels.append(level)
            if rng.random() < 0.5:
                area = rng.choice(SUPPORT_AREAS)
            else:
                obj = rng.choice(self.objects)
                area = (f"خدمات {obj[0]}", f"{obj[1]} services")
            self.areas.append(area)
            if level == 0:
                name_fa = ROOT_UNIT.get(a.role, "حوزه ریاست")
                name_en = "Office of the Head"
            else:
                step = min(level, len(UNIT_LEVELS)) - 1
                if a.role in ("provincial", "municipality", "delegated"):
                    step = min(step + 2, len(UNIT_LEVELS) - 1)  # smaller bodies: smaller units
                name_fa = f"{UNIT_LEVELS[step]} {area[0]}"
                name_en = f"{UNIT_LEVELS_EN[step]} {area[1]}"
            self.w["units"].writerow([
                self.unit_ids[u], a.code, _typed(rng, name_fa),
                name_en if rng.random() < ENGLISH_SHARE else "",
                self.unit_ids[parent] if parent is not None else "", self.province])
        self.counts["units"] += count

    def _posts(self, count: int) -> None:
        rng, a = self.rng, self.a
        units = len(self.unit_ids)
        self.post_ids = [f"P-{a.code}-{p + 1:05d}" for p in range(count)]
        self.post_unit: list[int] = []
        self.unit_posts: list[list[int]] = [[] for _ in range(units)]
        self.vacant: list[bool] = []
        for p in range(count):
            # The first post of each unit is its head; the others go to random units.
            head = p < units
            u = p if head else rng.randrange(units)
            self.post_unit.append(u)
            self.unit_posts[u].append(p)
            self.vacant.append(rng.random() < (VACANT_HEAD if head else VACANT_POST))
            area_fa, area_en = self.areas[u]
            if head and self.levels[u] == 0:
                title = HEAD_TITLE.get(a.role, "رئیس")
            elif head:
                title = f"{HEAD_LEVELS[min(self.levels[u], len(HEAD_LEVELS)) - 1]} {area_fa}"
            elif rng.random() < 0.2:
                title = rng.choice(POST_GENERIC)
            else:
                title = f"{rng.choice(POST_GRADES)} {area_fa}"
            self.w["posts"].writerow([
                self.post_ids[p], self.unit_ids[u], _typed(rng, title),
                f"Officer, {area_en}" if rng.random() < ENGLISH_SHARE else "", a.code])
        if all(self.vacant):
            self.vacant[0] = False  # somebody works here: services need an employee
        self.counts["posts"] += count

    def _employees(self, count: int) -> None:
        rng, a = self.rng, self.a
        occupied = [p for p, v in enumerate(self.vacant) if not v]
        self.holders: list[list[str]] = [[] for _ in self.post_ids]
        for e in range(count):
            # Every occupied post first gets one holder, then the rest are spread at random;
            # with fewer employees than posts the later posts stay empty.
            p = occupied[e] if e < len(occupied) else rng.choice(occupied)
            eid = f"E-{a.code}-{e + 1:05d}"
            posts = [self.post_ids[p]]
            self.holders[p].append(eid)
            if rng.random() < SECOND_POST:
                others = [q for q in self.unit_posts[self.post_unit[p]]
                          if q != p and not self.vacant[q]]
                if others:
                    q = rng.choice(others)
                    posts.append(self.post_ids[q])
                    self.holders[q].append(eid)
            self.w["employees"].writerow([eid, _join(rng, posts), a.code])
        self.staffed = [p for p, h in enumerate(self.holders) if h]
        self.empty = [p for p, h in enumerate(self.holders) if not h]
        self.counts["employees"] += count

    # -- duties and services ------------------------------------------------------------------

    def _legal_basis(self) -> str:
        rng = self.rng
        cites = []
        for _ in range(1 if rng.random() < 0.7 else 2):
            law = rng.choice(self.dom.laws if rng.random() < 0.75 else GENERAL_LAWS)
            article = fa_num(rng.randint(1, 120))
            if rng.random() < 0.1:
                cites.append(f"{law}، تبصره {fa_num(rng.randint(1, 4))} ماده {article}")
            else:
                cites.append(f"{law}، ماده {article}")
        return _join(rng, cites)

    def _status(self, approved: bool, submitted: bool) -> str:
        """A draft, written empty, as its key or as its Persian label: the approval state is
        the cycle's to set (ADR 0015); `approved` and `submitted` still draw the same random
        numbers, so the country is the same otherwise."""
        if not (approved or submitted) and self.rng.random() < 0.5:
            return ""  # an empty status is a draft
        return STATUS_FA["draft"] if self.rng.random() < LABEL_SHARE else "draft"

    def _date(self) -> str:
        rng = self.rng
        y, m, d = rng.randint(1402, 1403), rng.randint(1, 12), rng.randint(1, 29)
        r = rng.random()
        if r < 0.1:  # ISO, as a spreadsheet program may have turned it
            return f"{y + 621}-{(m + 2) % 12 + 1:02d}-{min(d, 28):02d}"
        text = f"{y}/{m:02d}/{d:02d}"
        return fa_num(text) if r < 0.3 else text

    def _duties(self, count: int, stage: str) -> None:
        rng, a = self.rng, self.a
        approved = stage in ("duties_approved", "services_approved")
        titles = _Titles(lambda n: f"(بند {fa_num(n + 1)})")
        for d in range(count):
            tpl_fa, tpl_en = rng.choice(DUTY_TEMPLATES)
            obj_fa, obj_en = rng.choice(self.objects)
            fa, en = tpl_fa.format(o=obj_fa), tpl_en.format(o=obj_en)
            if rng.random() < 0.3:
                fa = f"{fa} {rng.choice(DUTY_SCOPES)}"
            fa, en = titles(fa, en)
            self.w["duties"].writerow([
                a.code, f"D-{d + 1:04d}", _typed(rng, fa),
                en if rng.random() < ENGLISH_SHARE else "", self._legal_basis(),
                "",  # duty IDs come from the cycle's approvals, never a file (ADR 0015)
                self._status(approved, stage != "draft"),
                self._date() if rng.random() < 0.15 else ""])
        self.counts["duties"] += count

    def _deliverers(self) -> tuple[list[int], list[int], list[str]]:
        """Units, posts and employees of one service, spread over the agency's units."""
        rng = self.rng
        r = rng.random()
        unit = rng.randrange(len(self.unit_ids))
        units = [unit] if r < 0.70 or r >= 0.95 else []
        if r >= 0.95:
            units.append(rng.randrange(len(self.unit_ids)))
        posts: list[int] = []
        if r < 0.45 or r >= 0.70:
            in_unit = self.unit_posts[unit]
            posts = [rng.choice(in_unit) if in_unit else rng.randrange(len(self.post_ids))]
            if self.empty and rng.random() < VACANT_DELIVERY:
                # A delivery gap on purpose: the post is vacant, its unit's staff stand in.
                posts = [rng.choice(self.empty)]
                unit = self.post_unit[posts[0]]
                if units:
                    units[0] = unit
        # The people: holders of the named post; a vacant post (a delivery gap audits)
        # is covered by colleagues of its unit, or else by anybody of the agency.
        pool = self.holders[posts[0]] if posts else []
        if not pool:
            staffed = [p for p in self.unit_posts[unit] if self.holders[p]]
            p = rng.choice(staffed) if staffed else rng.choice(self.staffed)
            pool = self.holders[p]
            if posts:  # who stands in holds a post the service names, in its units
                posts.append(p)
                if units and self.post_unit[p] not in units:
                    units.append(self.post_unit[p])
        employees = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
        return sorted(set(units)), posts, employees

    def _services(self, count: int, duties: int, stage: str) -> list[str]:
        rng, a = self.rng, self.a
        approved = stage == "services_approved"
        submitted = stage == "duties_approved"
        titles = _Titles(lambda n: f"(نوع {fa_num(n + 1)})")
        mine: list[tuple[str, bool]] = []
        delivery: list[str] = []
        for s in range(count):
            is_service = s == 0 or rng.random() >= INQUIRY_SHARE  # the first is a service
            action = rng.choice(SERVICE_ACTIONS if is_service else INQUIRY_ACTIONS)
            obj_fa, obj_en = rng.choice(self.objects)
            fa, en = action[0].format(o=obj_fa), action[1].format(o=obj_en)
            r = rng.random()
            if r < 0.2:
                q_fa, q_en = rng.choice(SERVICE_QUALIFIERS)
                fa, en = f"{fa} {q_fa}", f"{en} {q_en}"
            elif r < 0.25:  # a form or article number, in Persian digits
                n = rng.randint(1, 190)
                fa, en = f"{fa} موضوع ماده {fa_num(n)}", f"{en} (article {n})"
            fa, en = titles(fa, en)
            mine.append((fa, is_service))
            # 1-3 duties of this agency: the first walks through the duties in order, so the
            # mapping covers them evenly; the others are random.
            first = (s * duties) // count
            extra = rng.sample(range(duties), min(duties, rng.choice((0, 0, 1, 1, 2))))
            mapped = [first] + [d for d in extra if d != first]
            units, posts, employees = self._deliverers()
            level = _pick(rng, DELIVERY)
            delivery.append(level)
            kind = "service" if is_service else "inquiry"
            if rng.random() < LABEL_SHARE:
                kind = "خدمت" if is_service else "استعلام"
            self.w["services"].writerow([
                a.code, f"S-{s + 1:04d}", _typed(rng, fa),
                en if rng.random() < ENGLISH_SHARE else "", "", kind,  # no alt_names
                _join(rng, [f"D-{d + 1:04d}" for d in mapped]),
                ";".join(self.unit_ids[u] for u in units),
                ";".join(self.post_ids[p] for p in posts), _join(rng, employees), level,
                "",  # service IDs and legacy IDs: the cycle and the admin (ADR 0015)
                self._status(approved, submitted), ""])
        self.cat.services.append(mine)
        self.counts["services"] += count
        return delivery

    # -- data ---------------------------------------------------------------------------------

    def _systems(self, delivery: list[str]) -> None:
        rng, a = self.rng, self.a
        count = self.cat.systems[self.i]
        if not count:
            return
        # Services delivered electronically or smartly run on one of the agency's systems.
        supported: list[list[str]] = [[] for _ in range(count)]
        for s, level in enumerate(delivery):
            if level not in ("in_person", "حضوری"):
                supported[rng.randrange(count)].append(f"S-{s + 1:04d}")
        titles = _Titles(lambda n: fa_num(n + 1))
        host = a.code.lower().replace("_", "-")
        for k in range(count):
            if rng.random() < 0.3:
                tpl = rng.choice(SECTOR_SYSTEMS)
                s_fa, s_en = rng.choice(self.dom.sectors)
                fa, en = tpl[0].format(s=s_fa), tpl[1].format(s=s_en)
            else:
                tpl = rng.choice(SYSTEM_TEMPLATES)
                obj_fa, obj_en = rng.choice(self.objects)
                fa, en = tpl[0].format(o=obj_fa), tpl[1].format(o=obj_en)
            fa, en = titles(fa, en)
            self.w["information_systems"].writerow([
                a.code, f"IS-{k + 1:02d}", _typed(rng, fa),
                en[0].upper() + en[1:] if rng.random() < 0.3 else "",
                f"https://is{k + 1}.{host}.example/" if rng.random() < 0.9 else "",
                _join(rng, supported[k])])
        self.counts["information_systems"] += count

    def _datasets(self, services: int) -> None:
        rng, a = self.rng, self.a
        titles = _Titles(lambda n: f"سال {fa_num(1403 - n)}")
        where = f" استان {a.province.fa}" if a.role == "provincial" and a.province else ""
        for d in range(self.cat.datasets[self.i]):
            tpl_fa, tpl_en = rng.choice(DATASET_TEMPLATES)
            obj_fa, obj_en = rng.choice(self.objects)
            fa, en = titles(tpl_fa.format(o=obj_fa) + where, tpl_en.format(o=obj_en))
            users = rng.sample(range(services), min(services, rng.choice((0, 1, 1, 2, 3))))
            personal = rng.random() < 0.55
            yes_no = ("بله" if personal else "خیر") if rng.random() < LABEL_SHARE else (
                "yes" if personal else "no")
            self.w["datasets"].writerow([
                a.code, f"DS-{d + 1:04d}", _typed(rng, fa),
                en[0].upper() + en[1:] if rng.random() < ENGLISH_SHARE else "", "",  # alt_names
                _system_ref(self.cat, self.i, d, qualified=False),
                _join(rng, [f"S-{s + 1:04d}" for s in sorted(users)]), yes_no,
                _pick(rng, CLASSIFICATION), _pick(rng, FREQUENCY)])
        self.counts["datasets"] += self.cat.datasets[self.i]


def _dataset_system(cat: _Catalog, agency: int, dataset: int) -> tuple[int, int]:
    """(agency, system number) of the system holding an agency's dataset: datasets are dealt
    over the host's systems, offset by the agency so provincial offices use different ones."""
    h = cat.host[agency]
    return h, (dataset + agency) % cat.systems[h]


def _system_ref(cat: _Catalog, agency: int, dataset: int, qualified: bool) -> str:
    h, k = _dataset_system(cat, agency, dataset)
    ref = f"IS-{k + 1:02d}"
    return f"{cat.agencies[h].code}:{ref}" if qualified or h != agency else ref


def _starts(sizes: list[int]) -> list[int]:
    out, acc = [], 0
    for s in sizes:
        out.append(acc)
        acc += s
    return out


# ---------------------------------------------------------------------------------------------
# Data flows and chains


def _flows(cat: _Catalog, total: int, seed: int, sink: Callable[[int, int], Any],
           counts: dict[str, int]) -> None:
    """Flows of a dataset out of the system that holds it, to another system: most to another
    agency's. Targets are drawn uniformly over all systems, so no system gets a pathological
    fan-in; each (from, to, dataset) is written once (it is the flow's identity). A flow of
    agency x's dataset to agency t's system goes to the writer sink(x, t)."""
    rng = random.Random(f"{seed}:flows")
    ds_start, sys_start = _starts(cat.datasets), _starts(cat.systems)
    n_ds, n_sys = sum(cat.datasets), sum(cat.systems)
    seen: set[tuple[int, int, int]] = set()
    written = 0
    for _ in range(total * 20):
        if written == total:
            break
        g = rng.randrange(n_ds)
        x = bisect.bisect_right(ds_start, g) - 1
        h, k = _dataset_system(cat, x, g - ds_start[x])
        src = sys_start[h] + k
        if rng.random() < CROSS_AGENCY_FLOW or cat.systems[h] < 2:
            dst = rng.randrange(n_sys)
        else:
            dst = sys_start[h] + rng.randrange(cat.systems[h])
        if dst == src or (src, dst, g) in seen:
            continue
        seen.add((src, dst, g))
        t = bisect.bisect_right(sys_start, dst) - 1
        purpose = ""
        if rng.random() < 0.8:
            obj = rng.choice(DOMAINS[cat.agencies[x].domain].objects)[0]
            purpose = rng.choice(FLOW_PURPOSES).format(o=obj)
        sink(x, t).writerow([
            _system_ref(cat, x, g - ds_start[x], qualified=True),
            f"{cat.agencies[t].code}:IS-{dst - sys_start[t] + 1:02d}",
            f"{cat.agencies[x].code}:DS-{g - ds_start[x] + 1:04d}", purpose])
        written += 1
    counts["data_flows"] = written


def _chains(cat: _Catalog, total: int, seed: int, w: dict[str, Any],
            counts: dict[str, int]) -> None:
    """Inter-agency chains: supporting services of other agencies, then the final service of
    the responsible agency as the last link; links depend on earlier links."""
    rng = random.Random(f"{seed}:chains")
    services = _Services(cat, rng)
    finals, used = _chain_finals(cat, services, total)
    links_written = 0
    for c, final in enumerate(finals):
        size = min(rng.randint(*CHAIN_LINKS), services.count)
        support = _supporting(services, final, size, used)
        _reuse_earlier(rng, c, finals, support)
        chain_ref = f"CH-{c + 1:04d}"
        event_fa, event_en = rng.choice(CHAIN_EVENTS)
        title = cat.services[final[0]][final[1]][0]
        responsible = cat.agencies[final[0]].code
        w["chains"].writerow([
            chain_ref, _typed(rng, f"{event_fa}: {title}"),
            f"{event_en}: chain {c + 1}" if rng.random() < 0.1 else "", services.ref(final),
            responsible if rng.random() < 0.9 else ""])  # empty: the final's agency
        links_written += _chain_links(services, chain_ref, [*support, final], w)
    counts["chains"] = total
    counts["chain_links"] = links_written


class _Services:
    """The country's services, picked at random (uniformly: no hub service)."""

    def __init__(self, cat: _Catalog, rng: random.Random) -> None:
        self.cat, self.rng = cat, rng
        sizes = [len(s) for s in cat.services]
        self.starts, self.count = _starts(sizes), sum(sizes)

    def any(self) -> tuple[int, int]:
        g = self.rng.randrange(self.count)
        a = bisect.bisect_right(self.starts, g) - 1
        return a, g - self.starts[a]

    def ref(self, s: tuple[int, int]) -> str:
        return f"{self.cat.agencies[s[0]].code}:S-{s[1] + 1:04d}"


def _chain_finals(cat: _Catalog, services: _Services, total: int
                  ) -> tuple[list[tuple[int, int]], set[tuple[int, int]]]:
    """Finals first, each a service (not an inquiry) and each chain's own; supporting links
    then avoid them, so chains depend on each other only where CHAIN_REUSE makes them."""
    finals: list[tuple[int, int]] = []
    used: set[tuple[int, int]] = set()
    for _ in range(total):
        final = services.any()
        for _ in range(50):
            if cat.services[final[0]][final[1]][1] and final not in used:
                break
            final = services.any()
        used.add(final)
        finals.append(final)
    return finals, used


def _supporting(services: _Services, final: tuple[int, int], size: int,
                used: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """The chain's supporting links: other services than its final and other chains' finals
    (when they can be found), the first of another agency."""
    support: list[tuple[int, int]] = []
    for attempt in range(200):
        if len(support) == size - 1:
            break
        s = services.any()
        if s == final or s in support or (s in used and attempt < 150):
            continue
        if not support and s[0] == final[0] and attempt < 150:
            continue  # the first supporting link is another agency's
        support.append(s)
    return support


def _reuse_earlier(rng: random.Random, c: int, finals: list[tuple[int, int]],
                   support: list[tuple[int, int]]) -> None:
    """The second chain always reuses the first's final, so even a tiny country has one
    dependency between chains; a later one sometimes (CHAIN_REUSE)."""
    if c and len(support) > 1 and (c == 1 or rng.random() < CHAIN_REUSE):
        earlier = finals[rng.randrange(c)]
        if earlier not in support:
            support[-1] = earlier  # this chain now depends on an earlier one


def _chain_links(services: _Services, chain_ref: str, members: list[tuple[int, int]],
                 w: dict[str, Any]) -> int:
    """Write the chain's links, each depending on earlier ones; how many."""
    cat, rng = services.cat, services.rng
    for order, s in enumerate(members, 1):
        deps = _link_deps(rng, order, len(members))
        n_ds = cat.datasets[s[0]]
        picked = rng.sample(range(n_ds), min(n_ds, rng.choice((0, 1, 1, 1, 2))))
        datasets = [f"{cat.agencies[s[0]].code}:DS-{d + 1:04d}" for d in sorted(picked)]
        w["chain_links"].writerow([
            chain_ref, order, services.ref(s), _join(rng, [str(d) for d in deps]),
            _join(rng, datasets)])
    return len(members)


def _link_deps(rng: random.Random, order: int, links: int) -> list[int]:
    """The earlier links (by order) link `order` of `links` depends on."""
    if order == 1:
        return []
    if order == links:  # the final needs the last link and maybe others
        return sorted({order - 1, *rng.sample(range(1, order), min(order - 1, 2))})
    r = rng.random()
    k = 0 if r < 0.15 else 1 if r < 0.8 else min(2, order - 1)
    return sorted(rng.sample(range(1, order), k))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path, help="folder to write the CSV files into")
    ap.add_argument("--scale", type=float, default=0.01, help="1.0 is national scale")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--parts", type=int, default=1,
                    help="write the country as N slices of agencies plus one part of what "
                         "crosses them (OUT/part-01 … part-N+1-inter), loadable in that order")
    ns = ap.parse_args()
    if ns.parts < 1:
        ap.error("--parts must be at least 1")
    print(json.dumps(generate(ns.out, ns.scale, ns.seed, parts=ns.parts)))


if __name__ == "__main__":
    main()
