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
from pathlib import Path

from django.utils import timezone

from providers import dspt_status
from providers.models import ImportRun
from providers.services import formats
from providers.services.importing import (
    ParsedFile,
    ProgressCallback,
    ProgressReporter,
    create_staging_table,
    data_rows,
    execute_import,
    raw_cursor,
    report_duplicates,
    start_run,
)
from providers.services.matching import rematch_locations
from providers.services.tabular import (
    Columns, FileProblem, Row, find_table, iter_rows, normalise_heading, sniff_kind,
)

PREVIEW_EXAMPLES = 10

_STATUS_WORDS = {
    "standards met": dspt_status.MET,
    "standards exceeded": dspt_status.EXCEEDED,
    "approaching standards": dspt_status.APPROACHING,
    "standards not met": dspt_status.NOT_MET,
}
_YEAR_AND_STATUS = re.compile(r"^(?P<year>\d{2}/\d{2}|\d{4}\s*[-/]\s*\d{2,4})\s+(?P<words>[a-z ]+?)\.?$", re.IGNORECASE)
_CODE_IN_NAME = re.compile(r"\s*\((?P<code>[A-Za-z0-9]{3,10})\)\s*$")

STAGING_COLUMNS = [
    ("row_number", "integer"),
    ("ods_code", "text"),
    ("name", "text"),
    ("status", "text"),
    ("year_start", "integer"),
    ("published_on", "date"),
    ("status_text", "text"),
    ("primary_sector", "text"),
    ("integrated_care_board", "text"),
]
STAGING_NAMES = [name for name, _ in STAGING_COLUMNS]


def parse_status(text: str, *, today=None) -> tuple[str, int | None]:
    """'22/23 Standards Met' -> ('met', 2022). 'Not Published' -> ('not_published', None).

    Accepts '2024-25' for '24/25', any case and spacing, and a trailing full stop.
    Raises ValueError for anything else.
    """
    cleaned = " ".join((text or "").split())
    if not cleaned:
        raise ValueError("Status is blank")
    if cleaned.rstrip(".").casefold() == "not published":
        return dspt_status.NOT_PUBLISHED, None
    match = _YEAR_AND_STATUS.match(cleaned)
    status = _STATUS_WORDS.get(match.group("words").casefold().strip()) if match else None
    if not match or status is None:
        raise ValueError(f"Status '{text}' is not one we know (like '24/25 Standards Met' or 'Not Published')")
    first, second = re.split(r"\s*[-/]\s*", match.group("year"))
    start = int(first) + (2000 if len(first) == 2 else 0)
    end = int(second)
    if end % 100 != (start + 1) % 100:
        raise ValueError(f"Status '{text}' has a year that does not run on ({match.group('year')})")
    if not 2017 <= start <= (today or timezone.localdate()).year + 1:
        raise ValueError(f"Status '{text}' has a year we do not expect ({dspt_status.year_label(start)})")
    return status, start


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


def parse_dspt_row(row: Row, has_code_column: bool, *, today) -> tuple[dict | None, str]:
    """One export row -> (staging values, skip reason). Raises ValueError for a bad row."""
    name = formats.tidy_text(row.get("Organisation Name"))
    if not name:
        raise ValueError("Organisation Name is blank")
    in_name = _CODE_IN_NAME.search(name)
    code = formats.parse_ods_code(row.get("Code")) if has_code_column else ""
    if not code and in_name:
        code = in_name.group("code").upper()
    if not code:
        if has_code_column:
            raise ValueError("Code is blank")
        return None, "no ODS code (the 2022 export has no Code column and the name has none in brackets)"
    if in_name and in_name.group("code").upper() == code:
        name = name[: in_name.start()].strip()
    status_text = " ".join(row.get("Status", "Latest Status").split())
    status, year_start = parse_status(status_text, today=today)
    published_on = formats.parse_date(row.get("Date Of Publication"))
    if published_on is None and status != dspt_status.NOT_PUBLISHED:
        raise ValueError("Date Of Publication is blank")
    if published_on and published_on > today:
        raise ValueError(f"Date Of Publication {published_on:%d/%m/%Y} is in the future")
    return {
        "ods_code": code,
        "name": name,
        "status": status,
        "year_start": year_start,
        "published_on": published_on,
        "status_text": status_text[:100],
        "primary_sector": formats.tidy_text(row.get("Primary Sector"), limit=100),
        "integrated_care_board": formats.tidy_text(
            row.get("Integrated Care Board (where available, from ODS)", "Commissioner (From ODS)")
        ),
    }, ""


def import_dspt_file(
    *,
    path: Path,
    file_name: str | None = None,
    dry_run: bool = False,
    started_by: str = "",
    progress: ProgressCallback | None = None,
) -> ImportRun:
    """Check a DSPT export, then (unless dry_run) apply it in one transaction."""
    path = Path(path)
    file_name = file_name or path.name
    run = start_run(kind=ImportRun.Kind.DSPT, path=path, file_name=file_name, started_by=started_by, dry_run=dry_run)
    run.data_as_of = formats.date_in_file_name(file_name) or timezone.localdate()
    reporter = ProgressReporter(run, progress)
    parsed = ParsedFile()
    return execute_import(
        run=run, parsed=parsed, reporter=reporter, dry_run=dry_run,
        stage=lambda: _stage_file(path, run, parsed, reporter),
        apply=lambda: _apply_staging(run, parsed),
    )


