"""Build the govcat demo catalog: demo/govcat-demo.xlsx.

A realistic, entirely synthetic Persian catalog of four executive agencies (civil registry, tax
administration, social security, Tehran municipality), three provincial units and one delegated
government counter office (R-20.1, R-20.2), with their duties (R-3), services and inquiries
(R-4), delivering units, posts and employees (R-4.3), information systems, datasets and data
flows (R-10.1) and three inter-agency service chains (R-6).

Everything is fixed data or derived from it by fixed rules: no randomness, no clock. The workbook
bytes are reproducible too (fixed document timestamps and zip entry dates).

Employees are identified by synthetic IDs only (E-<AGENCY>-0001); there are no names and no
national codes. Legal texts are real Iranian laws; article numbers are illustrative. URLs use the
reserved `.example` domain. Legacy registry numbers are synthetic.

Run:  .venv/bin/python -m demo.build_demo [output.xlsx]  (also writes demo/govcat-demo-step3.xlsx,
      the improvement plans of step 3: demo/build_step3.py)

Before writing, `check()` asserts the catalog's consistency rules (a service maps to duties of
its own agency, approved items carry issued IDs, references resolve, chains span agencies, ...),
so the script fails loudly instead of writing an inconsistent workbook.

The sheets and columns it writes are read from the spreadsheet contract (catalog.kinds.sheets(),
`workbook_columns`), not restated here.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import count
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from catalog import kinds
from demo.build_step3 import STEP3_OUT, build_step3

Row = dict[str, Any]

OUT = Path(__file__).resolve().parent / "govcat-demo.xlsx"
LEGACY_OUT = "legacy-ids.csv"  # beside the workbook: the admin's legacy import (cli/demo.py)

# fmt: off
# Data tables are kept compact (one record per few lines); the formatter leaves them alone.

# ---------------------------------------------------------------------------------------------
# Agencies (R-20). code, name_fa, name_en, parent_code, kind, province
# ---------------------------------------------------------------------------------------------
AGENCIES = [
    ("SABT", "سازمان ثبت احوال کشور", "National Organization for Civil Registration",
     None, "organization", "tehran"),
    ("TAX", "سازمان امور مالیاتی کشور", "Iranian National Tax Administration",
     None, "organization", "tehran"),
    ("SSO", "سازمان تأمین اجتماعی", "Social Security Organization",
     None, "organization", "tehran"),
    ("TEHRAN_MUN", "شهرداری تهران", "Tehran Municipality",
     None, "municipality", "tehran"),
    ("SABT_ISF", "اداره کل ثبت احوال استان اصفهان", "Isfahan Province Civil Registration Office",
     "SABT", "provincial_unit", "isfahan"),
    ("TAX_KHR", "اداره کل امور مالیاتی استان خراسان رضوی",
     "Khorasan Razavi Province Tax Affairs Office", "TAX", "provincial_unit", "khorasan-razavi"),
    ("SSO_FARS", "اداره کل تأمین اجتماعی استان فارس", "Fars Province Social Security Office",
     "SSO", "provincial_unit", "fars"),
    ("PISHKHAN_1045", "دفتر پیشخوان خدمات دولت کد ۱۰۴۵ تهران",
     "Government Services Counter Office No. 1045, Tehran", "SABT", "delegated", "tehran"),
]

# ---------------------------------------------------------------------------------------------
# Organizational units per agency: (number, name_fa, name_en, parent number, expert posts).
# Every unit also gets a head post; its title is derived from the unit name (see head_title),
# or given explicitly for the top unit. Expert posts: (title_fa, title_en).
# ---------------------------------------------------------------------------------------------
UNITS: dict[str, list[tuple[Any, ...]]] = {
    "SABT": [
        (1, "ریاست سازمان ثبت احوال کشور", "Office of the Head of the Organization", None, [],
         ("رئیس سازمان ثبت احوال کشور", "Head of the Civil Registration Organization")),
        (2, "معاونت امور اسناد هویتی", "Deputy Office for Identity Documents", 1, []),
        (3, "معاونت فناوری اطلاعات", "Deputy Office for Information Technology", 1, []),
        (4, "معاونت توسعه مدیریت و پشتیبانی",
         "Deputy Office for Management Development and Support",
         1, []),
        (5, "اداره کل ثبت وقایع حیاتی", "Directorate General of Vital Events Registration", 2, []),
        (6, "اداره کل صدور اسناد هویتی", "Directorate General of Identity Document Issuance", 2,
         [("کارشناس صدور اسناد هویتی", "Identity documents officer")]),
        (7, "اداره کل آمار و اطلاعات جمعیتی",
         "Directorate General of Population Statistics and Information", 3,
         [("کارشناس آمار جمعیتی", "Population statistician")]),
        (8, "اداره کل سامانه‌ها و کارت هوشمند ملی",
         "Directorate General of Systems and the Smart National Card", 3,
         [("کارشناس پشتیبانی سامانه کارت هوشمند", "Smart card system support specialist")]),
        (9, "اداره ثبت ولادت و وفات", "Birth and Death Registration Department", 5,
         [("کارشناس ثبت وقایع حیاتی", "Vital events registrar"),
          ("کارشناس ثبت وقایع ایرانیان خارج از کشور", "Registrar for Iranians abroad")]),
        (10, "اداره اصلاح اسناد و هیئت‌های حل اختلاف",
         "Record Corrections and Dispute Boards Department", 5,
         [("کارشناس اصلاح اسناد سجلی", "Civil records correction officer"),
          ("دبیر هیئت حل اختلاف", "Secretary of the dispute-resolution board")]),
        (11, "اداره صدور کارت هوشمند ملی", "Smart National Card Issuance Department", 6,
         [("کارشناس صدور کارت هوشمند ملی", "Smart card issuance officer")]),
        (12, "اداره استعلامات و تبادل داده", "Inquiries and Data Exchange Department", 8,
         [("کارشناس تبادل داده و استعلام", "Data exchange and inquiry specialist")]),
    ],
    "TAX": [
        (1, "ریاست کل سازمان امور مالیاتی کشور", "Office of the Head of the Tax Administration",
         None, [], ("رئیس کل سازمان امور مالیاتی کشور", "Head of the Tax Administration")),
        (2, "معاونت درآمدهای مالیاتی", "Deputy Office for Tax Revenues", 1, []),
        (3, "معاونت فناوری‌های مالیاتی", "Deputy Office for Tax Technologies", 1, []),
        (4, "معاونت حقوقی و فنی مالیاتی",
         "Deputy Office for Legal and Technical Tax Affairs", 1, []),
        (5, "اداره کل امور مؤدیان بزرگ", "Large Taxpayers Directorate General", 2,
         [("حسابرس ارشد مالیاتی", "Senior tax auditor")]),
        (6, "اداره کل مالیات‌های مستقیم", "Directorate General of Direct Taxes", 2,
         [("کارشناس ارشد مالیات بر درآمد", "Senior income tax officer"),
          ("کارشناس وصول و اجرا", "Collection and enforcement officer")]),
        (7, "اداره کل مالیات بر ارزش افزوده", "Directorate General of Value-Added Tax", 2,
         [("کارشناس مالیات بر ارزش افزوده", "VAT officer")]),
        (8, "اداره کل سامانه‌ها و خدمات الکترونیک مالیاتی",
         "Directorate General of Tax Systems and E-Services", 3,
         [("کارشناس خدمات الکترونیک مؤدیان", "Taxpayer e-services specialist")]),
        (9, "اداره کل هیئت‌های حل اختلاف مالیاتی", "Directorate General of Tax Dispute Boards", 4,
         [("دبیر هیئت حل اختلاف مالیاتی", "Secretary of the tax dispute board")]),
        (10, "اداره ثبت‌نام و پرونده مؤدیان", "Taxpayer Registration and Files Department", 6,
         [("کارشناس ثبت‌نام مؤدیان", "Taxpayer registration officer")]),
        (11, "اداره مالیات املاک و نقل و انتقالات", "Property and Transfer Taxes Department", 6,
         [("کارشناس مالیات بر املاک", "Property tax officer"),
          ("ارزیاب املاک", "Property valuer")]),
        (12, "اداره صورتحساب الکترونیکی و پایانه‌های فروشگاهی",
         "E-Invoicing and Store Terminals Department", 8,
         [("کارشناس سامانه مؤدیان", "Taxpayers' system specialist")]),
    ],
    "SSO": [
        (1, "حوزه مدیرعامل سازمان تأمین اجتماعی", "Office of the Chief Executive", None, [],
         ("مدیرعامل سازمان تأمین اجتماعی", "Chief Executive of the Social Security Organization")),
        (2, "معاونت بیمه‌ای", "Deputy Office for Insurance Affairs", 1, []),
        (3, "معاونت فناوری اطلاعات و ارتباطات", "Deputy Office for ICT", 1, []),
        (4, "معاونت درمان", "Deputy Office for Healthcare", 1, []),
        (5, "اداره کل امور بیمه‌شدگان", "Directorate General of Insured Persons' Affairs", 2, []),
        (6, "اداره کل امور درآمد حق بیمه", "Directorate General of Contribution Revenue", 2,
         [("کارشناس وصول حق بیمه", "Contribution collection officer"),
          ("کارشناس مفاصاحساب", "Clearance certificate officer")]),
        (7, "اداره کل امور مستمری‌ها", "Directorate General of Pensions", 2, []),
        (8, "اداره کل خدمات الکترونیک و سامانه‌ها", "Directorate General of E-Services and Systems",
         3, [("کارشناس خدمات غیرحضوری", "Online services specialist")]),
        (9, "اداره کل نظارت بر درمان و خرید خدمات",
         "Directorate General of Healthcare Purchasing and Oversight", 4,
         [("کارشناس نظارت بر نسخه الکترونیک", "E-prescription oversight officer")]),
        (10, "اداره سوابق و حساب‌های انفرادی بیمه‌شدگان",
         "Insured Persons' Records and Accounts Department", 5,
         [("کارشناس امور بیمه‌شدگان", "Insured persons officer"),
          ("کارشناس سوابق بیمه‌ای", "Insurance records officer")]),
        (11, "اداره امور کارفرمایان و کارگاه‌ها", "Employers and Workshops Department", 6,
         [("کارشناس امور کارفرمایان", "Employer affairs officer")]),
        (12, "اداره برقراری مستمری و تعهدات کوتاه‌مدت",
         "Pension Award and Short-Term Benefits Department", 7,
         [("کارشناس برقراری مستمری", "Pension award officer"),
          ("کارشناس تعهدات کوتاه‌مدت", "Short-term benefits officer")]),
    ],
    "TEHRAN_MUN": [
        (1, "حوزه شهردار تهران", "Office of the Mayor", None, [],
         ("شهردار تهران", "Mayor of Tehran")),
        (2, "معاونت شهرسازی و معماری", "Deputy Office for Urban Planning and Architecture", 1, []),
        (3, "معاونت مالی و اقتصاد شهری", "Deputy Office for Finance and Urban Economy", 1, []),
        (4, "معاونت خدمات شهری و محیط زیست", "Deputy Office for Urban Services and Environment",
         1, []),
        (5, "معاونت برنامه‌ریزی، توسعه شهری و امور شورا",
         "Deputy Office for Planning, Urban Development and Council Affairs", 1, []),
        (6, "اداره کل معماری و ساختمان", "Directorate General of Architecture and Building", 2,
         [("کارشناس کنترل ساختمان", "Building control officer"),
          ("دبیر کمیسیون ماده ۱۰۰", "Secretary of the Article 100 Commission")]),
        (7, "اداره کل طرح‌های توسعه شهری", "Directorate General of Urban Development Plans", 2,
         [("کارشناس طرح تفصیلی", "Detailed-plan specialist")]),
        (8, "اداره کل درآمد", "Directorate General of Revenue", 3, []),
        (9, "اداره کل خدمات شهری", "Directorate General of Urban Services", 4,
         [("کارشناس مدیریت پسماند", "Waste management officer"),
          ("کارشناس نظارت بر حفاری معابر", "Street excavation inspector")]),
        (10, "اداره کل فناوری اطلاعات و شهر هوشمند", "Directorate General of IT and Smart City", 5,
         [("کارشناس سامانه ۱۳۷", "137 system operator")]),
        (11, "اداره مجوزهای کسب‌وکار", "Business Permits Department", 8,
         [("کارشناس صدور مجوز کسب‌وکار", "Business permit officer")]),
        (12, "اداره نوسازی و نقل و انتقالات املاک",
         "Renewal Dues and Property Transfers Department",
         8, [("کارشناس عوارض نوسازی", "Renewal dues officer"),
             ("کارشناس پاسخ استعلام املاک", "Property inquiry officer")]),
        (13, "اداره فضای سبز", "Green Space Department", 9,
         [("کارشناس فضای سبز", "Green space officer")]),
        (14, "اداره پروانه‌های ساختمانی", "Building Permits Department", 6,
         [("کارشناس صدور پروانه ساختمان", "Building permit officer")]),
    ],
    "SABT_ISF": [
        (1, "اداره کل ثبت احوال استان اصفهان", "Isfahan Province Civil Registration Office", None,
         []),
        (2, "اداره ثبت احوال شهرستان اصفهان", "Isfahan County Civil Registration Department", 1,
         [("کارشناس ثبت احوال", "Civil registration officer")]),
        (3, "اداره ثبت احوال شهرستان کاشان", "Kashan County Civil Registration Department", 1,
         [("کارشناس ثبت احوال", "Civil registration officer")]),
    ],
    "TAX_KHR": [
        (1, "اداره کل امور مالیاتی استان خراسان رضوی",
         "Khorasan Razavi Province Tax Affairs Office",
         None, []),
        (2, "اداره امور مالیاتی شهرستان مشهد", "Mashhad County Tax Affairs Department", 1,
         [("ممیز کل مالیاتی", "Chief tax assessor"), ("کارشناس مالیاتی", "Tax officer")]),
        (3, "اداره امور مالیاتی شهرستان نیشابور", "Neyshabur County Tax Affairs Department", 1,
         [("کارشناس مالیاتی", "Tax officer")]),
    ],
    "SSO_FARS": [
        (1, "اداره کل تأمین اجتماعی استان فارس", "Fars Province Social Security Office", None, []),
        (2, "شعبه یک تأمین اجتماعی شیراز", "Shiraz Branch 1", 1,
         [("بازرس کارگاه", "Workshop inspector"),
          ("کارشناس امور بیمه‌شدگان", "Insured persons officer")]),
        (3, "شعبه تأمین اجتماعی مرودشت", "Marvdasht Branch", 1,
         [("کارشناس امور بیمه‌شدگان", "Insured persons officer")]),
    ],
    "PISHKHAN_1045": [
        (1, "دفتر پیشخوان خدمات دولت کد ۱۰۴۵", "Government Counter Office No. 1045", None, [],
         ("مدیر دفتر پیشخوان", "Counter office manager")),
        (2, "واحد پذیرش و ثبت درخواست", "Reception and Applications Unit", 1,
         [("متصدی پذیرش", "Reception clerk"),
          ("کارشناس احراز هویت و ثبت زیست‌سنجه", "Identity and biometrics officer")]),
    ],
}

# ---------------------------------------------------------------------------------------------
# Duties (R-3): ref, title_fa, title_en, legal bases, status (A/S/D), changed_on (Solar Hijri).
# ---------------------------------------------------------------------------------------------
L_SABT = "قانون ثبت احوال"
L_CIVIL = "قانون مدنی"
L_NID = "قانون الزام دریافت شماره ملی و کد پستی برای کلیه اتباع ایرانی"
L_DATA = "قانون مدیریت داده‌ها و اطلاعات ملی"
L_INTEGRITY = "قانون ارتقای سلامت نظام اداری و مقابله با فساد"
L_FOIA = "قانون انتشار و دسترسی آزاد به اطلاعات"
L_PLAN7 = "قانون برنامه پنج‌ساله هفتم پیشرفت جمهوری اسلامی ایران"
L_CIVIL_SERVICE = "قانون مدیریت خدمات کشوری"
L_COUNTERS = "آیین‌نامه ساماندهی دفاتر پیشخوان خدمات دولت"
L_FAMILY = "قانون حمایت خانواده"
L_DIRECT = "قانون مالیات‌های مستقیم"
L_VAT = "قانون مالیات بر ارزش افزوده"
L_TERMINALS = "قانون پایانه‌های فروشگاهی و سامانه مؤدیان"
L_INTA = "قانون تشکیل سازمان امور مالیاتی کشور"
L_HOUSING = "قانون ساماندهی بازار زمین، مسکن و اجاره‌بها"
L_SSO = "قانون تأمین اجتماعی"
L_UNEMPLOYMENT = "قانون بیمه بیکاری"
L_CONSTRUCTION = "قانون بیمه اجتماعی کارگران ساختمانی"
L_WELFARE = "قانون ساختار نظام جامع رفاه و تأمین اجتماعی"
L_SELF_EMPLOYED = "آیین‌نامه اجرایی بیمه صاحبان حرف و مشاغل آزاد"
L_MUNICIPAL = "قانون شهرداری"
L_ENGINEERING = "قانون نظام مهندسی و کنترل ساختمان"
L_URBAN_COUNCIL = "قانون تأسیس شورای عالی شهرسازی و معماری ایران"
L_SUSTAINABLE = "قانون درآمد پایدار و هزینه شهرداری‌ها و دهیاری‌ها"
L_COUNCILS = "قانون تشکیلات، وظایف و انتخابات شوراهای اسلامی کشور و انتخاب شهرداران"
L_RENEWAL = "قانون نوسازی و عمران شهری"
L_GUILDS = "قانون نظام صنفی کشور"
L_WASTE = "قانون مدیریت پسماندها"
L_GREEN = "قانون اصلاح لایحه قانونی حفظ و گسترش فضای سبز در شهرها"
L_EXCAVATION = "آیین‌نامه اجرایی ساماندهی حفاری‌های معابر شهری"


def art(law: str, article: str) -> str:
    """A legal-basis item: «<law>، ماده <article>»."""
    return f"{law}، ماده {article}"


DUTIES: dict[str, list[tuple[Any, ...]]] = {
    "SABT": [
        ("d-birth-registration", "ثبت ولادت اتباع ایرانی",
         "Registration of births of Iranian nationals",
         [art(L_SABT, "۱"), art(L_CIVIL, "۹۹۳")], "A", None),
        ("d-death-registration", "ثبت واقعه وفات و ابطال شناسنامه متوفی",
         "Registration of deaths and cancellation of the deceased's birth certificate",
         [art(L_SABT, "۱"), art(L_SABT, "۲۷")], "A", None),
        ("d-marriage-divorce", "ثبت وقایع ازدواج و طلاق در اسناد سجلی",
         "Recording marriages and divorces in civil-registration records",
         [art(L_SABT, "۱"), art(L_FAMILY, "۲۰")], "A", None),
        ("d-birth-certificate", "صدور شناسنامه و شناسنامه المثنی",
         "Issuing birth certificates and duplicates", [art(L_SABT, "۱"), art(L_SABT, "۲۱")],
         "A", None),
        ("d-national-id", "تخصیص شماره ملی یکتا به اتباع ایرانی",
         "Assigning a unique national identification number", [art(L_NID, "۱")], "A", None),
        ("d-smart-card", "صدور کارت شناسایی ملی هوشمند", "Issuing the smart national identity card",
         [art(L_NID, "۲"), art(L_PLAN7, "۱۰۶")], "A", "1403/11/15"),
        ("d-record-corrections", "رسیدگی به تغییر نام و اصلاح مشخصات اسناد سجلی",
         "Handling name changes and corrections to civil-registration records",
         [art(L_SABT, "۳"), art(L_SABT, "۲۰")], "A", None),
        ("d-population-registry", "نگهداری و به‌روزرسانی پایگاه اطلاعات جمعیت کشور",
         "Maintaining the national population register", [art(L_SABT, "۱"), art(L_DATA, "۳")],
         "A", None),
        ("d-identity-inquiry", "پاسخ‌گویی به استعلام‌های هویتی دستگاه‌های اجرایی",
         "Answering identity inquiries from executive agencies",
         [art(L_DATA, "۵"), art(L_INTEGRITY, "۸")], "A", "1404/02/10"),
        ("d-vital-statistics", "تهیه و انتشار آمار وقایع حیاتی و جمعیتی",
         "Producing and publishing vital and population statistics",
         [art(L_SABT, "۱"), art(L_FOIA, "۱۰")], "A", None),
        ("d-family-name", "ثبت و تغییر نام خانوادگی", "Registering and changing family names",
         [art(L_SABT, "۴۰"), art(L_SABT, "۴۱")], "S", None),
        ("d-abroad-events", "ثبت وقایع حیاتی ایرانیان مقیم خارج از کشور",
         "Registering vital events of Iranians living abroad",
         [art(L_SABT, "۱۳"), art(L_CIVIL, "۹۹۳")], "A", None),
        ("d-late-registration", "رسیدگی به ولادت‌ها و وفات‌های ثبت‌نشده در موعد قانونی",
         "Late registration of births and deaths", [art(L_SABT, "۱۶"), art(L_SABT, "۳۱")],
         "S", "1404/01/20"),
        ("d-document-security", "پیشگیری از جعل و سوءاستفاده از اسناد هویتی",
         "Preventing forgery and misuse of identity documents",
         [art(L_SABT, "۴۵"), art(L_SABT, "۴۹")], "A", None),
        ("d-nationality", "درج وقایع مربوط به تابعیت در اسناد سجلی",
         "Recording nationality events in civil-registration records",
         [art(L_CIVIL, "۹۸۸"), art(L_SABT, "۱")], "D", None),
        ("d-delegated-counters", "نظارت بر دفاتر پیشخوان ارائه‌دهنده خدمات ثبت احوال",
         "Supervising government counter offices that deliver civil-registration services",
         [art(L_CIVIL_SERVICE, "۱۳"), art(L_COUNTERS, "۳")], "A", None),
    ],
    "TAX": [
        ("d-taxpayer-identification", "شناسایی و ثبت‌نام مؤدیان مالیاتی",
         "Identifying and registering taxpayers",
         [art(L_DIRECT, "۱۶۹ مکرر"), art(L_VAT, "۲۰")], "A", None),
        ("d-income-tax-assessment", "تشخیص و مطالبه مالیات بر درآمد اشخاص حقیقی و حقوقی",
         "Assessing income tax of natural and legal persons",
         [art(L_DIRECT, "۹۷"), art(L_DIRECT, "۱۳۱")], "A", None),
        ("d-tax-returns", "دریافت و رسیدگی به اظهارنامه‌های مالیاتی",
         "Receiving and auditing tax returns", [art(L_DIRECT, "۱۰۰"), art(L_DIRECT, "۱۱۰")],
         "A", None),
        ("d-vat", "اجرای نظام مالیات بر ارزش افزوده", "Administering value-added tax",
         [art(L_VAT, "۱"), art(L_VAT, "۲۶")], "A", "1403/09/20"),
        ("d-e-invoicing", "استقرار سامانه مؤدیان و صورتحساب الکترونیکی",
         "Operating the taxpayers' system and electronic invoicing",
         [art(L_TERMINALS, "۳"), art(L_TERMINALS, "۶")], "A", None),
        ("d-tax-clearance", "صدور گواهی مفاصاحساب مالیاتی", "Issuing tax clearance certificates",
         [art(L_DIRECT, "۱۸۶"), art(L_DIRECT, "۲۳۵")], "A", None),
        ("d-property-transfer-tax", "تشخیص و وصول مالیات نقل و انتقال املاک",
         "Assessing and collecting property transfer tax",
         [art(L_DIRECT, "۵۹"), art(L_DIRECT, "۱۸۷")], "A", None),
        ("d-inheritance-tax", "تشخیص و وصول مالیات بر ارث",
         "Assessing and collecting inheritance tax",
         [art(L_DIRECT, "۱۷"), art(L_DIRECT, "۲۶")], "A", None),
        ("d-rental-tax", "مالیات بر درآمد اجاره املاک", "Tax on rental income from property",
         [art(L_DIRECT, "۵۳"), art(L_DIRECT, "۵۷")], "A", None),
        ("d-vacant-homes", "مالیات بر واحدهای مسکونی خالی", "Tax on vacant dwellings",
         [art(L_DIRECT, "۵۴ مکرر"), art(L_HOUSING, "۱۷")], "S", "1403/12/05"),
        ("d-dispute-resolution", "رسیدگی به اعتراض مؤدیان در هیئت‌های حل اختلاف مالیاتی",
         "Hearing taxpayers' objections at tax dispute boards",
         [art(L_DIRECT, "۲۳۸"), art(L_DIRECT, "۲۴۴")], "A", None),
        ("d-tax-collection", "وصول مطالبات مالیاتی و اجرای عملیات اجرایی",
         "Collecting tax debts and enforcement", [art(L_DIRECT, "۲۱۰"), art(L_DIRECT, "۲۱۱")],
         "A", None),
        ("d-tax-exemptions", "اعمال معافیت‌ها و مشوق‌های مالیاتی",
         "Applying tax exemptions and incentives", [art(L_DIRECT, "۱۳۲"), art(L_DIRECT, "۱۳۹")],
         "A", None),
        ("d-salary-tax", "مالیات حقوق و تکالیف کارفرمایان در کسر و واریز آن",
         "Salary tax and employers' withholding obligations",
         [art(L_DIRECT, "۸۵"), art(L_DIRECT, "۸۶")], "A", None),
        ("d-tax-information", "گردآوری اطلاعات اقتصادی مؤدیان و نگهداری پایگاه اطلاعات مالیاتی",
         "Collecting taxpayers' economic information and maintaining the tax database",
         [art(L_DIRECT, "۱۶۹ مکرر"), art(L_DIRECT, "۲۳۰")], "A", None),
        ("d-taxpayer-rights", "آموزش و اطلاع‌رسانی به مؤدیان و صیانت از حقوق آنان",
         "Educating and informing taxpayers and protecting their rights",
         [art(L_INTA, "۲")], "D", None),
        ("d-construction-tax", "مالیات ساخت و فروش املاک", "Tax on building construction and sale",
         [art(L_DIRECT, "۷۷")], "A", None),
    ],
    "SSO": [
        ("d-compulsory-coverage", "پوشش بیمه‌ای اجباری کارگران مشمول",
         "Compulsory insurance coverage of covered workers", [art(L_SSO, "۴")], "A", None),
        ("d-voluntary-coverage", "بیمه اختیاری و بیمه صاحبان حرف و مشاغل آزاد",
         "Voluntary and self-employed insurance",
         [art(L_SSO, "۴"), art(L_SELF_EMPLOYED, "۱")], "A", None),
        ("d-contribution-collection", "وصول حق بیمه از کارفرمایان",
         "Collecting contributions from employers", [art(L_SSO, "۲۸"), art(L_SSO, "۳۹")],
         "A", None),
        ("d-employer-registration", "ثبت کارگاه‌ها و نظارت بر ارسال صورت مزد کارفرمایان",
         "Registering workshops and overseeing employers' wage lists",
         [art(L_SSO, "۳۶"), art(L_SSO, "۳۹")], "A", None),
        ("d-contractor-clearance", "صدور مفاصاحساب پیمانکاران", "Issuing contractor clearances",
         [art(L_SSO, "۳۸")], "A", None),
        ("d-transfer-clearance", "صدور گواهی عدم بدهی برای نقل و انتقال املاک",
         "Issuing no-debt certificates for property transfers", [art(L_SSO, "۳۷")], "A", None),
        ("d-insurance-records", "نگهداری سوابق و حساب انفرادی بیمه‌شدگان",
         "Keeping insured persons' records and individual accounts", [art(L_SSO, "۴۱")], "A", None),
        ("d-healthcare", "ارائه خدمات درمانی به بیمه‌شدگان و افراد خانواده آنان",
         "Healthcare for insured persons and their families",
         [art(L_SSO, "۳"), art(L_SSO, "۵۴"), art(L_SSO, "۵۸")], "A", None),
        ("d-sickness-benefit", "پرداخت غرامت دستمزد ایام بیماری و بارداری",
         "Paying sickness and maternity wage compensation", [art(L_SSO, "۶۰"), art(L_SSO, "۶۷")],
         "A", None),
        ("d-old-age-pension", "برقراری مستمری بازنشستگی", "Awarding old-age pensions",
         [art(L_SSO, "۷۶"), art(L_WELFARE, "۱")], "A", "1403/10/22"),
        ("d-disability-pension", "برقراری مستمری ازکارافتادگی کلی و جزئی",
         "Awarding total and partial disability pensions", [art(L_SSO, "۷۰"), art(L_SSO, "۷۵")],
         "A", None),
        ("d-survivor-pension", "برقراری مستمری بازماندگان", "Awarding survivors' pensions",
         [art(L_SSO, "۸۱"), art(L_SSO, "۸۳")], "A", None),
        ("d-unemployment", "پرداخت مقرری بیمه بیکاری", "Paying unemployment insurance benefit",
         [art(L_UNEMPLOYMENT, "۲"), art(L_UNEMPLOYMENT, "۷")], "A", None),
        ("d-short-term-allowances", "پرداخت کمک‌هزینه‌های ازدواج و کفن و دفن",
         "Paying marriage and funeral allowances", [art(L_SSO, "۸۰"), art(L_SSO, "۸۴")],
         "S", "1404/01/25"),
        ("d-construction-workers", "بیمه اجتماعی کارگران ساختمانی",
         "Social insurance of construction workers",
         [art(L_CONSTRUCTION, "۱"), art(L_CONSTRUCTION, "۵")], "A", None),
        ("d-dependants", "شناسایی و ثبت افراد تحت تکفل بیمه‌شدگان",
         "Identifying and registering insured persons' dependants", [art(L_SSO, "۵۸")], "A", None),
        ("d-workshop-inspection", "بازرسی کارگاه‌ها و رسیدگی به دفاتر قانونی کارفرمایان",
         "Inspecting workshops and auditing employers' statutory books", [art(L_SSO, "۴۷")],
         "A", None),
    ],
    "TEHRAN_MUN": [
        ("d-building-permits", "صدور پروانه ساختمان", "Issuing building permits",
         [art(L_MUNICIPAL, "۵۵ (بند ۲۴)"), art(L_MUNICIPAL, "۱۰۰")], "A", None),
        ("d-building-control", "نظارت بر اجرای ساختمان و صدور پایان‌کار",
         "Supervising construction and issuing completion certificates",
         [art(L_ENGINEERING, "۳۵"), art(L_MUNICIPAL, "۱۰۰")], "A", None),
        ("d-urban-planning", "اجرای طرح‌های جامع و تفصیلی شهری",
         "Implementing comprehensive and detailed urban plans",
         [art(L_MUNICIPAL, "۵۵"), art(L_URBAN_COUNCIL, "۵")], "A", None),
        ("d-subdivision", "تفکیک و افراز اراضی شهری", "Subdivision of urban land",
         [art(L_MUNICIPAL, "۱۰۱")], "A", None),
        ("d-local-dues", "وضع و وصول عوارض محلی", "Levying and collecting local dues",
         [art(L_SUSTAINABLE, "۲"), art(L_COUNCILS, "۸۰")], "A", "1403/10/30"),
        ("d-renewal-dues", "وصول عوارض نوسازی و پاسخ به استعلام نقل و انتقال املاک",
         "Collecting renewal dues and answering property transfer inquiries",
         [art(L_RENEWAL, "۲"), art(L_RENEWAL, "۲۶")], "A", None),
        ("d-business-oversight", "نظارت بر استقرار مشاغل و صدور مجوز فعالیت صنفی",
         "Overseeing business locations and issuing trade permits",
         [art(L_MUNICIPAL, "۵۵ (بند ۲۰)"), art(L_GUILDS, "۱۲")], "A", None),
        ("d-waste", "مدیریت پسماندهای شهری", "Urban waste management",
         [art(L_WASTE, "۷"), art(L_WASTE, "۸")], "A", None),
        ("d-green-space", "حفظ و گسترش فضای سبز و صدور مجوز قطع درخت",
         "Protecting green space and issuing tree-removal permits", [art(L_GREEN, "۱")], "A", None),
        ("d-commission-100", "رسیدگی به تخلفات ساختمانی در کمیسیون ماده ۱۰۰",
         "Handling building violations at the Article 100 Commission",
         [art(L_MUNICIPAL, "۱۰۰")], "A", None),
        ("d-excavation", "صدور مجوز حفاری معابر و نظارت بر ترمیم آن",
         "Issuing street excavation permits and supervising repairs",
         [art(L_MUNICIPAL, "۵۵"), art(L_EXCAVATION, "۴")], "S", "1404/02/03"),
        ("d-citizen-requests", "رسیدگی به درخواست‌ها و شکایات شهروندان",
         "Handling citizens' requests and complaints",
         [art(L_INTEGRITY, "۸"), art(L_MUNICIPAL, "۵۵")], "A", None),
        ("d-advertising", "ساماندهی تابلوها و تبلیغات محیطی",
         "Regulating signs and outdoor advertising",
         [art(L_MUNICIPAL, "۵۵ (بند ۱۸)")], "D", None),
    ],
    "SABT_ISF": [
        ("d-provincial-vital-events", "اجرای ثبت وقایع حیاتی در قلمرو استان اصفهان",
         "Registering vital events within Isfahan province",
         [art(L_SABT, "۱"), art(L_SABT, "۵")], "A", None),
        ("d-provincial-documents", "صدور و تحویل اسناد هویتی به ساکنان استان",
         "Issuing and delivering identity documents to the province's residents",
         [art(L_SABT, "۲۱"), art(L_NID, "۲")], "A", None),
    ],
    "TAX_KHR": [
        ("d-provincial-assessment", "رسیدگی و تشخیص مالیات مؤدیان استان",
         "Auditing and assessing the province's taxpayers",
         [art(L_DIRECT, "۹۷"), art(L_DIRECT, "۲۱۹")], "A", None),
        ("d-provincial-collection", "وصول مطالبات مالیاتی در استان",
         "Collecting tax debts in the province", [art(L_DIRECT, "۲۱۰")], "A", None),
    ],
    "SSO_FARS": [
        ("d-provincial-benefits", "اجرای تعهدات بیمه‌ای سازمان در استان فارس",
         "Delivering insurance benefits in Fars province", [art(L_SSO, "۳")], "A", None),
        ("d-provincial-collection", "وصول حق بیمه و بازرسی کارگاه‌های استان",
         "Collecting contributions and inspecting workshops in the province",
         [art(L_SSO, "۲۸"), art(L_SSO, "۴۷")], "A", None),
    ],
    "PISHKHAN_1045": [
        ("d-counter-intake", "پذیرش و ثبت درخواست‌های خدمات دستگاه‌های اجرایی به نمایندگی",
         "Receiving and registering applications on behalf of executive agencies",
         [art(L_CIVIL_SERVICE, "۱۳"), art(L_COUNTERS, "۵")], "A", None),
        ("d-counter-biometrics", "احراز هویت حضوری متقاضیان و ثبت زیست‌سنجه",
         "In-person identity verification and biometric capture",
         [art(L_COUNTERS, "۷"), art(L_NID, "۲")], "A", None),
    ],
}

# ---------------------------------------------------------------------------------------------
# Services and inquiries (R-4): ref, title_fa, title_en, kind (s = service, i = inquiry),
# duty refs, delivering unit number, index of the expert post in that unit, delivery
# (p = in_person, e = electronic, s = smart), status (A/S/D), has a legacy registry number.
# ---------------------------------------------------------------------------------------------
SERVICES: dict[str, list[tuple[Any, ...]]] = {
    "SABT": [
        ("birth-registration", "ثبت ولادت و صدور شناسنامه نوزاد",
         "Birth registration and issuance of the newborn's birth certificate", "s",
         "d-birth-registration;d-birth-certificate;d-national-id", 9, 0, "e", "A", True),
        ("death-registration", "ثبت وفات و ابطال شناسنامه متوفی",
         "Death registration and cancellation of the deceased's birth certificate", "s",
         "d-death-registration", 9, 0, "e", "A", True),
        ("duplicate-birth-certificate", "صدور شناسنامه المثنی", "Duplicate birth certificate", "s",
         "d-birth-certificate", 6, 0, "p", "A", True),
        ("replace-birth-certificate", "تعویض شناسنامه", "Birth certificate replacement", "s",
         "d-birth-certificate", 6, 0, "p", "A", False),
        ("smart-card-first", "صدور کارت ملی هوشمند (نوبت اول)",
         "First issuance of the smart national ID card", "s", "d-smart-card;d-national-id",
         11, 0, "e", "A", True),
        ("smart-card-duplicate", "صدور کارت ملی هوشمند المثنی", "Duplicate smart national ID card",
         "s", "d-smart-card", 11, 0, "e", "A", False),
        ("smart-card-renewal", "تعویض کارت ملی هوشمند پس از پایان اعتبار",
         "Renewal of an expired smart national ID card", "s", "d-smart-card", 11, 0, "e", "S",
         False),
        ("card-tracking", "پیگیری وضعیت صدور کارت ملی هوشمند",
         "Smart ID card issuance status tracking", "i", "d-smart-card", 8, 0, "s", "A", False),
        ("identity-inquiry", "استعلام هویت (تطبیق شماره ملی و مشخصات فردی)",
         "Identity inquiry (matching national ID number and personal details)", "i",
         "d-identity-inquiry;d-population-registry", 12, 0, "s", "A", True),
        ("life-status-inquiry", "استعلام حیات", "Life-status inquiry", "i",
         "d-identity-inquiry;d-death-registration", 12, 0, "s", "A", False),
        ("marital-status-inquiry", "استعلام وضعیت تأهل", "Marital-status inquiry", "i",
         "d-identity-inquiry;d-marriage-divorce", 12, 0, "s", "A", False),
        ("id-card-inquiry", "استعلام تصویر و مشخصات کارت ملی",
         "National ID card photo and details inquiry", "i", "d-identity-inquiry;d-smart-card",
         12, 0, "s", "A", False),
        ("household-inquiry", "استعلام اطلاعات خانوار", "Household composition inquiry", "i",
         "d-identity-inquiry;d-population-registry", 12, 0, "s", "S", False),
        ("marriage-recording", "ثبت واقعه ازدواج در اسناد سجلی",
         "Recording a marriage in civil-registration records", "s", "d-marriage-divorce",
         9, 0, "e", "A", False),
        ("divorce-recording", "ثبت واقعه طلاق در اسناد سجلی",
         "Recording a divorce in civil-registration records", "s", "d-marriage-divorce",
         9, 0, "e", "A", False),
        ("first-name-change", "تغییر نام کوچک", "Change of first name", "s",
         "d-record-corrections", 10, 0, "p", "A", False),
        ("birthdate-correction", "اصلاح تاریخ تولد در هیئت حل اختلاف",
         "Correction of the date of birth by the dispute-resolution board", "s",
         "d-record-corrections", 10, 1, "p", "S", False),
        ("family-name-change", "تغییر نام خانوادگی", "Change of family name", "s", "d-family-name",
         10, 0, "p", "S", False),
        ("late-birth-registration", "ثبت ولادت خارج از موعد قانونی", "Late birth registration", "s",
         "d-late-registration;d-birth-registration", 9, 0, "p", "D", False),
        ("abroad-birth-registration", "ثبت ولادت ایرانیان مقیم خارج از کشور",
         "Birth registration for Iranians living abroad", "s",
         "d-abroad-events;d-birth-registration", 9, 1, "e", "A", False),
        ("death-certificate-copy", "صدور رونوشت گواهی ثبت وفات",
         "Copy of the death registration certificate", "s", "d-death-registration",
         9, 0, "e", "A", False),
        ("vital-statistics-publication", "ارائه آمار و گزارش‌های وقایع حیاتی",
         "Vital statistics reports", "s", "d-vital-statistics", 7, 0, "e", "A", False),
        ("nationality-recording", "درج تغییرات تابعیت در اسناد سجلی",
         "Recording nationality changes in civil records", "s",
         "d-nationality;d-record-corrections", 10, 0, "p", "D", False),
    ],
    "TAX": [
        ("taxpayer-registration", "ثبت‌نام مالیاتی و تخصیص کد اقتصادی",
         "Tax registration and economic code allocation", "s", "d-taxpayer-identification",
         10, 0, "e", "A", True),
        ("vat-registration", "ثبت‌نام در نظام مالیات بر ارزش افزوده",
         "Value-added tax registration",
         "s", "d-vat;d-taxpayer-identification", 7, 0, "e", "A", False),
        ("income-tax-return", "تسلیم اظهارنامه مالیات بر درآمد مشاغل",
         "Filing the business income tax return", "s", "d-tax-returns;d-income-tax-assessment",
         6, 0, "s", "A", True),
        ("corporate-tax-return", "تسلیم اظهارنامه مالیات عملکرد اشخاص حقوقی",
         "Filing the corporate income tax return", "s", "d-tax-returns;d-income-tax-assessment",
         5, 0, "e", "A", False),
        ("vat-return", "تسلیم اظهارنامه مالیات بر ارزش افزوده", "Filing the VAT return", "s",
         "d-vat;d-tax-returns", 7, 0, "e", "A", False),
        ("e-invoice-issuance", "صدور صورتحساب الکترونیکی در سامانه مؤدیان",
         "Issuing e-invoices in the taxpayers' system", "s", "d-e-invoicing", 12, 0, "s", "A",
         False),
        ("memory-id-allocation", "تخصیص شناسه یکتای حافظه مالیاتی",
         "Allocation of a unique fiscal-memory ID", "s", "d-e-invoicing", 12, 0, "s", "A", False),
        ("tax-clearance-certificate", "صدور گواهی مفاصاحساب مالیاتی", "Tax clearance certificate",
         "s", "d-tax-clearance", 10, 0, "e", "A", True),
        ("property-transfer-certificate", "صدور گواهی مالیات نقل و انتقال املاک (موضوع ماده ۱۸۷)",
         "Property transfer tax certificate (Article 187)", "s",
         "d-property-transfer-tax;d-tax-clearance", 11, 0, "e", "A", True),
        ("inheritance-tax-certificate", "صدور گواهی پرداخت مالیات بر ارث",
         "Inheritance tax payment certificate", "s", "d-inheritance-tax", 11, 0, "p", "A", False),
        ("rental-income-return", "تسلیم اظهارنامه مالیات بر درآمد اجاره املاک",
         "Filing the rental income tax return", "s", "d-rental-tax;d-tax-returns", 11, 0, "e",
         "A", False),
        ("vacant-home-declaration", "اعلام محل سکونت و تعیین وضعیت واحدهای مسکونی خالی",
         "Declaration of residence and vacant-dwelling status", "s", "d-vacant-homes",
         11, 1, "e", "S", False),
        ("objection-hearing", "رسیدگی به اعتراض مؤدی در هیئت حل اختلاف مالیاتی",
         "Hearing a taxpayer's objection at the tax dispute board", "s", "d-dispute-resolution",
         9, 0, "p", "A", False),
        ("tax-debt-installment", "تقسیط بدهی مالیاتی", "Tax debt instalment plan", "s",
         "d-tax-collection", 6, 1, "e", "A", False),
        ("tax-exemption-request", "درخواست اعمال معافیت مالیاتی", "Request for a tax exemption",
         "s", "d-tax-exemptions", 6, 0, "p", "S", False),
        ("salary-tax-list", "ارسال فهرست حقوق و واریز مالیات حقوق کارکنان",
         "Submitting payroll lists and remitting salary tax", "s", "d-salary-tax",
         6, 0, "e", "A", False),
        ("tax-debt-inquiry", "استعلام بدهی مالیاتی", "Tax debt inquiry", "i",
         "d-tax-collection;d-tax-information", 8, 0, "s", "A", False),
        ("economic-code-inquiry", "استعلام کد اقتصادی و وضعیت ثبت‌نام مؤدی",
         "Economic code and taxpayer registration inquiry", "i",
         "d-taxpayer-identification;d-tax-information", 8, 0, "s", "A", True),
        ("invoice-validity-inquiry", "استعلام اعتبار صورتحساب الکترونیکی",
         "E-invoice validity inquiry", "i", "d-e-invoicing", 12, 0, "s", "A", False),
        ("construction-tax-certificate", "صدور گواهی مالیات ساخت و فروش املاک",
         "Construction and sale tax certificate", "s", "d-construction-tax", 11, 1, "e", "A",
         False),
        ("taxpayer-guidance", "راهنمایی و پاسخ‌گویی به مؤدیان (مرکز تماس ۱۵۲۶)",
         "Taxpayer guidance (1526 contact centre)", "s", "d-taxpayer-rights", 8, 0, "e", "D",
         False),
    ],
    "SSO": [
        ("insured-registration", "ثبت‌نام و تشکیل پرونده بیمه‌ای (تخصیص شماره بیمه)",
         "Insured-person registration and insurance number allocation", "s",
         "d-compulsory-coverage;d-insurance-records", 10, 0, "e", "A", True),
        ("employer-registration", "ثبت‌نام کارفرما و تشکیل پرونده کارگاه",
         "Employer registration and workshop file opening", "s",
         "d-employer-registration;d-contribution-collection", 11, 0, "e", "A", True),
        ("wage-list-submission", "ارسال لیست حق بیمه و صورت مزد ماهانه",
         "Monthly contribution and wage list submission", "s",
         "d-employer-registration;d-contribution-collection", 11, 0, "s", "A", False),
        ("voluntary-insurance", "برقراری بیمه اختیاری", "Enrolment in voluntary insurance", "s",
         "d-voluntary-coverage", 10, 0, "e", "A", False),
        ("self-employed-insurance", "برقراری بیمه صاحبان حرف و مشاغل آزاد",
         "Enrolment in self-employed insurance", "s", "d-voluntary-coverage", 10, 0, "e", "A",
         False),
        ("dependants-registration", "ثبت و تمدید اعتبار افراد تحت تکفل بیمه‌شده",
         "Registering and renewing the coverage of an insured person's dependants", "s",
         "d-dependants;d-healthcare", 10, 0, "s", "A", True),
        ("insurance-history-inquiry", "استعلام سوابق بیمه‌ای", "Insurance history inquiry", "i",
         "d-insurance-records", 8, 0, "s", "A", False),
        ("history-merge", "تجمیع و اصلاح سوابق بیمه‌ای", "Merging and correcting insurance records",
         "s", "d-insurance-records", 10, 1, "p", "S", False),
        ("contractor-clearance", "صدور مفاصاحساب پیمانکاران", "Contractor clearance certificate",
         "s", "d-contractor-clearance", 6, 1, "e", "A", False),
        ("transfer-clearance-article37", "صدور گواهی عدم بدهی برای نقل و انتقال املاک (ماده ۳۷)",
         "No-debt certificate for property transfers (Article 37)", "s", "d-transfer-clearance",
         6, 1, "e", "A", True),
        ("old-age-pension", "برقراری مستمری بازنشستگی", "Award of an old-age pension", "s",
         "d-old-age-pension;d-insurance-records", 12, 0, "e", "A", True),
        ("disability-pension", "برقراری مستمری ازکارافتادگی", "Award of a disability pension", "s",
         "d-disability-pension", 12, 0, "p", "A", False),
        ("survivor-pension", "برقراری مستمری بازماندگان", "Award of a survivors' pension", "s",
         "d-survivor-pension", 12, 0, "e", "A", False),
        ("sickness-compensation", "پرداخت غرامت دستمزد ایام بیماری", "Sickness wage compensation",
         "s", "d-sickness-benefit", 12, 1, "e", "A", False),
        ("maternity-compensation", "پرداخت غرامت دستمزد ایام بارداری",
         "Maternity wage compensation", "s", "d-sickness-benefit", 12, 1, "e", "A", False),
        ("unemployment-benefit", "برقراری مقرری بیمه بیکاری",
         "Award of unemployment insurance benefit", "s", "d-unemployment", 12, 1, "p", "A", False),
        ("marriage-allowance", "پرداخت کمک‌هزینه ازدواج", "Marriage allowance", "s",
         "d-short-term-allowances", 12, 1, "e", "S", False),
        ("funeral-allowance", "پرداخت کمک‌هزینه کفن و دفن", "Funeral allowance", "s",
         "d-short-term-allowances", 12, 1, "e", "D", False),
        ("construction-worker-insurance", "برقراری بیمه کارگران ساختمانی",
         "Enrolment of construction workers in social insurance", "s", "d-construction-workers",
         10, 0, "e", "A", False),
        ("e-prescription-approval", "تأیید نسخه الکترونیک و خرید خدمات درمانی",
         "E-prescription approval and healthcare purchasing", "s", "d-healthcare",
         9, 0, "s", "A", False),
        ("employer-debt-inquiry", "استعلام بدهی کارفرما", "Employer debt inquiry", "i",
         "d-contribution-collection", 6, 0, "s", "A", False),
        ("pension-status-inquiry", "استعلام وضعیت مستمری‌بگیری", "Pension status inquiry", "i",
         "d-old-age-pension;d-survivor-pension", 8, 0, "s", "A", False),
        ("workshop-code-inquiry", "استعلام کد کارگاه", "Workshop code inquiry", "i",
         "d-employer-registration", 8, 0, "s", "A", False),
    ],
    "TEHRAN_MUN": [
        ("building-permit", "صدور پروانه ساختمان", "Building permit", "s",
         "d-building-permits;d-urban-planning", 14, 0, "e", "A", True),
        ("building-permit-renewal", "تمدید پروانه ساختمان", "Building permit renewal", "s",
         "d-building-permits", 14, 0, "e", "A", False),
        ("completion-certificate", "صدور گواهی پایان‌کار ساختمان",
         "Building completion certificate",
         "s", "d-building-control", 6, 0, "e", "A", True),
        ("no-violation-certificate", "صدور گواهی عدم خلاف", "Certificate of no building violation",
         "s", "d-building-control", 6, 0, "e", "A", False),
        ("land-use-inquiry", "استعلام کاربری و ضوابط طرح تفصیلی ملک",
         "Land-use and detailed-plan rules inquiry", "i", "d-urban-planning", 7, 0, "s", "A",
         False),
        ("planning-brief", "صدور دستور نقشه", "Planning brief for a building design", "s",
         "d-urban-planning;d-building-permits", 7, 0, "e", "A", False),
        ("subdivision-approval", "تفکیک اراضی و تأیید صورت‌مجلس تفکیکی",
         "Land subdivision and approval of the subdivision record", "s", "d-subdivision",
         7, 0, "p", "S", False),
        ("property-transfer-answer", "پاسخ استعلام نقل و انتقال ملک و مفاصاحساب عوارض",
         "Property transfer inquiry answer and municipal dues clearance", "s",
         "d-renewal-dues;d-local-dues", 12, 1, "e", "A", True),
        ("renewal-dues-payment", "پرداخت عوارض نوسازی", "Payment of urban renewal dues", "s",
         "d-renewal-dues", 12, 0, "s", "A", False),
        ("business-licence", "صدور پروانه کسب (تأییدیه شهرداری)",
         "Business licence (municipal approval)", "s", "d-business-oversight;d-local-dues",
         11, 0, "e", "A", True),
        ("business-location-inquiry", "استعلام مجاز بودن استقرار صنف در ملک",
         "Inquiry on whether a trade may operate at a property", "i",
         "d-business-oversight;d-urban-planning", 11, 0, "s", "A", False),
        ("business-dues", "تعیین و وصول عوارض سالانه کسب و پیشه",
         "Assessment and collection of annual business dues", "s", "d-local-dues",
         11, 0, "e", "A", False),
        ("tree-removal-permit", "صدور مجوز قطع یا جابه‌جایی درخت",
         "Permit to remove or relocate a tree", "s", "d-green-space", 13, 0, "p", "A", False),
        ("excavation-permit", "صدور مجوز حفاری معابر", "Street excavation permit", "s",
         "d-excavation", 9, 1, "e", "S", False),
        ("violation-case", "رسیدگی به تخلفات ساختمانی در کمیسیون ماده ۱۰۰",
         "Handling building violations at the Article 100 Commission", "s", "d-commission-100",
         6, 1, "p", "A", False),
        ("citizen-request-137", "ثبت و پیگیری درخواست‌های شهروندی (سامانه ۱۳۷)",
         "Registering and tracking citizen requests (137 system)", "s", "d-citizen-requests",
         10, 0, "s", "A", False),
        ("bulky-waste-collection", "درخواست جمع‌آوری نخاله ساختمانی و پسماند حجیم",
         "Collection of construction debris and bulky waste", "s", "d-waste", 9, 0, "e", "A",
         False),
        ("advertising-permit", "صدور مجوز نصب تابلوی سردر", "Permit for a shop sign", "s",
         "d-advertising", 11, 0, "p", "D", False),
    ],
    "SABT_ISF": [
        ("birth-registration", "ثبت ولادت در ادارات ثبت احوال استان",
         "Birth registration at the province's civil registry offices", "s",
         "d-provincial-vital-events", 2, 0, "e", "A", False),
        ("duplicate-birth-certificate", "صدور شناسنامه المثنی", "Duplicate birth certificate", "s",
         "d-provincial-documents", 2, 0, "p", "A", False),
        ("smart-card-delivery", "تحویل کارت ملی هوشمند به متقاضی",
         "Handing over the smart national ID card", "s", "d-provincial-documents",
         3, 0, "p", "S", False),
    ],
    "TAX_KHR": [
        ("tax-file-assessment", "رسیدگی به پرونده مالیاتی و صدور برگ تشخیص",
         "Tax file audit and notice of assessment", "s", "d-provincial-assessment",
         2, 0, "p", "A", False),
        ("tax-debt-installment", "تقسیط بدهی مالیاتی مؤدیان استان",
         "Tax debt instalment plans for the province's taxpayers", "s",
         "d-provincial-collection", 3, 0, "e", "S", False),
    ],
    "SSO_FARS": [
        ("workshop-inspection", "بازرسی کارگاه و رسیدگی به اسناد و دفاتر کارفرما",
         "Workshop inspection and audit of employer records", "s", "d-provincial-collection",
         2, 0, "p", "A", False),
        ("maternity-compensation", "پرداخت غرامت دستمزد ایام بارداری",
         "Maternity wage compensation", "s", "d-provincial-benefits", 3, 0, "e", "S", False),
    ],
    "PISHKHAN_1045": [
        ("smart-card-application", "ثبت درخواست کارت ملی هوشمند و اخذ زیست‌سنجه",
         "Smart ID card application and biometric capture", "s",
         "d-counter-intake;d-counter-biometrics", 2, 1, "p", "A", False),
        ("duplicate-certificate-application", "ثبت درخواست صدور شناسنامه المثنی",
         "Application for a duplicate birth certificate", "s", "d-counter-intake",
         2, 0, "p", "S", False),
        ("certificate-replacement-application", "ثبت درخواست تعویض شناسنامه",
         "Application for a birth certificate replacement", "s", "d-counter-intake",
         2, 0, "p", "D", False),
    ],
}

# ---------------------------------------------------------------------------------------------
# Information systems (R-10.1): ref, name_fa, name_en, url, supported service refs.
# ---------------------------------------------------------------------------------------------
SYSTEMS: dict[str, list[tuple[Any, ...]]] = {
    "SABT": [
        ("crs", "سامانه ثبت احوال", "Civil Registration System", "https://crs.sabt.example/",
         "birth-registration;death-registration;marriage-recording;divorce-recording;"
         "first-name-change;birthdate-correction;family-name-change;late-birth-registration;"
         "abroad-birth-registration;death-certificate-copy;duplicate-birth-certificate;"
         "replace-birth-certificate;nationality-recording;vital-statistics-publication"),
        ("smart-card", "سامانه صدور کارت ملی هوشمند", "Smart National ID Card System",
         "https://smartcard.sabt.example/",
         "smart-card-first;smart-card-duplicate;smart-card-renewal;card-tracking"),
        ("inquiry-hub", "سامانه استعلام هویت و تبادل داده",
         "Identity Inquiry and Data Exchange Hub",
         "https://inquiry.sabt.example/api",
         "identity-inquiry;life-status-inquiry;marital-status-inquiry;id-card-inquiry;"
         "household-inquiry"),
    ],
    "TAX": [
        ("its", "سامانه یکپارچه مالیاتی", "Integrated Tax System", "https://its.tax.example/",
         "taxpayer-registration;vat-registration;income-tax-return;corporate-tax-return;"
         "vat-return;tax-clearance-certificate;property-transfer-certificate;"
         "inheritance-tax-certificate;rental-income-return;vacant-home-declaration;"
         "objection-hearing;tax-debt-installment;tax-exemption-request;salary-tax-list;"
         "construction-tax-certificate"),
        ("moadian", "سامانه مؤدیان", "Taxpayers' System (e-invoicing)",
         "https://moadian.tax.example/",
         "e-invoice-issuance;memory-id-allocation;invoice-validity-inquiry"),
        ("tax-portal", "درگاه ملی خدمات الکترونیک مالیاتی", "National Tax E-Services Portal",
         "https://my.tax.example/", "tax-debt-inquiry;economic-code-inquiry;taxpayer-guidance"),
    ],
    "SSO": [
        ("eservices", "سامانه خدمات غیرحضوری تأمین اجتماعی", "SSO Online Services System",
         "https://es.sso.example/",
         "employer-registration;wage-list-submission;contractor-clearance;"
         "transfer-clearance-article37;employer-debt-inquiry;workshop-code-inquiry;"
         "construction-worker-insurance"),
        ("insurance-records", "سامانه سوابق و حساب‌های انفرادی بیمه‌شدگان",
         "Insured Persons' Records System", "https://records.sso.example/",
         "insured-registration;voluntary-insurance;self-employed-insurance;"
         "dependants-registration;insurance-history-inquiry;history-merge"),
        ("pension", "سامانه مستمری‌ها", "Pensions System", "https://pension.sso.example/",
         "old-age-pension;disability-pension;survivor-pension;pension-status-inquiry;"
         "sickness-compensation;maternity-compensation;unemployment-benefit;marriage-allowance;"
         "funeral-allowance"),
        ("e-prescription", "سامانه نسخه الکترونیک", "E-Prescription System",
         "https://eprescription.sso.example/", "e-prescription-approval"),
    ],
    "TEHRAN_MUN": [
        ("urban-planning", "سامانه شهرسازی الکترونیک", "E-Urban Planning System",
         "https://shahrsazi.tehran.example/",
         "building-permit;building-permit-renewal;completion-certificate;"
         "no-violation-certificate;land-use-inquiry;planning-brief;subdivision-approval;"
         "violation-case;excavation-permit"),
        ("revenue", "سامانه درآمد و عوارض شهرداری", "Municipal Revenue and Dues System",
         "https://avarez.tehran.example/",
         "property-transfer-answer;renewal-dues-payment;business-dues"),
        ("business-permits", "سامانه مجوزهای کسب‌وکار", "Business Permits System",
         "https://kasb.tehran.example/",
         "business-licence;business-location-inquiry;advertising-permit"),
        ("citizen-137", "سامانه مدیریت شهری ۱۳۷", "137 Urban Management System",
         "https://137.tehran.example/",
         "citizen-request-137;bulky-waste-collection;tree-removal-permit"),
    ],
    "PISHKHAN_1045": [
        ("counter", "سامانه پیشخوان خدمات دولت", "Government Counter System",
         "https://counter.pishkhan.example/",
         "smart-card-application;duplicate-certificate-application;"
         "certificate-replacement-application"),
    ],
}

# ---------------------------------------------------------------------------------------------
# Datasets (data catalog, R-10.1): ref, title_fa, title_en, system ref, service refs,
# personal data, classification, update frequency.
# ---------------------------------------------------------------------------------------------
DATASETS: dict[str, list[tuple[Any, ...]]] = {
    "SABT": [
        ("birth-records", "اطلاعات ثبت ولادت", "Birth registration records", "crs",
         "birth-registration;late-birth-registration;abroad-birth-registration",
         True, "confidential", "continuous"),
        ("death-records", "اطلاعات ثبت وفات", "Death registration records", "crs",
         "death-registration;death-certificate-copy", True, "confidential", "continuous"),
        ("marriage-divorce-records", "اطلاعات وقایع ازدواج و طلاق", "Marriage and divorce records",
         "crs", "marriage-recording;divorce-recording", True, "confidential", "daily"),
        ("population-register", "پایگاه اطلاعات هویتی جمعیت کشور",
         "National population identity register", "inquiry-hub",
         "identity-inquiry;life-status-inquiry;marital-status-inquiry;household-inquiry",
         True, "secret", "continuous"),
        ("smart-card-requests", "درخواست‌ها و سوابق صدور کارت ملی هوشمند",
         "Smart ID card requests and issuance records", "smart-card",
         "smart-card-first;smart-card-duplicate;smart-card-renewal;card-tracking",
         True, "confidential", "continuous"),
        ("inquiry-logs", "گزارش رویداد استعلام‌های برخط", "Online inquiry event logs",
         "inquiry-hub", "identity-inquiry;life-status-inquiry;id-card-inquiry",
         False, "internal", "daily"),
        ("vital-statistics", "آمار وقایع حیاتی", "Vital statistics", "crs",
         "vital-statistics-publication", False, "public", "monthly"),
    ],
    "TAX": [
        ("taxpayers", "اطلاعات ثبت‌نام و پرونده مؤدیان", "Taxpayer registrations and files", "its",
         "taxpayer-registration;vat-registration;economic-code-inquiry",
         True, "confidential", "continuous"),
        ("tax-returns", "اظهارنامه‌های مالیاتی", "Tax returns", "its",
         "income-tax-return;corporate-tax-return;vat-return;rental-income-return",
         True, "confidential", "quarterly"),
        ("e-invoices", "صورتحساب‌های الکترونیکی", "Electronic invoices", "moadian",
         "e-invoice-issuance;invoice-validity-inquiry", True, "confidential", "continuous"),
        ("assessments", "برگ‌های تشخیص و قطعی مالیات", "Tax assessment and final notices", "its",
         "objection-hearing;tax-debt-installment", True, "confidential", "daily"),
        ("clearance-certificates", "گواهی‌های مفاصاحساب صادرشده", "Issued clearance certificates",
         "its", "tax-clearance-certificate;property-transfer-certificate;"
         "construction-tax-certificate", True, "internal", "daily"),
        ("property-values", "جدول ارزش معاملاتی املاک", "Official property valuation tables", "its",
         "property-transfer-certificate;inheritance-tax-certificate", False, "public", "annual"),
        ("tax-revenue-stats", "آمار درآمدهای مالیاتی", "Tax revenue statistics", "tax-portal",
         "taxpayer-guidance", False, "public", "quarterly"),
    ],
    "SSO": [
        ("insured-persons", "اطلاعات بیمه‌شدگان و افراد تحت تکفل", "Insured persons and dependants",
         "insurance-records",
         "insured-registration;dependants-registration;voluntary-insurance;"
         "self-employed-insurance", True, "confidential", "continuous"),
        ("employers", "اطلاعات کارفرمایان و کارگاه‌ها", "Employers and workshops", "eservices",
         "employer-registration;workshop-code-inquiry", True, "internal", "daily"),
        ("wage-lists", "لیست‌های حق بیمه و صورت مزد", "Contribution and wage lists", "eservices",
         "wage-list-submission", True, "confidential", "monthly"),
        ("insurance-histories", "سوابق بیمه‌ای بیمه‌شدگان", "Insurance histories",
         "insurance-records", "insurance-history-inquiry;history-merge;old-age-pension",
         True, "confidential", "monthly"),
        ("pensioners", "اطلاعات مستمری‌بگیران", "Pensioners", "pension",
         "old-age-pension;disability-pension;survivor-pension;pension-status-inquiry",
         True, "confidential", "monthly"),
        ("employer-debts", "بدهی کارفرمایان و مفاصاحساب‌های صادرشده",
         "Employer debts and issued clearances", "eservices",
         "contractor-clearance;transfer-clearance-article37;employer-debt-inquiry",
         False, "internal", "daily"),
        ("e-prescriptions", "نسخه‌های الکترونیک", "Electronic prescriptions", "e-prescription",
         "e-prescription-approval", True, "secret", "continuous"),
    ],
    "TEHRAN_MUN": [
        ("building-permits", "پروانه‌های ساختمانی صادرشده", "Issued building permits",
         "urban-planning", "building-permit;building-permit-renewal;completion-certificate",
         True, "internal", "daily"),
        ("land-use", "نقشه کاربری اراضی و ضوابط طرح تفصیلی", "Land-use map and detailed-plan rules",
         "urban-planning", "land-use-inquiry;planning-brief;business-location-inquiry",
         False, "public", "irregular"),
        ("property-files", "پرونده‌های املاک و نوسازی", "Property and renewal-dues files",
         "revenue", "property-transfer-answer;renewal-dues-payment", True, "internal", "daily"),
        ("municipal-dues", "عوارض و بدهی‌های شهرداری", "Municipal dues and debts", "revenue",
         "property-transfer-answer;business-dues;renewal-dues-payment",
         True, "confidential", "daily"),
        ("business-licences", "پروانه‌های کسب و مجوزهای صنفی", "Business licences",
         "business-permits", "business-licence;business-dues;advertising-permit",
         True, "internal", "weekly"),
        ("citizen-requests", "درخواست‌های شهروندی سامانه ۱۳۷", "137 citizen requests",
         "citizen-137", "citizen-request-137;bulky-waste-collection;tree-removal-permit",
         True, "internal", "continuous"),
    ],
    "PISHKHAN_1045": [
        ("counter-requests", "پرونده درخواست‌های پذیرش‌شده در دفتر پیشخوان",
         "Applications received at the counter office", "counter",
         "smart-card-application;duplicate-certificate-application;"
         "certificate-replacement-application", True, "confidential", "daily"),
    ],
}

# ---------------------------------------------------------------------------------------------
# Data flows (data map, R-10.1): from system, to system, dataset carried, purpose.
# ---------------------------------------------------------------------------------------------
FLOWS = [
    ("SABT:inquiry-hub", "TAX:its", "SABT:population-register",
     "احراز هویت مؤدیان هنگام ثبت‌نام مالیاتی"),
    ("SABT:inquiry-hub", "SSO:insurance-records", "SABT:population-register",
     "احراز هویت بیمه‌شدگان و افراد تحت تکفل"),
    ("SABT:crs", "SSO:pension", "SABT:death-records",
     "قطع مستمری متوفیان و برقراری مستمری بازماندگان"),
    ("SABT:crs", "SSO:insurance-records", "SABT:birth-records",
     "ثبت خودکار نوزاد به‌عنوان فرد تحت تکفل بیمه‌شده"),
    ("SABT:inquiry-hub", "TEHRAN_MUN:business-permits", "SABT:population-register",
     "احراز هویت متقاضیان پروانه کسب"),
    ("SABT:inquiry-hub", "TEHRAN_MUN:urban-planning", "SABT:population-register",
     "احراز هویت مالکان در صدور پروانه ساختمان"),
    ("SABT:crs", "TAX:its", "SABT:death-records", "تشکیل پرونده مالیات بر ارث"),
    ("TAX:its", "SSO:eservices", "TAX:taxpayers",
     "تطبیق اطلاعات کارفرمایان با پرونده مالیاتی آنان"),
    ("SSO:eservices", "TAX:its", "SSO:wage-lists",
     "تطبیق مالیات حقوق با لیست‌های حق بیمه کارکنان"),
    ("TEHRAN_MUN:business-permits", "TAX:its", "TEHRAN_MUN:business-licences",
     "شناسایی مؤدیان جدید دارای پروانه کسب"),
    ("TEHRAN_MUN:business-permits", "SSO:eservices", "TEHRAN_MUN:business-licences",
     "شناسایی کارگاه‌های مشمول قانون تأمین اجتماعی"),
    ("TEHRAN_MUN:urban-planning", "TAX:its", "TEHRAN_MUN:building-permits",
     "تشخیص مالیات ساخت و فروش املاک"),
    ("TEHRAN_MUN:urban-planning", "SSO:eservices", "TEHRAN_MUN:building-permits",
     "وصول حق بیمه کارگران ساختمانی هنگام صدور پروانه"),
    ("TEHRAN_MUN:revenue", "TAX:its", "TEHRAN_MUN:property-files",
     "تعیین مالیات نقل و انتقال املاک"),
    ("TAX:its", "TEHRAN_MUN:revenue", "TAX:property-values",
     "محاسبه عوارض بر مبنای ارزش معاملاتی املاک"),
    ("SSO:eservices", "TEHRAN_MUN:business-permits", "SSO:employers",
     "استعلام کد کارگاه متقاضی پروانه کسب"),
    ("TAX:its", "TEHRAN_MUN:business-permits", "TAX:taxpayers",
     "استعلام کد اقتصادی متقاضی پروانه کسب"),
    ("SSO:eservices", "TAX:its", "SSO:employer-debts",
     "کنترل گواهی ماده ۳۷ در فرایند نقل و انتقال املاک"),
    ("PISHKHAN_1045:counter", "SABT:smart-card", "PISHKHAN_1045:counter-requests",
     "ارسال درخواست‌های کارت ملی هوشمند ثبت‌شده در دفتر پیشخوان"),
    ("SABT:smart-card", "PISHKHAN_1045:counter", "SABT:smart-card-requests",
     "اعلام وضعیت صدور و آمادگی تحویل کارت"),
    ("SABT:inquiry-hub", "PISHKHAN_1045:counter", "SABT:population-register",
     "احراز هویت حضوری متقاضیان در دفتر پیشخوان"),
]

# ---------------------------------------------------------------------------------------------
# Inter-agency service chains (R-6): the final service's agency is responsible (R-6.2).
# Links: (order, service, depends_on orders, datasets exchanged).
# ---------------------------------------------------------------------------------------------
CHAINS = [
    ("CH-NEWBORN", "ثبت ولادت نوزاد و برقراری پوشش بیمه‌ای او",
     "Newborn birth registration and insurance coverage", "SSO:dependants-registration", [
         (1, "SABT:birth-registration", [], ["SABT:birth-records"]),
         (2, "SABT:identity-inquiry", [1], ["SABT:population-register"]),
         (3, "SSO:maternity-compensation", [2], ["SSO:insurance-histories"]),
         (4, "SSO:dependants-registration", [1, 2], ["SABT:birth-records", "SSO:insured-persons"]),
     ]),
    ("CH-BUSINESS", "راه‌اندازی کسب‌وکار", "Starting a business", "TEHRAN_MUN:business-licence", [
        (1, "SABT:identity-inquiry", [], ["SABT:population-register"]),
        (2, "TAX:taxpayer-registration", [1], ["TAX:taxpayers"]),
        (3, "TEHRAN_MUN:business-location-inquiry", [1], ["TEHRAN_MUN:land-use"]),
        (4, "SSO:employer-registration", [2], ["SSO:employers", "TAX:taxpayers"]),
        (5, "TEHRAN_MUN:business-licence", [2, 3, 4],
         ["TEHRAN_MUN:business-licences", "SSO:employers", "TAX:taxpayers"]),
    ]),
    ("CH-PROPERTY", "نقل و انتقال ملک", "Property transfer", "TAX:property-transfer-certificate", [
        (1, "SABT:life-status-inquiry", [], ["SABT:population-register"]),
        (2, "TEHRAN_MUN:property-transfer-answer", [1],
         ["TEHRAN_MUN:property-files", "TEHRAN_MUN:municipal-dues"]),
        (3, "SSO:transfer-clearance-article37", [1], ["SSO:employer-debts"]),
        (4, "TAX:property-transfer-certificate", [1, 2, 3],
         ["TAX:property-values", "TAX:clearance-certificates", "TEHRAN_MUN:property-files"]),
    ]),
]

# Prefix of the synthetic legacy national-registry numbers, per agency (5 or 6 digits; with the
# 6-digit sequence below this gives 11- or 12-digit numbers).
LEGACY_PREFIX = {"SABT": "13031", "TAX": "13042", "SSO": "13057", "TEHRAN_MUN": "240118",
                 "SABT_ISF": "13031", "TAX_KHR": "13042", "SSO_FARS": "13057",
                 "PISHKHAN_1045": "13031"}

DELIVERY = {"p": "in_person", "e": "electronic", "s": "smart"}
KIND = {"s": "service", "i": "inquiry"}

PROVINCES = frozenset({
    "alborz", "ardabil", "bushehr", "chaharmahal-and-bakhtiari", "east-azerbaijan", "fars",
    "gilan", "golestan", "hamadan", "hormozgan", "ilam", "isfahan", "kerman", "kermanshah",
    "khorasan-razavi", "khuzestan", "kohgiluyeh-and-boyer-ahmad", "kurdistan", "lorestan",
    "markazi", "mazandaran", "north-khorasan", "qazvin", "qom", "semnan",
    "sistan-and-baluchestan", "south-khorasan", "tehran", "west-azerbaijan", "yazd", "zanjan",
})
AGENCY_KINDS = frozenset({"ministry", "organization", "company", "institution", "municipality",
                          "delegated", "provincial_unit"})


# fmt: on


# ---------------------------------------------------------------------------------------------
# Derivation: turn the tables above into sheet rows (dicts keyed by column).
# ---------------------------------------------------------------------------------------------
def head_title(name_fa: str) -> str:
    """Title of the head post of a unit, from the unit's name."""
    for prefix, head in (
        ("معاونت ", "معاون "),
        ("اداره کل ", "مدیرکل "),
        ("اداره ", "رئیس اداره "),
        ("شعبه ", "رئیس شعبه "),
        ("واحد ", "مسئول واحد "),
    ):
        if name_fa.startswith(prefix):
            return head + name_fa[len(prefix) :]
    raise ValueError(f"no head title rule for unit {name_fa!r}; give it explicitly")


