"""Import the NHS ODS care home lists: sites (ecarehomesite) and head offices (ecarehomehq).

They link a care home's site code (the `V…` code CQC shows as Location ODS
Code) to its head office, so a service whose head office published one DSPT
check can be matched to it (providers/register/matching.py, step 2).

Both are CSV files without a header row; dates are YYYYMMDD. Which of the two
a file is, we tell by its number of columns (docs/data-formats.md):

- ecarehomesite, 19 columns: Organisation Code, Name, National Grouping,
  High Level Health Geography, Address Line 1-5, Postcode, Open Date, Close
  Date, Parent Organisation Code, Join Parent Date, Left Parent Date, Contact
  Telephone Number, Amended Record Indicator, Current Care Organisation, Country.
- ecarehomehq, 12 columns: Organisation Code, Name, Address Line 1-5,
  Postcode, Open Date, Close Date, Amended Record Indicator, Country.

Each file is the whole list of its kind: records of that kind that are no
longer in it are removed.

    run = import_ods_file(path=Path("ecarehomesite.csv"))
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from pathlib import Path

from providers.imports import formats
from providers.imports.models import ImportRun
from providers.imports.problems import clip
from providers.imports.skeleton import (
    Field,
    ImportJob,
    ParsedFile,
    ProgressCallback,
    RowProblem,
    create_staging_table,
    data_rows,
    examples,
    raw_cursor,
    read_fields,
    run_import,
    set_aside_duplicates,
    staging_columns,
    staging_row,
)
from providers.imports.tabular import Columns, FileProblem, Table, iter_rows
from providers.register.matching import rematch_locations
from providers.register.models import Location, OdsCareHome

_ADDRESS = [f"Address Line {n}" for n in range(1, 6)]
SITE_HEADINGS = ["Organisation Code", "Name", "National Grouping", "High Level Health Geography", *_ADDRESS,
                 "Postcode", "Open Date", "Close Date", "Parent Organisation Code", "Join Parent Date",
                 "Left Parent Date", "Contact Telephone Number", "Amended Record Indicator",
                 "Current Care Organisation", "Country"]
HEAD_OFFICE_HEADINGS = ["Organisation Code", "Name", *_ADDRESS, "Postcode", "Open Date", "Close Date",
                        "Amended Record Indicator", "Country"]


def parse_ods_date(text: str) -> dt.date | None:
    """ODS writes dates as YYYYMMDD ('20190401'); empty is None."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise ValueError(f"'{clip(text)}' is not a date in the form YYYYMMDD") from None


def _required_code(text: str) -> str:
    code = formats.parse_ods_code(text)
    if not code:
        raise ValueError("is blank")
    return code


FIELDS = [
    Field("code", headings=("Organisation Code",), validate=_required_code),
    Field("name", headings=("Name",), validate=formats.required_text()),
    Field("postcode", headings=("Postcode",), validate=formats.text(10)),
    Field("opened_on", "date", headings=("Open Date",), validate=parse_ods_date),
    Field("closed_on", "date", headings=("Close Date",), validate=parse_ods_date),
    Field("parent_code", headings=("Parent Organisation Code",), validate=formats.parse_ods_code),
    Field("left_parent_on", "date", headings=("Left Parent Date",), validate=parse_ods_date),
]


@dataclass
class OdsParsedFile(ParsedFile):
    kind: str = ""  # OdsCareHome.Kind of the file


def import_ods_file(*, path: Path, file_name: str | None = None, dry_run: bool = False, started_by: str = "",
                    progress: ProgressCallback | None = None, as_of=None,
                    max_bad_share: float | None = None, queued: ImportRun | None = None) -> ImportRun:
    """Check an ODS care home site or head office file, then (unless dry_run) replace that list with it."""
    return run_import(kind=ImportRun.Kind.ODS_CARE_HOMES, path=path, file_name=file_name, dry_run=dry_run,
                      started_by=started_by, progress=progress, as_of=as_of, max_bad_share=max_bad_share,
                      queued=queued, parsed=OdsParsedFile(), stage=_stage_file, apply=_apply_staging)


