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

    run = import_ods_file(path=Path("ecarehomesite.csv"))   # providers/imports/sources.py
"""

from __future__ import annotations

import datetime as dt
import itertools

from providers.imports import formats
from providers.imports.kinds import Field, Format, Source
from providers.imports.problems import FileProblem, clip
from providers.imports.reading import read_fields
from providers.imports.skeleton import ImportJob
from providers.imports.staging import examples, raw_cursor
from providers.imports.tabular import Row, Table
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


def read_row(row: Row, job: ImportJob) -> dict:
    """One site or head office -> its staging values. Raises RowProblem."""
    return read_fields(FIELDS, row)


def find_list(source: Source, rows) -> tuple[Format, Table]:
    """Which list a file is, from the number of columns of its first row (the files have no header row)."""
    first = next((item for item in rows if any(item[1])), None)
    if first is None:
        raise FileProblem("The file has no rows.")
    count = len(first[1])
    code = first[1][0].strip().upper()
    if not code or not code.isalnum():
        raise FileProblem("This does not look like an NHS ODS care home file: its first cell should be an "
                          f"organisation code, not '{clip(code)}'. The files have no header row.")
    # The site list first: it has more columns. Either may come with its last two left off.
    fmt = next((fmt for fmt in source.formats if count >= len(fmt.headings) - 2), None)
    if fmt is None:
        raise FileProblem(f"This does not look like an NHS ODS care home file: its rows have {count} columns. "
                          f"The site file (ecarehomesite) has {len(SITE_HEADINGS)} and the head office file "
                          f"(ecarehomehq) {len(HEAD_OFFICE_HEADINGS)}.")
    headings = list(fmt.headings[:count])
    return fmt, Table(headings=headings, header_row=0, rows=itertools.chain([first], rows), preamble=[])


def kind_of_list(job: ImportJob) -> str:
    """The OdsCareHome.Kind of the list being imported."""
    return OdsCareHome.Kind.SITE if job.format.headings == tuple(SITE_HEADINGS) else OdsCareHome.Kind.HEAD_OFFICE


ODS_CARE_HOMES = OdsCareHome._meta.db_table
LOCATIONS = Location._meta.db_table
_COLUMNS = ["name", "postcode", "opened_on", "closed_on", "parent_code", "left_parent_on"]


def apply(job: ImportJob) -> None:
    """Replace the list of this kind with the staged rows; then re-run the matching ladder."""
    run, kind = job.run, kind_of_list(job)
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
        SELECT s.code, %s, {staged}, dspt_now() FROM ods_staging s
        ON CONFLICT (code) DO UPDATE SET kind = EXCLUDED.kind,
            {', '.join(f"{c} = EXCLUDED.{c}" for c in _COLUMNS)}, updated_at = dspt_now()
        WHERE (o.kind, {', '.join(f"o.{c}" for c in _COLUMNS)})
              IS DISTINCT FROM (EXCLUDED.kind, {', '.join(f"EXCLUDED.{c}" for c in _COLUMNS)})""", [kind])
    written = cursor.rowcount
    run.added = job.parsed.kept - existing
    run.changed = written - run.added
    run.unchanged = existing - run.changed
    with job.step("matching"):
        rematch_locations()
    cursor.execute(f"SELECT count(*) FROM {LOCATIONS} WHERE dspt_match = 'head_office' AND deregistered_on IS NULL")
    (through_head_office,) = cursor.fetchone()
    label = OdsCareHome.Kind(kind).label.lower()
    run.message = (f"The {label} list now holds {job.parsed.kept} records. "
                   f"{through_head_office} care services are now matched to a DSPT check through their head office.")