@dataclass
class Staffing:
    """The organization's ids that services name (R-4.3), filled as units and posts are built."""

    unit_id: dict[tuple[str, int], str] = field(default_factory=dict)  # (agency, number) -> id
    expert_posts: dict[str, list[str]] = field(default_factory=dict)  # unit id -> expert posts
    holders: dict[str, list[str]] = field(default_factory=dict)  # post id -> employee ids


@dataclass
class Numbers:
    """Post and employee numbers; they run per agency."""

    post: Iterator[int] = field(default_factory=lambda: count(1))
    employee: Iterator[int] = field(default_factory=lambda: count(1))


def build() -> dict[str, list[Row]]:
    """Every sheet's rows, keyed by the contract's sheet names (catalog.kinds.sheets())."""
    rows: dict[str, list[Row]] = {sheet.name: [] for sheet in kinds.sheets()}
    build_agencies(rows)
    staffing = build_organization(rows)
    build_duties(rows)
    build_services(rows, staffing)
    build_information_systems(rows)
    build_datasets(rows)
    build_data_flows(rows)
    build_chains(rows)
    add_alt_names(rows)
    return rows


# Other names some records are known and searched by (skos:altLabel, ADR 0024): an earlier
# name, a short name, an abbreviation, a name in English; keyed by sheet and code or ref.
ALT_NAMES: dict[tuple[str, str], list[str]] = {
    ("agencies", "SABT"): ["اداره سجل احوال", "ثبت‌احوال", "NOCR"],
    ("agencies", "TAX"): ["امور مالیاتی", "INTA"],
    ("agencies", "SSO"): ["تامین اجتماعی", "Tamin Ejtemaei"],
    ("services", "smart-card-duplicate"): ["کارت ملی المثنی", "Replacement national ID card"],
    ("services", "taxpayer-registration"): ["کد اقتصادی", "پرونده مالیاتی"],
    ("datasets", "property-values"): ["ارزش معاملاتی", "ماده ۶۴ ق.م.م"],
}


