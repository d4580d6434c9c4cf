"""Small generators of hostile files, made at test time (nothing big is committed).

Each builds a file that is tiny, or quick to write, but asks a careless reader
for gigabytes of memory or hours of time: repeats, huge row numbers, packed
parts, huge values, deep nesting, entity expansion and external entities.
`HOSTILE` lists them with a word of the reason each must be rejected for.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>{doctype}'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
    '<office:body><office:spreadsheet><table:table table:name="Locations">'
)
ODS_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>"
HEADER_ROW = "<table:table-row>" + "".join(
    f'<table:table-cell office:value-type="string"><text:p>{heading}</text:p></table:table-cell>'
    for heading in ("Location ID", "Location Name", "Location Postal Code")
) + "</table:table-row>"

BILLION_LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
                  + "]>")
XXE = '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
QUADRATIC = '<!DOCTYPE q [<!ENTITY a "' + "a" * 50_000 + '">]>'


def cell(text: str, repeat: int = 1) -> str:
    repeated = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return f'<table:table-cell office:value-type="string"{repeated}><text:p>{text}</text:p></table:table-cell>'


def write_ods(path: Path, rows_xml: str, *, doctype: str = "", mimetype: bytes | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype or ODS_MIMETYPE.encode(), zipfile.ZIP_STORED)
        archive.writestr("content.xml", ODS_HEAD.format(doctype=doctype) + rows_xml + ODS_TAIL)
    return path


def write_packed_ods(path: Path, *, part: str, megabytes: int) -> Path:
    """An .ods whose `part` unpacks to `megabytes` MB of one repeated letter (a zip bomb)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        if part != "mimetype":
            archive.writestr(zipfile.ZipInfo("mimetype"), ODS_MIMETYPE.encode(), zipfile.ZIP_STORED)
        with archive.open(part, "w", force_zip64=True) as handle:
            if part == "content.xml":
                handle.write((ODS_HEAD.format(doctype="") + "<table:table-row>"
                              + '<table:table-cell office:value-type="string"><text:p>').encode())
            else:
                handle.write(ODS_MIMETYPE.encode())
            block = b"a" * (1024 * 1024)
            for _ in range(megabytes):
                handle.write(block)
            if part == "content.xml":
                handle.write(("</text:p></table:table-cell></table:table-row>" + ODS_TAIL).encode())
        if part == "mimetype":
            archive.writestr("content.xml", ODS_HEAD.format(doctype="") + HEADER_ROW + ODS_TAIL)
    return path


XLSX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
XLSX_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Locations" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
XLSX_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>{doctype}'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
SHEET_TAIL = "</sheetData></worksheet>"
XLSX_HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Location ID</t></is></c>'
                   '<c r="B1" t="inlineStr"><is><t>Location Name</t></is></c></row>')


def write_xlsx(path: Path, rows_xml: str, *, doctype: str = "", shared_strings: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", XLSX_CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", XLSX_WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", XLSX_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", SHEET_HEAD.format(doctype=doctype) + rows_xml + SHEET_TAIL)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
    return path


def many_shared_strings(count: int) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + "".join(f"<si><t>{i}</t></si>" for i in range(count)) + "</sst>")