def _stage_file(path: Path, run: ImportRun, parsed: ParsedFile, reporter: ProgressReporter) -> None:
    table, has_code_column = open_dspt_table(path)
    columns = Columns(table.headings)
    check_short_rows = sniff_kind(path) == "csv"
    today = timezone.localdate()
    cursor = raw_cursor()
    create_staging_table(cursor, "dspt_staging", STAGING_COLUMNS)
    with cursor.copy(f"COPY dspt_staging ({', '.join(STAGING_NAMES)}) FROM STDIN") as copy:
        for row_number, cells in data_rows(table, parsed=parsed, reporter=reporter, check_short_rows=check_short_rows):
            try:
                values, skip = parse_dspt_row(columns.row(cells), has_code_column, today=today)
            except ValueError as exc:
                parsed.problems.add(row_number, str(exc))
                continue
            if values is None:
                parsed.skipped[skip] += 1
                continue
            parsed.kept += 1
            values["row_number"] = row_number
            copy.write_row(tuple(values[name] for name in STAGING_NAMES))
    report_duplicates(cursor, staging="dspt_staging", key="ods_code", label="Code", parsed=parsed)
    if parsed.rows_read == 0:
        raise FileProblem("The file has a header row but no data rows.")
    if parsed.kept == 0 and not parsed.problems:
        raise FileProblem("No row in the file has an ODS code, so nothing can be matched. Nothing was imported.")
    run.rows_read = parsed.rows_read


def _apply_staging(run: ImportRun, parsed: ParsedFile) -> None:
    """Add new organisations and statuses; point each organisation at its newest status."""
    cursor = raw_cursor()
    cursor.execute("CREATE UNIQUE INDEX ON dspt_staging (ods_code)")
    cursor.execute("ANALYZE dspt_staging")
    as_of = run.data_as_of

    cursor.execute(
        """
        SELECT s.name || ' (' || s.ods_code || ')' FROM dspt_staging s
        WHERE NOT EXISTS (SELECT 1 FROM providers_dsptorganisation o WHERE o.ods_code = s.ods_code)
        ORDER BY s.row_number LIMIT %s
        """,
        [PREVIEW_EXAMPLES],
    )
    preview = {"added": [name for (name,) in cursor.fetchall()]}
    cursor.execute(
        """
        INSERT INTO providers_dsptorganisation (ods_code, name, primary_sector, integrated_care_board, updated_at)
        SELECT ods_code, name, primary_sector, integrated_care_board, now() FROM dspt_staging
        ON CONFLICT (ods_code) DO NOTHING
        """
    )
    added = cursor.rowcount

    # Names and sectors follow the newest file only.
    cursor.execute(
        """
        UPDATE providers_dsptorganisation o
        SET name = s.name, primary_sector = s.primary_sector, integrated_care_board = s.integrated_care_board,
            updated_at = now()
        FROM dspt_staging s
        WHERE o.ods_code = s.ods_code AND (o.data_as_of IS NULL OR o.data_as_of <= %s)
          AND (o.name, o.primary_sector, o.integrated_care_board)
              IS DISTINCT FROM (s.name, s.primary_sector, s.integrated_care_board)
        RETURNING o.id
        """,
        [as_of],
    )
    changed_ids = {row[0] for row in cursor.fetchall()}

    # History: every (status, year, date) we have not seen before.
    cursor.execute(
        """
        INSERT INTO providers_dsptassessment
            (organisation_id, status, year_start, published_on, status_text, first_seen_at, first_import_id)
        SELECT o.id, s.status, s.year_start, s.published_on, s.status_text, now(), %s
        FROM dspt_staging s JOIN providers_dsptorganisation o ON o.ods_code = s.ods_code
        ON CONFLICT ON CONSTRAINT dspt_assessment_unique_record DO NOTHING
        """,
        [run.pk],
    )
    new_statuses = cursor.rowcount

    # The current status is the one in the newest file we have imported.
    # An older file (by the date in its name) adds history but never turns
    # the clock back.
    matched = """
        FROM dspt_staging s
        JOIN providers_dsptorganisation o2 ON o2.ods_code = s.ods_code
        JOIN providers_dsptassessment a ON a.organisation_id = o2.id
             AND a.status = s.status
             AND a.year_start IS NOT DISTINCT FROM s.year_start
             AND a.published_on IS NOT DISTINCT FROM s.published_on
    """
    cursor.execute(
        f"""
        SELECT o2.id {matched}
        WHERE (o2.data_as_of IS NULL OR o2.data_as_of <= %s)
          AND o2.current_assessment_id IS NOT NULL AND o2.current_assessment_id <> a.id
        """,
        [as_of],
    )
    changed_ids |= {row[0] for row in cursor.fetchall()}
    cursor.execute(
        f"""
        UPDATE providers_dsptorganisation o SET current_assessment_id = a.id, data_as_of = %s
        {matched}
        WHERE o.id = o2.id AND (o.data_as_of IS NULL OR o.data_as_of <= %s)
        """,
        [as_of, as_of],
    )

    cursor.execute(
        """
        SELECT o.name || ' (' || o.ods_code || '): ' || a.status_text
        FROM providers_dsptassessment a JOIN providers_dsptorganisation o ON o.id = a.organisation_id
        WHERE a.first_import_id = %s ORDER BY o.name LIMIT %s
        """,
        [run.pk, PREVIEW_EXAMPLES],
    )
    preview["new statuses"] = [text for (text,) in cursor.fetchall()]
    cursor.execute(
        "SELECT count(*) FROM providers_dsptorganisation o "
        "WHERE NOT EXISTS (SELECT 1 FROM dspt_staging s WHERE s.ods_code = o.ods_code)"
    )
    (not_in_file,) = cursor.fetchone()

    run.added = added
    run.changed = len(changed_ids)
    run.unchanged = parsed.kept - added - run.changed
    run.removed = 0  # organisations are never removed; see not_in_file
    run.preview = preview
    run.message = (
        f"{new_statuses} new statuses added to the history. "
        f"{not_in_file} organisations we hold are not in this file; we keep them as they were."
    )
    rematch_locations()