def add_alt_names(rows: dict[str, list[Row]]) -> None:
    for (sheet, key), names in ALT_NAMES.items():
        found = [r for r in rows[sheet] if r.get("code", r.get("ref")) == key]
        if len(found) != 1:
            raise ValueError(f"alt names for {sheet} {key}: {len(found)} rows")
        found[0]["alt_names"] = names


def build_agencies(rows: dict[str, list[Row]]) -> None:
    for code, name_fa, name_en, parent, kind, prov in AGENCIES:
        rows["agencies"].append(
            {
                "code": code,
                "name_fa": name_fa,
                "name_en": name_en,
                "parent_code": parent,
                "kind": kind,
                "province": prov,
            }
        )


def build_organization(rows: dict[str, list[Row]]) -> Staffing:
    """Units, posts and employees of every agency (R-4.3)."""
    province = {code: prov for code, _, _, _, _, prov in AGENCIES}
    staffing = Staffing()
    for agency, units in UNITS.items():
        numbers = Numbers()
        for entry in units:
            uid = build_unit(rows, agency, entry, province[agency], staffing)
            build_unit_posts(rows, agency, uid, unit_posts(entry), staffing, numbers)
            share_expert_posts(rows, uid, staffing)
    return staffing


def build_unit(
    rows: dict[str, list[Row]],
    agency: str,
    entry: tuple[Any, ...],
    province: str | None,
    staffing: Staffing,
) -> str:
    num, name_fa, name_en, parent = entry[:4]
    uid = f"U-{agency}-{num:03d}"
    staffing.unit_id[(agency, num)] = uid
    rows["units"].append(
        {
            "id": uid,
            "agency_code": agency,
            "name_fa": name_fa,
            "name_en": name_en,
            "parent_id": staffing.unit_id[(agency, parent)] if parent else None,
            "province": province,
        }
    )
    return uid


