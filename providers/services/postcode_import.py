"""Import a postcode lookup table (ONS Postcode Directory / NSPL, Open Government Licence).

It tells us where a visitor's postcode is, so search can list the nearest
care services. Accepted headings: a postcode column (`Postcode`, `pcds`,
`pcd` or `pcd2`) and coordinates (`lat`/`latitude`, `long`/`longitude`).
Other columns are ignored. The table is replaced as a whole.

Postcodes with no coordinates (NSPL writes 99.999999) and non-standard codes
are skipped and counted; a row with broken coordinates rejects the file.
"""

from __future__ import annotations

from pathlib import Path

from providers.models import ImportRun
from providers.postcodes import normalise_postcode
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
from providers.services.tabular import Columns, FileProblem, Table, iter_rows, normalise_heading

POSTCODE_HEADINGS = ["Postcode", "pcds", "pcd", "pcd2"]
LATITUDE_HEADINGS = ["lat", "latitude"]
LONGITUDE_HEADINGS = ["long", "longitude", "lon"]
NO_LOCATION = 99.0  # NSPL's "no grid reference" latitude is 99.999999


def _find_header(rows):
    for row_number, cells in rows:
        names = {normalise_heading(c) for c in cells}
        has = lambda options: any(normalise_heading(o) in names for o in options)  # noqa: E731
        if has(POSTCODE_HEADINGS) and has(LATITUDE_HEADINGS) and has(LONGITUDE_HEADINGS):
            return Columns([c.strip() for c in cells])
        if row_number >= 5:
            break
    raise FileProblem("We need a postcode column (Postcode or pcds) and coordinates (lat and long).")


def import_postcodes_file(*, path: Path, file_name: str | None = None, dry_run: bool = False,
                          started_by: str = "", progress: ProgressCallback | None = None) -> ImportRun:
    """Check a postcode file, then (unless dry_run) replace the postcode table with it."""
    path = Path(path)
    run = start_run(kind=ImportRun.Kind.POSTCODES, path=path, file_name=file_name or path.name,
                    started_by=started_by, dry_run=dry_run)
    reporter = ProgressReporter(run, progress)
    parsed = ParsedFile()
    return execute_import(
        run=run, parsed=parsed, reporter=reporter, dry_run=dry_run,
        stage=lambda: _stage_file(path, run, parsed, reporter),
        apply=lambda: _apply_staging(run, parsed),
    )


def _stage_file(path: Path, run: ImportRun, parsed: ParsedFile, reporter: ProgressReporter) -> None:
    rows = iter_rows(path)
    columns = _find_header(rows)
    cursor = raw_cursor()
    create_staging_table(cursor, "postcode_staging", [
        ("row_number", "integer"), ("postcode", "text"), ("latitude", "double precision"), ("longitude", "double precision"),
    ])
    with cursor.copy("COPY postcode_staging FROM STDIN") as copy:
        table = Table(headings=columns.headings, header_row=0, rows=rows, preamble=[])
        for row_number, cells in data_rows(table, parsed=parsed, reporter=reporter, check_short_rows=False):
            row = columns.row(cells)
            postcode = normalise_postcode(row.get(*POSTCODE_HEADINGS))
            if postcode is None:
                parsed.skipped["not a standard postcode"] += 1
                continue
            try:
                lat = formats.parse_coordinate(row.get(*LATITUDE_HEADINGS), low=-90, high=100, name="lat")
                lon = formats.parse_coordinate(row.get(*LONGITUDE_HEADINGS), low=-180, high=180, name="long")
            except ValueError as exc:
                parsed.problems.add(row_number, str(exc))
                continue
            if lat is None or lon is None or lat >= NO_LOCATION:
                parsed.skipped["no coordinates"] += 1
                continue
            parsed.kept += 1
            copy.write_row((row_number, postcode, lat, lon))
    report_duplicates(cursor, staging="postcode_staging", key="postcode", label="postcode", parsed=parsed)
    run.rows_read = parsed.rows_read
    if parsed.kept == 0 and not parsed.problems:
        raise FileProblem("The file has no postcodes with coordinates, so nothing was imported.")


def _apply_staging(run: ImportRun, parsed: ParsedFile) -> None:
    """Replace the postcode table with the staged postcodes."""
    cursor = raw_cursor()
    cursor.execute("SELECT count(*) FROM providers_postcode")
    (before,) = cursor.fetchone()
    cursor.execute("DELETE FROM providers_postcode")
    cursor.execute("INSERT INTO providers_postcode (postcode, latitude, longitude) "
                   "SELECT postcode, latitude, longitude FROM postcode_staging")
    run.added = parsed.kept
    run.removed = before
    run.message = f"The postcode table now holds {parsed.kept} postcodes (it held {before})."