def _kind_of(first_row: list[str]) -> tuple[str, list[str]]:
    """Which list a file is, from its first row: (OdsCareHome.Kind, headings)."""
    count = len(first_row)
    code = first_row[0].strip().upper() if first_row else ""
    if not code or not code.isalnum():
        raise FileProblem("This does not look like an NHS ODS care home file: its first cell should be an "
                          f"organisation code, not '{clip(code)}'. The files have no header row.")
    if count >= len(SITE_HEADINGS) - 2:
        return OdsCareHome.Kind.SITE, SITE_HEADINGS
    if len(HEAD_OFFICE_HEADINGS) - 2 <= count < len(SITE_HEADINGS) - 2:
        return OdsCareHome.Kind.HEAD_OFFICE, HEAD_OFFICE_HEADINGS
    raise FileProblem(f"This does not look like an NHS ODS care home file: its rows have {count} columns. "
                      f"The site file (ecarehomesite) has {len(SITE_HEADINGS)} and the head office file "
                      f"(ecarehomehq) {len(HEAD_OFFICE_HEADINGS)}.")


def _stage_file(job: ImportJob) -> None:
    parsed: OdsParsedFile = job.parsed
    job.set_data_date()
    rows = iter_rows(job.path)
    first = next((item for item in rows if any(item[1])), None)
    if first is None:
        raise FileProblem("The file has no rows.")
    parsed.kind, headings = _kind_of(first[1])
    job.run.preview["file"] = [f"NHS ODS care home {OdsCareHome.Kind(parsed.kind).label.lower()} list"]
    columns = Columns(headings)
    table = Table(headings=headings[:len(first[1])], header_row=0, rows=itertools.chain([first], rows), preamble=[])
    cursor = raw_cursor()
    create_staging_table(cursor, "ods_staging", staging_columns(FIELDS))
    with cursor.copy("COPY ods_staging FROM STDIN") as copy:
        for row_number, cells in data_rows(table, parsed=parsed, reporter=job.reporter, check_short_rows=True):
            try:
                values = read_fields(FIELDS, columns.row(cells))
            except RowProblem as exc:
                parsed.problems.add(row_number, str(exc))
                continue
            parsed.kept += 1
            copy.write_row(staging_row(FIELDS, row_number, values))
    parsed.kept -= set_aside_duplicates(cursor, staging="ods_staging", key="code", label="Organisation Code",
                                        parsed=parsed)
    job.run.rows_read = parsed.rows_read


ODS_CARE_HOMES = OdsCareHome._meta.db_table
LOCATIONS = Location._meta.db_table
_COLUMNS = ["name", "postcode", "opened_on", "closed_on", "parent_code", "left_parent_on"]


def _apply_staging(job: ImportJob) -> None:
    """Replace the list of this kind with the staged rows; then re-run the matching ladder."""
    run, kind = job.run, job.parsed.kind
    cursor = raw_cursor()
    run.preview["added"] = examples(cursor, f"""
        SELECT s.name || ' (' || s.code || ')' FROM ods_staging s
        WHERE NOT EXISTS (SELECT 1 FROM {ODS_CARE_HOMES} o WHERE o.code = s.code) ORDER BY s.row_number""")
    cursor.execute(f"DELETE FROM {ODS_CARE_HOMES} o WHERE o.kind = %s AND NOT EXISTS "
                   "(SELECT 1 FROM ods_staging s WHERE s.code = o.code)", [kind])
    run.removed = cursor.rowcount
    cursor.execute(f"SELECT count(*) FROM ods_staging s JOIN {ODS_CARE_HOMES} o ON o.code = s.code")
    (existing,) = cursor.fetchone()
    staged = ", ".join(f"COALESCE(s.{c}, '')" if c in ("parent_code", "postcode") else f"s.{c}" for c in _COLUMNS)
    cursor.execute(f"""
        INSERT INTO {ODS_CARE_HOMES} AS o (code, kind, {', '.join(_COLUMNS)}, updated_at)
        SELECT s.code, %s, {staged}, now() FROM ods_staging s
        ON CONFLICT (code) DO UPDATE SET kind = EXCLUDED.kind,
            {', '.join(f"{c} = EXCLUDED.{c}" for c in _COLUMNS)}, updated_at = now()
        WHERE (o.kind, {', '.join(f"o.{c}" for c in _COLUMNS)})
              IS DISTINCT FROM (EXCLUDED.kind, {', '.join(f"EXCLUDED.{c}" for c in _COLUMNS)})""", [kind])
    written = cursor.rowcount
    run.added = job.parsed.kept - existing
    run.changed = written - run.added
    run.unchanged = existing - run.changed
    rematch_locations()
    cursor.execute(f"SELECT count(*) FROM {LOCATIONS} WHERE dspt_match = 'head_office' AND deregistered_on IS NULL")
    (through_head_office,) = cursor.fetchone()
    label = OdsCareHome.Kind(kind).label.lower()
    run.message = (f"The {label} list now holds {job.parsed.kept} records. "
                   f"{through_head_office} care services are now matched to a DSPT check through their head office.")