def unit_posts(entry: tuple[Any, ...]) -> list[tuple[str, str, int]]:
    """A unit's posts as (title_fa, title_en, holders): its head post, then its expert posts."""
    name_fa, name_en, experts = entry[1], entry[2], entry[4]
    head_fa, head_en = entry[5] if len(entry) > 5 else (head_title(name_fa), f"Head, {name_en}")
    return [(head_fa, head_en, 1)] + [(fa, en, 2) for fa, en in experts]


def build_unit_posts(
    rows: dict[str, list[Row]],
    agency: str,
    uid: str,
    posts: list[tuple[str, str, int]],
    staffing: Staffing,
    numbers: Numbers,
) -> None:
    """The unit's posts and the employees who hold them."""
    staffing.expert_posts[uid] = []
    for i, (title_fa, title_en, staff) in enumerate(posts):
        pid = f"P-{agency}-{next(numbers.post):03d}"
        rows["posts"].append(
            {
                "id": pid,
                "unit_id": uid,
                "title_fa": title_fa,
                "title_en": title_en,
                "agency_code": agency,
            }
        )
        if i:
            staffing.expert_posts[uid].append(pid)
        staffing.holders[pid] = []
        for _ in range(staff):
            eid = f"E-{agency}-{next(numbers.employee):04d}"
            staffing.holders[pid].append(eid)
            rows["employees"].append({"id": eid, "post_id": [pid], "agency_code": agency})