def write_packed_shared_strings(path: Path, count: int) -> Path:
    """An .xlsx whose table of texts holds `count` empty texts: a few MB packed, gigabytes as Python objects."""
    write_xlsx(path, XLSX_HEADER_ROW)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as handle:
            handle.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            block = b"<si><t/></si>" * 100_000
            for _ in range(count // 100_000):
                handle.write(block)
            handle.write(b"</sst>")
    return path


def nested(depth: int, tag: str) -> str:
    return f"<{tag}>" * depth + "x" + f"</{tag}>" * depth


def write_comma_line(path: Path, megabytes: int) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("Location ID,Location Name\n")
        for _ in range(megabytes):
            handle.write("," * (1024 * 1024))
        handle.write("\n")
    return path


# (name, maker(path), a word of the reason it is rejected for)
HOSTILE = [
    ("ods_cell_repeated_300m.ods",
     lambda p: write_ods(p, HEADER_ROW + "<table:table-row>" + cell("x", 300_000_000) + "</table:table-row>"),
     "repeated 300,000,000 times"),
    ("ods_cell_repeated_2bn.ods",
     lambda p: write_ods(p, HEADER_ROW + "<table:table-row>" + cell("x", 2_000_000_000) + "</table:table-row>"),
     "repeated 2,000,000,000 times"),
    ("ods_row_repeated.ods",
     lambda p: write_ods(p, HEADER_ROW + '<table:table-row table:number-rows-repeated="1000000000">'
                         + cell("1-1") + "</table:table-row>"),
     "a row of values is repeated 1,000,000,000 times"),
    ("ods_value_far_right.ods",
     lambda p: write_ods(p, HEADER_ROW + "<table:table-row>" + cell("", 999_999) + cell("x") + "</table:table-row>"),
     "We read at most 1,000 columns"),
    ("ods_mimetype_bomb.ods", lambda p: write_packed_ods(p, part="mimetype", megabytes=300),
     "packed"),
    ("ods_huge_cell_packed.ods", lambda p: write_packed_ods(p, part="content.xml", megabytes=300),
     "packed"),
    ("ods_long_cell.ods",
     lambda p: write_ods(p, HEADER_ROW + "<table:table-row>" + cell("y" * 50_000) + "</table:table-row>"),
     "longer than 10,000 characters"),
    ("ods_deep_nesting.ods",
     lambda p: write_ods(p, HEADER_ROW + "<table:table-row><table:table-cell><text:p>"
                         + nested(5000, "text:span") + "</text:p></table:table-cell></table:table-row>"),
     "nests more than 100 levels"),
    ("ods_billion_laughs.ods", lambda p: write_ods(p, HEADER_ROW + "<table:table-row>" + cell("&lol9;")
                                                   + "</table:table-row>", doctype=BILLION_LAUGHS),
     "declares its own XML entities"),
    ("ods_xxe.ods", lambda p: write_ods(p, HEADER_ROW + "<table:table-row>" + cell("&xxe;") + "</table:table-row>",
                                        doctype=XXE),
     "declares its own XML entities"),
    ("ods_quadratic.ods", lambda p: write_ods(p, HEADER_ROW + "<table:table-row>" + cell("&a;" * 20_000)
                                              + "</table:table-row>", doctype=QUADRATIC),
     "declares its own XML entities"),
    ("xlsx_huge_row_number.xlsx",
     lambda p: write_xlsx(p, XLSX_HEADER_ROW + '<row r="900000000000"><c r="A900000000000" t="inlineStr">'
                             '<is><t>1-1</t></is></c></row>'),
     "a value on row 900,000,000,000"),
    ("xlsx_far_column.xlsx",
     lambda p: write_xlsx(p, XLSX_HEADER_ROW + '<row r="2"><c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>'),
     "We read at most 1,000 columns"),
    ("xlsx_long_cell.xlsx",
     lambda p: write_xlsx(p, XLSX_HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>'
                             + "y" * 50_000 + "</t></is></c></row>"),
     "longer than 10,000 characters"),
    ("xlsx_many_shared_strings.xlsx",
     lambda p: write_xlsx(p, XLSX_HEADER_ROW, shared_strings=many_shared_strings(30_000_000 // 1000)),
     "different texts"),
    ("xlsx_25m_empty_shared_strings.xlsx", lambda p: write_packed_shared_strings(p, 25_000_000), "packed"),
    ("xlsx_deep_nesting.xlsx",
     lambda p: write_xlsx(p, XLSX_HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is>' + nested(5000, "r")
                             + "</is></c></row>"),
     "nests more than 100 levels"),
    ("xlsx_billion_laughs.xlsx",
     lambda p: write_xlsx(p, XLSX_HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>',
                          doctype=BILLION_LAUGHS),
     "declares its own XML entities"),
    ("xlsx_xxe.xlsx",
     lambda p: write_xlsx(p, XLSX_HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>&xxe;</t></is></c></row>',
                          doctype=XXE),
     "declares its own XML entities"),
    ("xlsx_quadratic.xlsx",
     lambda p: write_xlsx(p, XLSX_HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>' + "&a;" * 20_000
                             + "</t></is></c></row>", doctype=QUADRATIC),
     "declares its own XML entities"),
    ("csv_line_of_commas.csv", lambda p: write_comma_line(p, 100), "longer than 1,000,000 characters"),
]
# The shared-text case runs with a lower cap so the test stays quick; the cap itself is the same code.
SETTINGS_FOR = {"xlsx_many_shared_strings.xlsx": {"IMPORT_MAX_SHARED_STRINGS": "10000"}}
