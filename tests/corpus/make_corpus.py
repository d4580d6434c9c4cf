"""Write the bad-input corpus from the sample files. Run again after changing the samples:

    .venv/bin/python tests/corpus/make_corpus.py

Every file in rejected/ must be refused with the reason given in
expected.csv, changing nothing. Every file in accepted/ is awkward but valid
and must import. One very large file is made by the test itself instead of
being kept here.
"""

import csv
import io
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent.parent / "fixtures"
CQC_CSV = FIXTURES / "cqc_active_locations.csv"
CQC_ODS = FIXTURES / "16_November_2026_HSCA_Active_Locations.ods"
CQC_XLSX = FIXTURES / "16_November_2026_HSCA_Active_Locations.xlsx"
DSPT_CSV = FIXTURES / "DSPT search results 20_11_2026 09_15_02.csv"


def rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def text(table, line_ending="\n"):
    out = io.StringIO()
    csv.writer(out, lineterminator=line_ending).writerows(table)
    return out.getvalue()


def edited(path, edit):
    table = rows(path)
    edit(table[0], table[1:], table)
    return text(table)


def drop_column(name):
    def edit(headings, data, table):
        position = headings.index(name)
        for row in table:
            row.pop(position)
    return edit


def main():
    rejected, accepted = HERE / "rejected", HERE / "accepted"
    for folder in (rejected, accepted, HERE / "kept"):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
    cqc_text = CQC_CSV.read_text(encoding="utf-8")
    dspt_text = DSPT_CSV.read_text(encoding="utf-8")

    def col(headings, name):
        return headings.index(name)

    files = {
        "cqc_wrong_encoding.csv": cqc_text.replace("Café", "Caf\u00e9").encode("cp1252"),
        "cqc_utf16.csv": cqc_text.encode("utf-16"),
        "cqc_renamed_column.csv": cqc_text.replace("Location Postal Code", "Location Postcode", 1).encode(),
        "cqc_missing_column.csv": edited(CQC_CSV, drop_column("Provider Name")).encode(),
        "cqc_duplicate_ids.csv": edited(CQC_CSV, lambda h, r, t: t.append(list(r[3]))).encode(),
        "cqc_bad_postcode.csv": edited(CQC_CSV, lambda h, r, t: r[2].__setitem__(col(h, "Location Postal Code"), "L8 1AAA")).encode(),
        "cqc_bad_coordinates.csv": edited(CQC_CSV, lambda h, r, t: r[4].__setitem__(col(h, "Location Longitude"), "200")).encode(),
        "cqc_blank_id.csv": edited(CQC_CSV, lambda h, r, t: r[5].__setitem__(col(h, "Location ID"), "")).encode(),
        "cqc_binary.csv": bytes(range(256)) * 8,
        "cqc_empty.csv": b"",
        "cqc_header_only.csv": cqc_text.splitlines()[0].encode() + b"\n",
        "cqc_truncated.csv": cqc_text.encode()[: len(cqc_text) // 2],
        "cqc_truncated.ods": CQC_ODS.read_bytes()[: CQC_ODS.stat().st_size // 2],
        "cqc_truncated.xlsx": CQC_XLSX.read_bytes()[: CQC_XLSX.stat().st_size // 2],
        "cqc_really_a_pdf.csv": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        "cqc_old_excel.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
        "cqc_wrong_file.csv": dspt_text.encode(),
        "dspt_wrong_encoding.csv": dspt_text.replace("CAFÉ", "CAF\u00c9").encode("latin-1"),
        "dspt_renamed_status.csv": dspt_text.replace(",Status,", ",State,", 1).encode(),
        "dspt_duplicate_codes.csv": edited(DSPT_CSV, lambda h, r, t: t.append(list(r[0]))).encode(),
        "dspt_bad_date.csv": edited(DSPT_CSV, lambda h, r, t: r[3].__setitem__(3, "31/02/2026")).encode(),
        "dspt_binary.csv": b"\x00\xff" * 300,
        "dspt_empty.csv": b"",
        "dspt_wrong_file.csv": cqc_text.encode(),
    }
    for name, content in files.items():
        (rejected / name).write_bytes(content)

    # Odd but readable values that the import keeps as data (docs/import-policy.md).
    kept = {
        "cqc_formula.csv": edited(CQC_CSV, lambda h, r, t: r[0].__setitem__(col(h, "Location Name"), '=HYPERLINK("http://evil.example","Click me")')).encode(),
        "dspt_formula.csv": edited(DSPT_CSV, lambda h, r, t: r[1].__setitem__(1, "@SUM(1+1)*cmd|' /C calc'!A0")).encode(),
        "dspt_bad_status.csv": edited(DSPT_CSV, lambda h, r, t: r[2].__setitem__(2, "25/26 Standards Brilliant")).encode(),
    }
    for name, content in kept.items():
        (HERE / "kept" / name).write_bytes(content)

    good = {
        "cqc_bom.csv": "\ufeff" + cqc_text,
        "cqc_crlf.csv": text(rows(CQC_CSV), "\r\n"),
        "cqc_notice_above_header.csv": "HSCA Active Locations\nNotice: sample\n\n" + cqc_text,
        "cqc_extra_column.csv": edited(CQC_CSV, lambda h, r, t: [row.append("extra") for row in t]),
        "dspt_bom.csv": "\ufeff" + dspt_text,
        "dspt_crlf.csv": text(rows(DSPT_CSV), "\r\n"),
    }
    for name, content in good.items():
        (accepted / name).write_text(content, encoding="utf-8", newline="")
    print(f"Wrote {len(files)} rejected and {len(good)} accepted files to {HERE}")


if __name__ == "__main__":
    main()