def share_expert_posts(rows: dict[str, list[Row]], uid: str, staffing: Staffing) -> None:
    """In a unit with two expert posts, the second holder of the first one also covers the
    second post (a common arrangement; shows an employee with two posts)."""
    if len(staffing.expert_posts[uid]) < 2:
        return
    first, second = staffing.expert_posts[uid][:2]
    cover = staffing.holders[first][1]
    staffing.holders[second].append(cover)
    next(e for e in rows["employees"] if e["id"] == cover)["post_id"].append(second)


def build_duties(rows: dict[str, list[Row]]) -> None:
    """Duties, all drafts: their approval and IDs come from the demo's cycle (cli/demo.py),
    never from the workbook (R-3.2, ADR 0015)."""
    for agency, duties in DUTIES.items():
        for ref, title_fa, title_en, legal, _, changed in duties:
            rows["duties"].append(
                {
                    "agency_code": agency,
                    "ref": ref,
                    "title_fa": title_fa,
                    "title_en": title_en,
                    "legal_basis": legal,
                    "status": "draft",
                    "changed_on": changed,
                }
            )


def build_services(rows: dict[str, list[Row]], staffing: Staffing) -> None:
    """Services, all drafts (their IDs come from the cycle); legacy national service IDs go to
    the admin's file (LEGACY_OUT); delivering unit/post/employees (R-4.3)."""
    legacy_seq = count(1)  # numbers the legacy IDs across agencies
    for agency, services in SERVICES.items():
        for n, entry in enumerate(services):
            rows["services"].append(service_row(agency, n, entry, staffing, legacy_seq))


