"""Import the DSPT organisation search export.

Accepts the CSV as downloaded (2023 columns, or the 2022 columns with
'Latest Status') and .xlsx/.ods copies of it. Each row is one organisation's
current status. We keep every status we have seen for an organisation, so
earlier years are never lost, and point the organisation at the status of
the newest file.

    run = import_dspt_file(path=Path("DSPT search results 17_10_2023 08_55_43.csv"))
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

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
from providers.imports.tabular import (
    Columns,
    FileProblem,
    Row,
    find_table,
    iter_rows,
    normalise_heading,
    sniff_kind,
)
from providers.register.matching import rematch_locations
from providers.register.models import DsptAssessment, DsptOrganisation
from providers.results import dspt_status

_STATUS_WORDS = {
    "standards met": dspt_status.MET,
    "standards exceeded": dspt_status.EXCEEDED,
    "approaching standards": dspt_status.APPROACHING,
    "standards not met": dspt_status.NOT_MET,
}
_YEAR_AND_STATUS = re.compile(r"^(?P<year>\d{2}/\d{2}|\d{4}\s*[-/]\s*\d{2,4})\s+(?P<words>[a-z ]+?)\.?$", re.IGNORECASE)
# Any DSPT year written in a status we do not recognise: '18/19 Entry Level', 'Standards Met (19-20)'.
_ANY_YEAR = re.compile(r"(?<!\d)(\d{2}|\d{4})\s*[-/]\s*(\d{2}|\d{4})(?!\d)")
# A bracketed suffix is a code only if it looks like one: capitals and digits
# with at least one digit ('(R0B)', '(00L)'), or a V and four capitals for a
# care site ('(VLLWV)'); never '(CLOSED)', '(Hexham)' or '(NHSmail)'.
_CODE_IN_NAME = re.compile(r"\s*\((?P<code>(?=[A-Z0-9]*\d)[A-Z0-9]{3,6}|V[A-Z]{4})\)\s*$")


def _status_text(value: str) -> str:
    cleaned = " ".join((value or "").split())
    if not cleaned:
        raise ValueError("is blank")
    return cleaned[:100]


# The export's columns, read and checked the same way for every row. ods_code,
# status and year_start are worked out from these (see parse_dspt_row).
FIELDS = [
    Field("ods_code"),
    Field("name", headings=("Organisation Name",), validate=formats.required_text()),
    Field("status_text", headings=("Status", "Latest Status"), validate=_status_text),
    Field("status"),
    Field("year_start", "integer"),
    Field("published_on", "date", headings=("Date Of Publication",), validate=formats.parse_date),
    Field("primary_sector", headings=("Primary Sector",), validate=formats.text(100)),
    Field("integrated_care_board", validate=formats.text(),
          headings=("Integrated Care Board (where available, from ODS)", "Commissioner (From ODS)")),
]


@dataclass
class DsptParsedFile(ParsedFile):
    has_code_column: bool = True
    unrecognised_statuses: Counter = field(default_factory=Counter)


def _year_start(first: str, second: str, *, today) -> int | None:
    start = int(first) + (2000 if len(first) == 2 else 0)
    if int(second) % 100 != (start + 1) % 100 or not 2017 <= start <= today.year + 1:
        return None
    return start


def parse_status(text: str, *, today=None) -> tuple[str, int | None]:
    """'22/23 Standards Met' -> ('met', 2022). 'Not Published' -> ('not_published', None).

    Accepts '2024-25' for '24/25', any case and spacing, and a trailing full
    stop. A status we do not recognise ('18/19 Entry Level', 'Standards Met
    (19-20)') is kept as OTHER, with its year when it gives one. Raises
    ValueError only for a known status with an impossible year.
    """
    today = today or timezone.localdate()
    cleaned = " ".join((text or "").split())
    if cleaned.rstrip(".").casefold() == "not published":
        return dspt_status.NOT_PUBLISHED, None
    match = _YEAR_AND_STATUS.match(cleaned)
    status = _STATUS_WORDS.get(match.group("words").casefold().strip()) if match else None
    if status is None:
        year = _ANY_YEAR.search(cleaned)
        return dspt_status.OTHER, (_year_start(*year.groups(), today=today) if year else None)
    year_start = _year_start(*re.split(r"\s*[-/]\s*", match.group("year")), today=today)
    if year_start is None:
        raise ValueError(f"'{clip(text)}' has a year that does not run on or that we do not expect ({match.group('year')})")
    return status, year_start


def open_dspt_table(path: Path):
    """Find the header row; say which export this is (2023 with 'Code', or 2022)."""
    rows = iter_rows(path)
    table = find_table(
        rows, required=["Organisation Name", "Date Of Publication"],
        not_found_message="This does not look like a DSPT export. We need the columns "
                          "'Organisation Name', 'Status' (or 'Latest Status') and 'Date Of Publication'.",
    )
    names = {normalise_heading(h) for h in table.headings}
    if not names & {"status", "latest status"}:
        raise FileProblem(f"Row {table.header_row}: the 'Status' column is missing (the 2022 export calls it 'Latest Status').")
    return table, "code" in names


def _code(row: Row, values: dict, has_code_column: bool) -> str:
    """The organisation's code: the Code column, or (2022 export) a code in brackets after the name."""
    in_name = _CODE_IN_NAME.search(values["name"])
    if has_code_column:
        try:
            code = formats.parse_dspt_code(row.get("Code"))
        except ValueError as exc:
            raise RowProblem(f"Code {exc}") from None
    else:
        code = in_name.group("code") if in_name else ""
    if in_name and in_name.group("code") == code:
        values["name"] = values["name"][: in_name.start()].strip()
    return code


def parse_dspt_row(row: Row, parsed: DsptParsedFile, *, today) -> tuple[dict | None, str]:
    """One export row -> (staging values, skip reason). Raises RowProblem for a row to set aside."""
    values = read_fields(FIELDS, row)
    values["ods_code"] = _code(row, values, parsed.has_code_column)
    if not values["ods_code"]:
        return None, "no ODS code (the 2022 export has no Code column and the name has none in brackets)"
    try:
        values["status"], values["year_start"] = parse_status(values["status_text"], today=today)
    except ValueError as exc:
        raise RowProblem(f"Status {exc}") from None
    if values["status"] == dspt_status.OTHER:
        parsed.unrecognised_statuses[values["status_text"]] += 1
    published_on = values["published_on"]
    if published_on is None and values["status"] not in (dspt_status.NOT_PUBLISHED, dspt_status.OTHER):
        raise RowProblem("Date Of Publication is blank")
    if published_on and published_on > today:
        raise RowProblem(f"Date Of Publication {published_on:%d/%m/%Y} is in the future")
    return values, ""


def import_dspt_file(*, path: Path, file_name: str | None = None, dry_run: bool = False, started_by: str = "",
                     progress: ProgressCallback | None = None, as_of=None, max_bad_share: float | None = None,
                     queued: ImportRun | None = None) -> ImportRun:
    """Check a DSPT export, then (unless dry_run) apply it in one transaction."""
    return run_import(kind=ImportRun.Kind.DSPT, path=path, file_name=file_name, dry_run=dry_run,
                      started_by=started_by, progress=progress, as_of=as_of, max_bad_share=max_bad_share,
                      queued=queued, parsed=DsptParsedFile(), stage=_stage_file, apply=_apply_staging)


def _stage_file(job: ImportJob) -> None:
    parsed: DsptParsedFile = job.parsed
    job.set_data_date()
    table, parsed.has_code_column = open_dspt_table(job.path)
    columns = Columns(table.headings)
    today = timezone.localdate()
    cursor = raw_cursor()
    create_staging_table(cursor, "dspt_staging", staging_columns(FIELDS))
    rows = data_rows(table, parsed=parsed, reporter=job.reporter, check_short_rows=sniff_kind(job.path) == "csv")
    with cursor.copy("COPY dspt_staging FROM STDIN") as copy:
        for row_number, cells in rows:
            try:
                values, skip = parse_dspt_row(columns.row(cells), parsed, today=today)
            except RowProblem as exc:
                parsed.problems.add(row_number, str(exc))
                continue
            if values is None:
                parsed.skipped[skip] += 1
                continue
            parsed.kept += 1
            copy.write_row(staging_row(FIELDS, row_number, values))
    parsed.kept -= set_aside_duplicates(cursor, staging="dspt_staging", key="ods_code", label="Code", parsed=parsed)
    if parsed.rows_read == 0:
        raise FileProblem("The file has a header row but no data rows.")
    if parsed.kept == 0 and not parsed.problems:
        raise FileProblem("No row in the file has an ODS code, so nothing can be matched. Nothing was imported.")
    job.run.rows_read = parsed.rows_read
    if parsed.unrecognised_statuses:
        job.run.preview["statuses we do not recognise (kept as published)"] = [
            f"{text}: {count} row{'' if count == 1 else 's'}" for text, count in parsed.unrecognised_statuses.most_common()
        ]


ORGANISATIONS = DsptOrganisation._meta.db_table
ASSESSMENTS = DsptAssessment._meta.db_table


def _apply_staging(job: ImportJob) -> None:
    """Add new organisations and statuses; point each organisation at its newest status."""
    run = job.run
    cursor = raw_cursor()
    cursor.execute("CREATE UNIQUE INDEX ON dspt_staging (ods_code)")
    cursor.execute("ANALYZE dspt_staging")
    run.preview["added"] = examples(cursor, f"""
        SELECT s.name || ' (' || s.ods_code || ')' FROM dspt_staging s
        WHERE NOT EXISTS (SELECT 1 FROM {ORGANISATIONS} o WHERE o.ods_code = s.ods_code)
        ORDER BY s.row_number""")
    run.added = _add_organisations(cursor)
    changed_ids = _update_organisations(cursor, as_of=run.data_as_of)
    new_statuses = _add_history(cursor, run_id=run.pk)
    changed_ids |= _point_at_newest_status(cursor, as_of=run.data_as_of)
    run.preview["new statuses"] = examples(cursor, f"""
        SELECT o.name || ' (' || o.ods_code || '): ' || a.status_text
        FROM {ASSESSMENTS} a JOIN {ORGANISATIONS} o ON o.id = a.organisation_id
        WHERE a.first_import_id = {int(run.pk)} ORDER BY o.name""")
    cursor.execute(f"SELECT count(*) FROM {ORGANISATIONS} o "
                   "WHERE NOT EXISTS (SELECT 1 FROM dspt_staging s WHERE s.ods_code = o.ods_code)")
    (not_in_file,) = cursor.fetchone()
    run.changed = len(changed_ids)
    run.unchanged = job.parsed.kept - run.added - run.changed
    run.removed = 0  # organisations are never removed; see not_in_file
    run.message = (
        f"{new_statuses} new statuses added to the history. "
        f"{not_in_file} organisations we hold are not in this file; we keep them as they were."
    )
    rematch_locations()


def _add_organisations(cursor) -> int:
    cursor.execute(f"""
        INSERT INTO {ORGANISATIONS} (ods_code, name, primary_sector, integrated_care_board, updated_at)
        SELECT ods_code, name, primary_sector, integrated_care_board, now() FROM dspt_staging
        ON CONFLICT (ods_code) DO NOTHING""")
    return cursor.rowcount


def _update_organisations(cursor, *, as_of) -> set[int]:
    """Names and sectors follow the newest file only. Returns the ids changed."""
    cursor.execute(f"""
        UPDATE {ORGANISATIONS} o
        SET name = s.name, primary_sector = s.primary_sector, integrated_care_board = s.integrated_care_board,
            updated_at = now()
        FROM dspt_staging s
        WHERE o.ods_code = s.ods_code AND (o.data_as_of IS NULL OR o.data_as_of <= %s)
          AND (o.name, o.primary_sector, o.integrated_care_board)
              IS DISTINCT FROM (s.name, s.primary_sector, s.integrated_care_board)
        RETURNING o.id""", [as_of])
    return {row[0] for row in cursor.fetchall()}


def _add_history(cursor, *, run_id: int) -> int:
    """Every (status, year, date) we have not seen before joins the history."""
    cursor.execute(f"""
        INSERT INTO {ASSESSMENTS}
            (organisation_id, status, year_start, published_on, status_text, first_seen_at, first_import_id)
        SELECT o.id, s.status, s.year_start, s.published_on, s.status_text, now(), %s
        FROM dspt_staging s JOIN {ORGANISATIONS} o ON o.ods_code = s.ods_code
        ON CONFLICT ON CONSTRAINT dspt_assessment_unique_record DO NOTHING""", [run_id])
    return cursor.rowcount


def _point_at_newest_status(cursor, *, as_of) -> set[int]:
    """The current status is the one in the newest file imported.

    An older file (by its data date) adds history but never turns the clock
    back. Returns the ids of organisations whose current status changed.
    """
    # Fresh statistics after the inserts above, so the planner joins by hash
    # rather than looping over tens of thousands of rows for each row.
    cursor.execute(f"ANALYZE {ORGANISATIONS}")
    cursor.execute(f"ANALYZE {ASSESSMENTS}")
    cursor.execute("DROP TABLE IF EXISTS dspt_newest")
    cursor.execute(f"""
        CREATE TEMPORARY TABLE dspt_newest ON COMMIT DROP AS
        SELECT o.id AS organisation_id, a.id AS assessment_id, o.current_assessment_id AS before_id
        FROM dspt_staging s
        JOIN {ORGANISATIONS} o ON o.ods_code = s.ods_code
        JOIN {ASSESSMENTS} a ON a.organisation_id = o.id
             AND a.status = s.status
             AND a.year_start IS NOT DISTINCT FROM s.year_start
             AND a.published_on IS NOT DISTINCT FROM s.published_on
        WHERE o.data_as_of IS NULL OR o.data_as_of <= %s""", [as_of])
    cursor.execute("SELECT organisation_id FROM dspt_newest WHERE before_id IS NOT NULL AND before_id <> assessment_id")
    changed = {row[0] for row in cursor.fetchall()}
    cursor.execute(f"""
        UPDATE {ORGANISATIONS} o SET current_assessment_id = n.assessment_id, data_as_of = %s
        FROM dspt_newest n WHERE o.id = n.organisation_id""", [as_of])
    return changed
