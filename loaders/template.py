"""The empty, self-documenting XLSX workbook that agencies fill in.

Everything written here is derived from the kinds' sheets (catalog.kinds), so the template
cannot drift from what the loaders accept. Data rows are left empty on purpose: an example
row would be loaded as data, so examples live in the header comments and in the README sheet
instead.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from catalog.kinds import sheets
from catalog.sheets import LIST_SEPARATORS, REF_SEPARATOR, Column, Sheet

__all__ = ["FIRST_DATA_ROW", "LISTS_TITLE", "README_TITLE", "write_template"]

# Excel forbids "/" in sheet titles, so the README tab uses a dash. It matches no entity sheet,
# so loaders skip it.
README_TITLE = "README - راهنما"
# A hidden sheet holding the drop-down values too many for an inline list (the update
# frequencies of the EU table, R-10.1); loaders skip it too.
LISTS_TITLE = "lists - فهرست‌ها"
KEY_ROW, LABEL_ROW, FIRST_DATA_ROW = 1, 2, 3
_LAST_ROW = 1_048_576  # Excel's last row: validation and text format cover every data row
_LIST_FORMULA_LIMIT = 255  # Excel rejects longer inline list formulas in data validation

_REQUIRED_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_TITLE_FONT = Font(bold=True, size=14)
_SECTION_FONT = Font(bold=True, size=12)
_WRAP = Alignment(wrap_text=True, vertical="top")
_WRAP_RTL = Alignment(wrap_text=True, vertical="top", horizontal="right", readingOrder=2)

_KIND_FA = {
    "text": "متن",
    "list": "فهرست (جداشده با ;)",
    "ref": "ارجاع",
    "ref_list": "فهرست ارجاع‌ها (جداشده با ;)",
    "enum": "انتخابی",
    "date": "تاریخ",
    "int": "عدد صحیح",
    "decimal": "عدد",
    "bool": "بله/خیر",
    "url": "نشانی اینترنتی",
}
_KIND_EN = {
    "text": "text",
    "list": "list (; separated)",
    "ref": "reference",
    "ref_list": "list of references (; separated)",
    "enum": "choice",
    "date": "date",
    "int": "integer",
    "decimal": "number",
    "bool": "yes/no",
    "url": "URL",
}

# The README's general rules: (English, Persian) paragraphs.
_RULES: tuple[tuple[str, str], ...] = (
    (
        "Each sheet after this one holds one kind of record, one record per row. Row 1 holds "
        "the column keys: do not change or reorder them. Row 2 holds the Persian labels; it is "
        "skipped on loading and may be deleted. Enter data from row 3.",
        "هر برگه پس از این برگه یک نوع اطلاعات است و هر ردیف آن یک مورد. ردیف ۱ کلید ستون‌هاست؛ "
        "آن را تغییر ندهید. ردیف ۲ عنوان فارسی ستون‌هاست، هنگام بارگذاری نادیده گرفته می‌شود و "
        "می‌توان آن را حذف کرد. داده‌ها را از ردیف ۳ وارد کنید.",
    ),
    (
        "Columns marked * (bold) are required. Point at a column's label to see its "
        "description, allowed values and an example; the table below lists them all.",
        "ستون‌هایی که با * (پررنگ) مشخص شده‌اند الزامی‌اند. با بردن نشانگر روی عنوان هر ستون، "
        "توضیح، مقادیر مجاز و نمونه آن نمایش داده می‌شود؛ جدول زیر نیز همه را فهرست کرده است.",
    ),
    (
        "Sheets are loaded in the order below; a sheet refers only to records of the sheets "
        "before it. Records of several agencies may share one workbook.",
        "برگه‌ها به ترتیب جدول زیر بارگذاری می‌شوند و هر برگه فقط به اطلاعات برگه‌های پیش از "
        "خود ارجاع می‌دهد. اطلاعات چند دستگاه را می‌توان در یک کاربرگ وارد کرد.",
    ),
    (
        f"References: a record of the same agency is named by its reference (D-01); a record "
        f"of another agency as AGENCY_CODE{REF_SEPARATOR}ref (MOI{REF_SEPARATOR}D-07). "
        "Agencies, units, posts, employees and chains have nationwide IDs and are named by ID "
        "alone. IDs and references may not contain spaces or / : ; # ?",
        f"ارجاع: اطلاعات همان دستگاه با کد داخلی آن (D-01) و اطلاعات دستگاه دیگر به صورت "
        f"«کد دستگاه{REF_SEPARATOR}کد» (MOI{REF_SEPARATOR}D-07) نوشته می‌شود. دستگاه‌ها، "
        "واحدها، پست‌ها، کارمندان و زنجیره‌ها شناسه یکتای کشوری دارند و فقط با همان شناسه "
        "ارجاع می‌شوند. در شناسه‌ها و کدها فاصله و نویسه‌های / : ; # ? مجاز نیست.",
    ),
    (
        f"Lists: separate several values in one cell with {LIST_SEPARATORS[0]} "
        f"(D-01;MOI:D-07); the Persian semicolon {LIST_SEPARATORS[1]} is accepted too.",
        f"فهرست: چند مقدار در یک خانه را با {LIST_SEPARATORS[0]} از هم جدا کنید "
        f"(D-01;MOI:D-07)؛ نقطه‌ویرگول فارسی {LIST_SEPARATORS[1]} نیز پذیرفته می‌شود.",
    ),
    (
        "Dates: Solar Hijri as YYYY/MM/DD (1403/10/08) or Gregorian as ISO YYYY-MM-DD "
        "(2025-12-28), in Persian or English digits. A year below 1700 is read as Solar Hijri.",
        "تاریخ: هجری شمسی به صورت سال/ماه/روز (۱۴۰۳/۱۰/۰۸) یا میلادی به صورت YYYY-MM-DD "
        "(2025-12-28)، با رقم فارسی یا انگلیسی. سال کمتر از ۱۷۰۰ هجری شمسی خوانده می‌شود.",
    ),
    (
        "Choice columns: pick from the drop-down, which offers each value's Persian label and "
        "its English key; either is accepted.",
        "ستون‌های انتخابی: از فهرست کشویی انتخاب کنید؛ هم عنوان فارسی و هم کلید انگلیسی هر "
        "مقدار پذیرفته می‌شود.",
    ),
    (
        "Text is normalized on loading: Arabic ي and ك become Persian ی and ک, Persian and "
        "Arabic digits become English digits, diacritics, tatweel and extra spaces are removed.",
        "متن‌ها هنگام بارگذاری یکدست می‌شوند: «ي» و «ك» عربی به «ی» و «ک» فارسی، رقم‌های فارسی "
        "و عربی به رقم انگلیسی تبدیل و اعراب، کشیده و فاصله‌های اضافه حذف می‌شوند.",
    ),
)


def write_template(path: Path) -> None:
    """Write the empty data-entry workbook: a README sheet, then one sheet per entity."""
    wb = Workbook()
    readme = wb.active
    assert readme is not None  # a new Workbook always has one sheet
    _write_readme(readme)
    lists = wb.create_sheet(LISTS_TITLE)
    for sheet in sheets():
        _write_sheet(wb.create_sheet(sheet.name), sheet, lists)
    if lists.max_row == 1 and lists["A1"].value is None:
        wb.remove(lists)
    else:
        lists.sheet_state = "hidden"
        wb.move_sheet(lists, offset=len(wb.sheetnames) - 1 - wb.index(lists))
    wb.save(path)


# ---------------------------------------------------------------------------------------------
# README


def _write_readme(ws: Worksheet) -> None:
    ws.title = README_TITLE
    row = _readme_rules(ws)
    row = _readme_sheets(ws, row + 1)
    _readme_columns(ws, row + 1)
    for letter, width in zip("ABCDEFGHI", (20, 22, 26, 10, 22, 30, 50, 50, 22), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"


def _readme_rules(ws: Worksheet) -> int:
    ws["A1"] = "govcat: data-entry workbook for the service intelligentization cycle"
    ws["E1"] = "کاربرگ ورود اطلاعات چرخه هوشمندسازی خدمات دستگاه‌های اجرایی"
    ws["A1"].font = ws["E1"].font = _TITLE_FONT
    ws["E1"].alignment = _WRAP_RTL
    row = 3
    for english, persian in _RULES:
        ws.cell(row, 1, english).alignment = _WRAP
        ws.cell(row, 5, persian).alignment = _WRAP_RTL
        # Paragraphs span four columns per language so they read as text, not table cells.
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        ws.merge_cells(start_row=row, start_column=5, end_row=row, end_column=9)
        ws.row_dimensions[row].height = 62
        row += 1
    return row


def _section(ws: Worksheet, row: int, english: str, persian: str, headers: list[str]) -> int:
    ws.cell(row, 1, english).font = _SECTION_FONT
    ws.cell(row, 5, persian).font = _SECTION_FONT
    for col, header in enumerate(headers, start=1):
        cell = ws.cell(row + 1, col, header)
        cell.font = _REQUIRED_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _WRAP
    return row + 2


def _readme_sheets(ws: Worksheet, row: int) -> int:
    row = _section(
        ws, row, "Sheets, in load order", "برگه‌ها به ترتیب بارگذاری",
        ["sheet", "برگه", "description", "", "", "", "", "توضیح"],
    )
    for sheet in sheets():
        values = [sheet.name, sheet.label_fa, sheet.description_en]
        for col, value in enumerate(values, start=1):
            ws.cell(row, col, value).alignment = _WRAP
        ws.cell(row, 2).alignment = _WRAP_RTL
        ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=7)
        ws.cell(row, 8, sheet.description_fa).alignment = _WRAP_RTL
        ws.merge_cells(start_row=row, start_column=8, end_row=row, end_column=9)
        ws.row_dimensions[row].height = 48
        row += 1
    return row


def _readme_columns(ws: Worksheet, row: int) -> int:
    row = _section(
        ws, row, "Columns", "ستون‌ها",
        ["sheet", "key", "عنوان", "required / الزامی", "kind / نوع", "allowed / مقادیر مجاز",
         "description", "توضیح", "example / نمونه"],
    )
    for sheet in sheets():
        for column in sheet.columns:
            _readme_column_row(ws, row, sheet, column)
            row += 1
    return row


def _readme_column_row(ws: Worksheet, row: int, sheet: Sheet, column: Column) -> None:
    values = [
        sheet.name,
        column.key,
        column.label_fa,
        "* yes / بله" if column.required else "",
        f"{_KIND_EN[column.kind]} / {_KIND_FA[column.kind]}",
        _allowed_text(column),
        column.description_en,
        column.description_fa,
        column.example,
    ]
    for col, value in enumerate(values, start=1):
        ws.cell(row, col, value).alignment = _WRAP
    for col in (3, 8):
        ws.cell(row, col).alignment = _WRAP_RTL
    if column.required:
        ws.cell(row, 2).font = ws.cell(row, 3).font = _REQUIRED_FONT


def _allowed_text(column: Column) -> str:
    return "\n".join(f"{key} = {fa}" for key, fa in column.choices())


# ---------------------------------------------------------------------------------------------
# Entity sheets


def _write_sheet(ws: Worksheet, sheet: Sheet, lists: Worksheet) -> None:
    for index, column in enumerate(sheet.columns, start=1):
        _write_header(ws, index, column)
        _format_column(ws, index, column, lists)
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 1).coordinate
    # Persian sheets read right to left; row 1's English keys stay readable either way.
    ws.sheet_view.rightToLeft = True


def _write_header(ws: Worksheet, index: int, column: Column) -> None:
    key_cell = ws.cell(KEY_ROW, index, column.key)
    key_cell.font = Font(name="Consolas", color="555555", bold=column.required)
    label_cell = ws.cell(LABEL_ROW, index, column.header_fa)
    label_cell.font = _REQUIRED_FONT if column.required else Font()
    label_cell.fill = _REQUIRED_FILL if column.required else _HEADER_FILL
    label_cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    label_cell.comment = Comment(_comment_text(column), "govcat", width=360, height=220)
    # The key row also explains itself, for readers who hover over the English keys.
    key_cell.comment = Comment(_comment_text(column), "govcat", width=360, height=220)


def _comment_text(column: Column) -> str:
    required_fa = "الزامی" if column.required else "اختیاری"
    required_en = "required" if column.required else "optional"
    parts = [f"{column.label_fa} ({required_fa}): {column.description_fa}"]
    if column.allowed:
        parts.append("مقادیر مجاز: " + "، ".join(fa for _, fa in column.choices()))
    if column.example:
        parts.append(f"نمونه: {column.example}")
    parts.append("")
    parts.append(f"{column.key} ({column.label_en}, {required_en}): {column.description_en}")
    if column.allowed:
        parts.append("Allowed: " + ", ".join(column.allowed))
    if column.example:
        parts.append(f"Example: {column.example}")
    return "\n".join(parts)


def _format_column(ws: Worksheet, index: int, column: Column, lists: Worksheet) -> None:
    letter = get_column_letter(index)
    width = max(len(column.key), len(column.header_fa), len(column.example)) + 4
    ws.column_dimensions[letter].width = min(max(width, 14), 40)
    if column.kind not in ("int", "decimal"):
        # Text format keeps Excel from turning IDs like 0012 into 12 or dates into serials.
        ws.column_dimensions[letter].number_format = "@"
    if column.allowed:
        ws.add_data_validation(_dropdown(column, letter, lists))


def _dropdown(column: Column, letter: str, lists: Worksheet) -> DataValidation:
    """A list validation offering the Persian labels first, then the English keys; inline,
    or, when too long for Excel's inline list, from a column of the hidden lists sheet."""
    values = [fa for _, fa in column.choices()] + list(column.allowed or ())
    formula = '"' + ",".join(values) + '"'
    if len(formula) > _LIST_FORMULA_LIMIT:
        formula = _listed(lists, column, values)
    dv = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="مقدار نامعتبر / Invalid value",
        error="یکی از مقادیر فهرست را انتخاب کنید. / Choose a value from the list.",
        promptTitle=column.label_fa[:32],
        prompt="، ".join(f"{fa} = {key}" for key, fa in column.choices())[:255],
        showInputMessage=True,
    )
    dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{_LAST_ROW}")
    return dv


def _listed(lists: Worksheet, column: Column, values: list[str]) -> str:
    """Write `values` down the next free column of the lists sheet (its key in row 1); the
    range formula that names them."""
    index = 1 if lists["A1"].value is None else lists.max_column + 1
    letter = get_column_letter(index)
    lists.cell(1, index, column.key)
    for row, value in enumerate(values, start=2):
        lists.cell(row, index, value)
    return f"'{LISTS_TITLE}'!${letter}$2:${letter}${len(values) + 1}"