def service_row(
    agency: str, n: int, entry: tuple[Any, ...], staffing: Staffing, legacy_seq: Iterator[int]
) -> Row:
    """The agency's n-th service. Variety by position: every fifth service names its unit only,
    another its post only."""
    ref, title_fa, title_en, kind, duties, unit_num, post_idx, delivery, _, legacy = entry
    uid = staffing.unit_id[(agency, unit_num)]
    pid = staffing.expert_posts[uid][post_idx]
    svc_units, svc_posts = [uid], [pid]
    if n % 5 == 4:
        svc_posts = []
    elif n % 5 == 2:
        svc_units = []
    legacy_id = f"{LEGACY_PREFIX[agency]}{465100 + next(legacy_seq) * 37:06d}" if legacy else None
    return {
        "agency_code": agency,
        "ref": ref,
        "title_fa": title_fa,
        "title_en": title_en,
        "kind": KIND[kind],
        "duties": duties.split(";"),
        "units": svc_units,
        "posts": svc_posts,
        "employees": list(staffing.holders[pid][:3]),
        "delivery": DELIVERY[delivery],
        "status": "draft",
        "legacy_id": legacy_id,
    }


def build_information_systems(rows: dict[str, list[Row]]) -> None:
    for agency, systems in SYSTEMS.items():
        for ref, name_fa, name_en, url, services in systems:
            rows["information_systems"].append(
                {
                    "agency_code": agency,
                    "ref": ref,
                    "name_fa": name_fa,
                    "name_en": name_en,
                    "url": url,
                    "services": services.split(";"),
                }
            )


def build_datasets(rows: dict[str, list[Row]]) -> None:
    for agency, datasets in DATASETS.items():
        for ref, title_fa, title_en, system, services, personal, cls, freq in datasets:
            rows["datasets"].append(
                {
                    "agency_code": agency,
                    "ref": ref,
                    "title_fa": title_fa,
                    "title_en": title_en,
                    "information_system": system,
                    "services": services.split(";"),
                    "personal_data": "yes" if personal else "no",
                    "classification": cls,
                    "update_frequency": freq,
                }
            )


def build_data_flows(rows: dict[str, list[Row]]) -> None:
    for src, dst, dataset, purpose in FLOWS:
        rows["data_flows"].append(
            {"from_system": src, "to_system": dst, "dataset": dataset, "purpose_fa": purpose}
        )


def build_chains(rows: dict[str, list[Row]]) -> None:
    """Chains and their links (R-6); the final service's agency is responsible (R-6.2)."""
    for ref, title_fa, title_en, final, links in CHAINS:
        rows["chains"].append(
            {
                "ref": ref,
                "title_fa": title_fa,
                "title_en": title_en,
                "final_service": final,
                "responsible_agency": final.split(":")[0],
            }
        )
        for order, service, depends, exchanged in links:
            rows["chain_links"].append(
                {
                    "chain_ref": ref,
                    "order": order,
                    "service": service,
                    "depends_on": depends,
                    "datasets": exchanged,
                }
            )


# ---------------------------------------------------------------------------------------------
# Consistency check: the rules validation enforces, asserted over the in-memory rows.
# ---------------------------------------------------------------------------------------------
REF_RE = re.compile(r"^[^\s/:;#?]+$")
ARABIC_LETTERS = re.compile("[\u064a\u0643\u0649]")  # Arabic yeh, kaf, alef maksura


@dataclass(frozen=True)
class Tables:
    """The rows of each sheet by key, to resolve references against."""

    agencies: dict[str, Row]
    units: dict[str, Row]
    posts: dict[str, Row]
    employees: dict[str, Row]
    duties: dict[tuple[str, str], Row]
    services: dict[tuple[str, str], Row]
    systems: dict[tuple[str, str], Row]
    datasets: dict[tuple[str, str], Row]
    chains: dict[str, Row]

    @classmethod
    def of(cls, rows: dict[str, list[Row]]) -> Tables:
        return cls(
            agencies={a["code"]: a for a in rows["agencies"]},
            units={u["id"]: u for u in rows["units"]},
            posts={p["id"]: p for p in rows["posts"]},
            employees={e["id"]: e for e in rows["employees"]},
            duties={(d["agency_code"], d["ref"]): d for d in rows["duties"]},
            services={(s["agency_code"], s["ref"]): s for s in rows["services"]},
            systems={(s["agency_code"], s["ref"]): s for s in rows["information_systems"]},
            datasets={(d["agency_code"], d["ref"]): d for d in rows["datasets"]},
            chains={c["ref"]: c for c in rows["chains"]},
        )


def check(rows: dict[str, list[Row]]) -> None:
    tables = Tables.of(rows)
    check_unique_keys(rows)
    check_agencies(rows, tables)
    check_units(rows, tables)
    check_posts(rows, tables)
    check_employees(rows, tables)
    check_duties(rows, tables)
    for s in rows["services"]:
        check_service(s, tables)
    check_information_systems(rows, tables)
    check_datasets(rows, tables)
    flows_into = check_data_flows(rows, tables)
    for c in rows["chains"]:
        check_chain(c, rows["chain_links"], tables, flows_into)
    for lk in rows["chain_links"]:
        assert lk["chain_ref"] in tables.chains, lk
    check_text(rows)
    check_volumes(rows, tables)


def unique(keys: list[Any], what: str) -> None:
    seen: set[Any] = set()
    dupes: set[Any] = set()
    for k in keys:
        (dupes if k in seen else seen).add(k)
    assert not dupes, f"duplicate {what}: {sorted(map(str, dupes))}"


def qualified(value: str, table: dict[Any, Any], what: str) -> tuple[str, str]:
    agency, _, ref = value.partition(":")
    assert (agency, ref) in table, f"{what} {value} does not resolve"
    return agency, ref


def check_unique_keys(rows: dict[str, list[Row]]) -> None:
    unique([a["code"] for a in rows["agencies"]], "agency codes")
    unique([u["id"] for u in rows["units"]], "unit ids")
    unique([p["id"] for p in rows["posts"]], "post ids")
    unique([e["id"] for e in rows["employees"]], "employee ids")
    unique([(d["agency_code"], d["ref"]) for d in rows["duties"]], "duty refs")
    unique([(s["agency_code"], s["ref"]) for s in rows["services"]], "service refs")
    unique([(s["agency_code"], s["ref"]) for s in rows["information_systems"]], "system refs")
    unique([(d["agency_code"], d["ref"]) for d in rows["datasets"]], "dataset refs")
    unique([c["ref"] for c in rows["chains"]], "chain refs")
    unique([(lk["chain_ref"], lk["order"]) for lk in rows["chain_links"]], "chain link orders")
    unique([s["legacy_id"] for s in rows["services"] if s["legacy_id"]], "legacy IDs")
    unique(
        [(f["from_system"], f["to_system"], f["dataset"]) for f in rows["data_flows"]], "data flows"
    )


def check_agencies(rows: dict[str, list[Row]], t: Tables) -> None:
    """Agencies (R-20): provincial and delegated bodies hang under their supervising agency."""
    for a in rows["agencies"]:
        assert REF_RE.match(a["code"]), a["code"]
        assert a["kind"] in AGENCY_KINDS, a
        assert a["province"] is None or a["province"] in PROVINCES, a
        if a["parent_code"]:
            assert a["parent_code"] in t.agencies and a["parent_code"] != a["code"], a
        if a["kind"] in ("provincial_unit", "delegated"):
            assert a["parent_code"] and a["province"], f"{a['code']} needs parent and province"


def check_units(rows: dict[str, list[Row]], t: Tables) -> None:
    for u in rows["units"]:
        assert u["agency_code"] in t.agencies, u
        assert u["province"] is None or u["province"] in PROVINCES, u
        if u["parent_id"]:
            assert u["parent_id"] in t.units, u
            assert t.units[u["parent_id"]]["agency_code"] == u["agency_code"], u


def check_posts(rows: dict[str, list[Row]], t: Tables) -> None:
    for p in rows["posts"]:
        assert p["unit_id"] in t.units, p
        assert t.units[p["unit_id"]]["agency_code"] == p["agency_code"], (
            f"post {p['id']}: unit of another agency"
        )


def check_employees(rows: dict[str, list[Row]], t: Tables) -> None:
    for e in rows["employees"]:
        assert e["post_id"], e
        for pid in e["post_id"]:
            assert pid in t.posts, f"employee {e['id']}: unknown post {pid}"
            assert t.posts[pid]["agency_code"] == e["agency_code"], e
        assert re.fullmatch(rf"E-{re.escape(e['agency_code'])}-\d{{4}}", e["id"]), e


def check_duties(rows: dict[str, list[Row]], t: Tables) -> None:
    """Duties (R-3): a legal basis; drafts, as the cycle issues IDs on approval."""
    for d in rows["duties"]:
        assert d["agency_code"] in t.agencies and REF_RE.match(d["ref"]), d
        assert d["legal_basis"], f"duty {d['ref']} has no legal basis"
        assert d["status"] == "draft", f"duty {d['ref']}: the cycle decides (ADR 0015)"
        assert d["changed_on"] is None or re.fullmatch(r"14\d\d/\d\d/\d\d", d["changed_on"]), d


def check_service(s: Row, t: Tables) -> None:
    """Services (R-4): own duties, own delivering unit/post and employees, IDs on approval."""
    who = f"service {s['agency_code']}:{s['ref']}"
    agency = s["agency_code"]
    assert agency in t.agencies and REF_RE.match(s["ref"]), who
    assert s["kind"] in KIND.values() and s["delivery"] in DELIVERY.values(), who
    assert s["duties"], f"{who} maps to no duty (R-4.1)"
    for ref in s["duties"]:
        assert (agency, ref) in t.duties, f"{who}: duty {ref} is not one of its agency's"
    check_service_delivery(who, s, t)
    assert s["status"] == "draft", f"{who}: the cycle decides (ADR 0015)"
    assert s["legacy_id"] is None or re.fullmatch(r"\d{11,12}", s["legacy_id"]), who


def check_service_delivery(who: str, s: Row, t: Tables) -> None:
    """The delivering units, posts and employees are the service's agency's (R-4.3)."""
    agency = s["agency_code"]
    assert s["units"] or s["posts"], f"{who} names no delivering unit or post (R-4.3)"
    assert s["employees"], f"{who} names no employee (R-4.3)"
    for uid in s["units"]:
        assert uid in t.units and t.units[uid]["agency_code"] == agency, f"{who}: unit {uid}"
    for pid in s["posts"]:
        assert pid in t.posts and t.posts[pid]["agency_code"] == agency, f"{who}: post {pid}"
    delivering = set(s["posts"]) | {p for p, r in t.posts.items() if r["unit_id"] in s["units"]}
    for eid in s["employees"]:
        assert eid in t.employees and t.employees[eid]["agency_code"] == agency, f"{who}: {eid}"
        assert delivering & set(t.employees[eid]["post_id"]), (
            f"{who}: employee {eid} holds none of the delivering posts"
        )


def check_information_systems(rows: dict[str, list[Row]], t: Tables) -> None:
    for s in rows["information_systems"]:
        assert re.fullmatch(r"https://[a-z0-9.-]+\.example(/\S*)?", s["url"]), s
        for ref in s["services"]:
            assert (s["agency_code"], ref) in t.services, f"system {s['ref']}: service {ref}"


def check_datasets(rows: dict[str, list[Row]], t: Tables) -> None:
    for d in rows["datasets"]:
        assert (d["agency_code"], d["information_system"]) in t.systems, (
            f"dataset {d['ref']}: system {d['information_system']} not in its agency"
        )
        for ref in d["services"]:
            assert (d["agency_code"], ref) in t.services, f"dataset {d['ref']}: service {ref}"
        assert d["personal_data"] in ("yes", "no"), d
        assert d["classification"] in ("public", "internal", "confidential", "secret"), d
        assert d["update_frequency"] in (
            "continuous",
            "daily",
            "weekly",
            "monthly",
            "quarterly",
            "annual",
            "irregular",
        ), d


def check_data_flows(rows: dict[str, list[Row]], t: Tables) -> set[tuple[str, str]]:
    """Data flows (R-10.1): between systems of different agencies; the dataset is held in the
    sending system. Returns the (dataset, receiving agency) pairs the flows deliver."""
    flows_into: set[tuple[str, str]] = set()
    for f in rows["data_flows"]:
        src = qualified(f["from_system"], t.systems, "from_system")
        dst = qualified(f["to_system"], t.systems, "to_system")
        ds = qualified(f["dataset"], t.datasets, "dataset")
        assert src[0] != dst[0], f"flow {f} stays inside one agency"
        assert ds[0] == src[0] and t.datasets[ds]["information_system"] == src[1], (
            f"flow {f}: dataset is not held in the sending system"
        )
        assert f["purpose_fa"], f
        flows_into.add((f["dataset"], dst[0]))
    return flows_into


def check_chain(
    c: Row, chain_links: list[Row], t: Tables, flows_into: set[tuple[str, str]]
) -> None:
    """Chains (R-6): ordered links, acyclic dependencies, ≥2 agencies, final service's agency
    responsible, and every dataset from another agency reaches it through a data flow."""
    final = qualified(c["final_service"], t.services, "final_service")
    assert c["responsible_agency"] == final[0], f"chain {c['ref']}: R-6.2"
    links = sorted(
        (lk for lk in chain_links if lk["chain_ref"] == c["ref"]),
        key=lambda lk: lk["order"],
    )
    assert 3 <= len(links) <= 6, f"chain {c['ref']} has {len(links)} links"
    assert [lk["order"] for lk in links] == list(range(1, len(links) + 1)), c["ref"]
    assert links[-1]["service"] == c["final_service"], f"chain {c['ref']}: final not last"
    link_agencies = {check_chain_link(c, lk, t, flows_into) for lk in links}
    assert len(link_agencies) >= 2, f"chain {c['ref']} involves one agency only"


def check_chain_link(c: Row, lk: Row, t: Tables, flows_into: set[tuple[str, str]]) -> str:
    """One link: earlier dependencies, datasets its agency holds or receives. Returns its agency."""
    agency, _ = qualified(lk["service"], t.services, "link service")
    assert all(1 <= o < lk["order"] for o in lk["depends_on"]), lk
    for ds in lk["datasets"]:
        owner, _ = qualified(ds, t.datasets, "link dataset")
        assert owner == agency or (ds, agency) in flows_into, (
            f"chain {c['ref']} link {lk['order']}: {ds} never flows to {agency}"
        )
    return agency


def texts(rows: dict[str, list[Row]]) -> Iterator[tuple[str, str, str]]:
    """Every text value in the rows, list items one by one, as (sheet, key, text)."""
    for sheet, sheet_rows in rows.items():
        for r in sheet_rows:
            for key, value in r.items():
                for text in value if isinstance(value, list) else [value]:
                    if isinstance(text, str):
                        yield sheet, key, text


def check_text(rows: dict[str, list[Row]]) -> None:
    """Text hygiene: Persian letters (no Arabic yeh/kaf), no stray spaces; no personal names or
    national codes anywhere (employees are bare synthetic IDs)."""
    for sheet, key, text in texts(rows):
        assert not ARABIC_LETTERS.search(text), f"{sheet}.{key}: {text!r}"
        assert text == text.strip() and "  " not in text, f"{sheet}.{key}"
        assert "\u200c " not in text and " \u200c" not in text, f"{sheet}.{key}"
    assert all(set(e) == {"id", "post_id", "agency_code"} for e in rows["employees"])


def check_volumes(rows: dict[str, list[Row]], t: Tables) -> None:
    """The brief's volumes."""
    main = {"SABT", "TAX", "SSO", "TEHRAN_MUN"}
    assert main <= set(t.agencies)
    assert len(rows["duties"]) >= 60 and len(rows["services"]) >= 80, "too few duties/services"
    assert len(rows["datasets"]) >= 20 and len(rows["data_flows"]) >= 15
    assert len(rows["chains"]) == 3
    assert {s["kind"] for s in rows["services"]} == {"service", "inquiry"}
    assert {s["delivery"] for s in rows["services"]} == set(DELIVERY.values())


# ---------------------------------------------------------------------------------------------
# Writing: one sheet per table, keys in row 1, data from row 2; byte-reproducible output.
# ---------------------------------------------------------------------------------------------
# Contract columns a steward never writes in a workbook, though the demo's rows fill them:
# legacy national service IDs go through the admin's own import (LEGACY_OUT, `govcat admin
# legacy-ids`, R-4.2, ADR 0015), so they are written to legacy-ids.csv instead.
NOT_IN_WORKBOOK = frozenset({"legacy_id"})


def workbook_columns(rows: dict[str, list[Row]]) -> dict[str, list[str]]:
    """The columns the workbook writes, read from the spreadsheet contract
    (catalog.kinds.sheets()): for each sheet in contract order, the contract's columns in the
    contract's order that the rows fill, except NOT_IN_WORKBOOK. A sheet or a key the contract
    does not know is an error, so no data is dropped silently."""
    contract = kinds.sheets()
    unknown_sheets = set(rows) - {sheet.name for sheet in contract}
    if unknown_sheets:
        raise ValueError(f"sheets not in the contract: {sorted(unknown_sheets)}")
    columns: dict[str, list[str]] = {}
    for sheet in contract:
        filled = {key for r in rows.get(sheet.name, []) for key in r}
        unknown = filled - set(sheet.keys)
        if unknown:
            raise ValueError(f"{sheet.name}: columns not in the contract: {sorted(unknown)}")
        keys = [k for k in sheet.keys if k in filled and k not in NOT_IN_WORKBOOK]
        if keys:
            columns[sheet.name] = keys
    return columns


FIXED_TIME = datetime(2025, 5, 5, 8, 0, 0)  # 1404/02/15; stands in for "now" in the file


def cell(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join(str(v) for v in value) or None
    return value


def write(rows: dict[str, list[Row]], sheets: dict[str, list[str]], out: Path) -> None:
    """The workbook: each sheet of ``sheets`` (workbook_columns) with its columns."""
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for sheet, columns in sheets.items():
        ws = wb.create_sheet(sheet)
        ws.append(columns)
        for c in ws[1]:
            c.font = bold
        for r in rows[sheet]:
            ws.append([cell(r.get(col)) for col in columns])
        ws.freeze_panes = "A2"
        for i, col in enumerate(columns, start=1):
            width = max([len(col)] + [len(str(cell(r.get(col)) or "")) for r in rows[sheet]])
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(
                max(10, width + 2), 60
            )
    wb.properties.creator = "govcat demo/build_demo.py"
    wb.properties.created = FIXED_TIME

    buffer = io.BytesIO()
    wb.save(buffer)
    # openpyxl stamps the save time into docProps/core.xml and the zip entries; pin both.
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    src = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    data,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, data)


def write_legacy(rows: dict[str, list[Row]], out: Path) -> None:
    """The legacy national service IDs, for the admin's `govcat admin legacy-ids` (R-4.2)."""
    lines = ["record,scheme,identifier"] + [
        f"{s['agency_code']}:{s['ref']},national-service-id,{s['legacy_id']}"
        for s in rows["services"] if s["legacy_id"]]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else OUT
    rows = build()
    check(rows)
    sheets = workbook_columns(rows)
    write(rows, sheets, out)
    write_legacy(rows, out.with_name(LEGACY_OUT))
    step3 = build_step3(rows["services"])
    write(step3, workbook_columns(step3), out.with_name(STEP3_OUT))
    total = sum(len(r) for r in rows.values())
    for sheet in sheets:
        print(f"{sheet:20} {len(rows[sheet]):4}")
    print(f"{'total':20} {total:4}  -> {out}")
    for sheet, found in step3.items():
        print(f"{sheet:20} {len(found):4}  -> {out.with_name(STEP3_OUT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
