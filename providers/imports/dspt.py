"""Import the DSPT organisation search export.

Accepts the CSV as downloaded (2023 columns, or the 2022 columns with
'Latest Status') and .xlsx/.ods copies of it. Each row is one organisation's
current status. We keep every status we have seen for an organisation, so
earlier years are never lost, and point the organisation at the status of
the newest file.

    run = import_dspt_file(path=Path("DSPT search results 17_10_2023 08_55_43.csv"))   # providers/imports/sources.py
"""

from __future__ import annotations

import functools
import re

import pgtrigger
from django.utils import timezone

from providers.imports import formats
from providers.imports.kinds import Field, Skipped
from providers.imports.problems import clip
from providers.imports.reading import RowProblem, read_fields
from providers.imports.skeleton import ImportJob, ImportRejected
from providers.imports.staging import examples, raw_cursor, settle_after_writing
from providers.imports.tabular import Row
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
    # The row's fingerprint, and whether it is the row we hold (then only ods_code is staged): skeleton._read_rows.
    Field("fingerprint", "bigint"),
    Field("same_as_held", "boolean"),
]


def remembered_rows() -> dict[int, str]:
    """{fingerprint: ODS code} of every organisation as the last file gave it (Source.remembered_rows)."""
    cursor = raw_cursor()
    cursor.execute(f"SELECT row_fingerprint, ods_code FROM {ORGANISATIONS} WHERE row_fingerprint IS NOT NULL")
    return dict(cursor.fetchall())


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
    return _parse_status(text or "", today or timezone.localdate())


# A file of 60,000 rows has a dozen different statuses: each is worked out once (per day).
@functools.lru_cache(maxsize=256)
def _parse_status(text: str, today) -> tuple[str, int | None]:
    cleaned = " ".join(text.split())
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


def _code(row: Row, values: dict) -> str:
    """The organisation's code: the Code column, or (2022 export) a code in brackets after the name."""
    # Names are tidied, so a code in brackets is the very end: most names are passed over without a search.
    in_name = _CODE_IN_NAME.search(values["name"]) if values["name"].rstrip().endswith(")") else None
    if row.columns.has("Code"):
        try:
            code = formats.parse_dspt_code(row.get("Code"))
        except ValueError as exc:
            raise RowProblem(f"Code {exc}") from None
    else:
        code = in_name.group("code") if in_name else ""
    if in_name and in_name.group("code") == code:
        values["name"] = values["name"][: in_name.start()].strip()
    return code


def read_row(row: Row, job: ImportJob) -> dict | Skipped:
    """One export row -> its staging values, or Skipped. Raises RowProblem for a row to set aside."""
    values = read_fields(FIELDS, row)
    values["ods_code"] = _code(row, values)
    if not values["ods_code"]:
        return Skipped("no ODS code (the 2022 export has no Code column and the name has none in brackets)")
    only = job.options.get("only_code")
    if only and values["ods_code"] != only:
        return Skipped("not the organisation being refreshed")
    try:
        values["status"], values["year_start"] = parse_status(values["status_text"], today=job.today)
    except ValueError as exc:
        raise RowProblem(f"Status {exc}") from None
    published_on = values["published_on"]
    if published_on is None and values["status"] not in (dspt_status.NOT_PUBLISHED, dspt_status.OTHER):
        raise RowProblem("Date Of Publication is blank")
    if published_on and published_on > job.today:
        raise RowProblem(f"Date Of Publication {published_on:%d/%m/%Y} is in the future")
    return values


UNRECOGNISED_LABEL = "statuses we do not recognise (kept as published)"


def note_unrecognised_statuses(cursor, job: ImportJob) -> None:
    """The preview lists each status we do not recognise, and how many rows use it."""
    cursor.execute(f"""SELECT status_text, count(*) FROM {job.source.staging} WHERE status = %s
                       GROUP BY status_text ORDER BY count(*) DESC, status_text""", [dspt_status.OTHER])
    notes = [f"{text}: {count} row{'' if count == 1 else 's'}" for text, count in cursor.fetchall()]
    if notes:
        job.run.preview[UNRECOGNISED_LABEL] = notes


ORGANISATIONS = DsptOrganisation._meta.db_table
ASSESSMENTS = DsptAssessment._meta.db_table


def apply(job: ImportJob) -> None:
    """Add new organisations and statuses; point each organisation at its newest status; then rematch.

    Each row of the file is given its organisation's and its record's id first
    (ids we hold, or new ones from their sequences), so a new organisation is
    written once, already pointing at its record, instead of written and then
    updated (foreign keys are checked at commit). An older file (by its data
    date) adds history but never turns the clock back.
    """
    if job.options.get("as_history"):
        return apply_history(job)
    run, as_of = job.run, job.run.data_as_of
    cursor = raw_cursor()
    # Statistics for the staging table, so the joins below hash rather than loop (a loop over the next day's
    # 60,000 rows we hold took minutes).
    cursor.execute("ANALYZE dspt_staging (ods_code, same_as_held, keep)")
    _number_rows(cursor)
    cursor.execute("SELECT count(*) FILTER (WHERE new_organisation), count(*) FILTER (WHERE new_assessment) "
                   "FROM dspt_numbered")
    run.added, new_statuses = cursor.fetchone()
    run.preview["added"] = examples(cursor, "SELECT name || ' (' || ods_code || ')' FROM dspt_numbered "
                                            "WHERE new_organisation ORDER BY row_number")
    cursor.execute(f"""
        INSERT INTO {ORGANISATIONS} (id, ods_code, name, primary_sector, integrated_care_board, current_assessment_id,
                                     data_as_of, updated_at, row_fingerprint)
        SELECT organisation_id, ods_code, name, primary_sector, integrated_care_board, assessment_id, %s, dspt_now(),
               fingerprint
        FROM dspt_numbered WHERE new_organisation""", [as_of])
    cursor.execute(f"""
        INSERT INTO {ASSESSMENTS}
            (id, organisation_id, status, year_start, published_on, status_text, first_seen_at, first_import_id)
        SELECT assessment_id, organisation_id, status, year_start, published_on, status_text, dspt_now(), %s
        FROM dspt_numbered WHERE new_assessment""", [run.pk])
    updated, run.changed = _update_organisations(cursor, as_of=as_of)
    updated += _date_rows_we_hold(cursor, as_of=as_of)
    # A table nothing was written to keeps its statistics and index as they were: nothing to settle.
    if run.added or updated:
        settle_after_writing(cursor, ORGANISATIONS, columns=("ods_code", "name_key", "current_assessment_id"))
    if new_statuses:
        settle_after_writing(cursor, ASSESSMENTS, columns=("organisation_id", "status", "year_start"))
    run.preview["new statuses"] = examples(cursor, """
        SELECT name || ' (' || ods_code || '): ' || status_text FROM dspt_numbered WHERE new_assessment ORDER BY name""")
    cursor.execute(f"SELECT count(*) FROM {ORGANISATIONS} o "
                   "WHERE NOT EXISTS (SELECT 1 FROM dspt_staging s WHERE s.ods_code = o.ods_code AND s.keep)")
    (not_in_file,) = cursor.fetchone()
    run.unchanged = job.parsed.kept - run.added - run.changed
    run.removed = 0  # organisations are never removed; see not_in_file
    run.message = (
        f"{new_statuses} new statuses added to the history. "
        f"{not_in_file} organisations we hold are not in this file; we keep them as they were."
    )
    if job.parsed.same_as_held:
        run.preview["rows as we hold them"] = [f"{job.parsed.same_as_held} rows are the rows we read before: "
                                               "recognised by their fingerprint, only their date moves on"]
    if run.added or run.changed or new_statuses or job.parsed.same_as_held < job.parsed.kept:
        with job.step("matching"):
            rematch_locations()
    # else: every row is one we hold, so no organisation, name or record changed and no match can have.


def _date_rows_we_hold(cursor, *, as_of) -> int:
    """The rows recognised as the ones we hold: only their organisations' date moves on (never back).

    The date is not on the record of changes, so its trigger is passed over (pgtrigger's own switch, set for
    this statement): fired for 60,000 rows, its join of the rows before and after, planned when an earlier
    statement of the import changed none, looped for minutes.
    """
    (model, trigger), = pgtrigger.registered("providers.DsptOrganisation:update_update")
    cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + trigger.get_pgid(model) + "}"])
    cursor.execute(f"""UPDATE {ORGANISATIONS} o SET data_as_of = %(as_of)s FROM dspt_staging s
                       WHERE s.same_as_held AND s.ods_code = o.ods_code
                         AND (o.data_as_of IS NULL OR o.data_as_of < %(as_of)s)""", {"as_of": as_of})
    dated = cursor.rowcount
    cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
    return dated


def apply_history(job: ImportJob) -> None:
    """An older publication, imported as history (import_dspt --history): it adds the records it holds for
    organisations we hold, each with the file's own date, and changes nothing else.

    No organisation is added (a record only from years ago would become a service's result), no name,
    current record or date changes, and no service is matched again: every result a family reads stays
    as it was. A file newer than the data we hold is refused: import it as the current file instead.
    """
    run, cursor = job.run, raw_cursor()
    cursor.execute(f"SELECT max(data_as_of) FROM {ORGANISATIONS}")
    (held_as_of,) = cursor.fetchone()
    if held_as_of and run.data_as_of > held_as_of:
        raise ImportRejected(f"This file ({run.data_as_of:%d %B %Y}) is newer than the DSPT data we hold "
                             f"({held_as_of:%d %B %Y}). Import it as the current file, not as history.")
    _number_rows(cursor)
    cursor.execute("SELECT count(*) FILTER (WHERE NOT new_organisation AND new_assessment), "
                   "count(*) FILTER (WHERE NOT new_organisation AND NOT new_assessment), "
                   "count(*) FILTER (WHERE new_organisation) FROM dspt_numbered")
    run.added, run.unchanged, not_held = cursor.fetchone()
    cursor.execute(f"""
        INSERT INTO {ASSESSMENTS}
            (id, organisation_id, status, year_start, published_on, status_text, first_seen_at, first_import_id)
        SELECT assessment_id, organisation_id, status, year_start, published_on, status_text, dspt_now(), %s
        FROM dspt_numbered WHERE NOT new_organisation AND new_assessment""", [run.pk])
    if run.added:
        settle_after_writing(cursor, ASSESSMENTS, columns=("organisation_id", "status", "year_start"))
    run.changed = run.removed = 0
    run.preview["earlier results added"] = examples(cursor, """
        SELECT name || ' (' || ods_code || '): ' || status_text FROM dspt_numbered
        WHERE NOT new_organisation AND new_assessment ORDER BY name""")
    run.message = (f"Imported as history: {run.added} earlier results added to organisations we hold; "
                   f"{run.unchanged} we had already. {not_held} organisations in the file are not in our data and "
                   "were left out. No current result changed.")


def _number_rows(cursor) -> None:
    """dspt_numbered: each staged row with its organisation's and its record's id, and whether each is new.

    An id we hold for the code (and for the record's status, year and date),
    else a new one from its sequence. One pass that writes each row once:
    adding the ids to the staging table row by row wrote it three times.
    """
    cursor.execute("DROP TABLE IF EXISTS dspt_numbered")
    # The sequences' names, looked up once: asked for in the query, they were looked up for every row (0.3 s).
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id'), pg_get_serial_sequence(%s, 'id')",
                   [ORGANISATIONS, ASSESSMENTS])
    organisation_ids, assessment_ids = cursor.fetchone()
    cursor.execute(f"""
        CREATE TEMPORARY TABLE dspt_numbered ON COMMIT DROP AS
        SELECT s.*,
               COALESCE(o.id, nextval(%(organisation_ids)s::regclass)) AS organisation_id,
               o.id IS NULL AS new_organisation,
               COALESCE(a.id, nextval(%(assessment_ids)s::regclass)) AS assessment_id,
               a.id IS NULL AS new_assessment
        FROM dspt_staging s
        LEFT JOIN {ORGANISATIONS} o ON o.ods_code = s.ods_code
        LEFT JOIN {ASSESSMENTS} a ON a.organisation_id = o.id AND a.status = s.status
              AND a.year_start IS NOT DISTINCT FROM s.year_start AND a.published_on IS NOT DISTINCT FROM s.published_on
        WHERE s.same_as_held IS NOT TRUE  -- a row we hold: nothing of it is new (_date_rows_we_hold)
        """, {"organisation_ids": organisation_ids, "assessment_ids": assessment_ids})
    cursor.execute("ANALYZE dspt_numbered (organisation_id, ods_code)")


def _update_organisations(cursor, *, as_of) -> tuple[int, int]:
    """Organisations we held: names, sectors and the current record follow the newest file.

    Every one in the file notes the file's date, so an older file imported
    later changes none of them. Returns how many rows were written, and how
    many of those changed their details or their current record.
    """
    cursor.execute(f"""
        WITH written AS (
            UPDATE {ORGANISATIONS} o
            SET name = s.name, primary_sector = s.primary_sector, integrated_care_board = s.integrated_care_board,
                current_assessment_id = s.assessment_id, data_as_of = %(as_of)s, row_fingerprint = s.fingerprint,
                updated_at = CASE WHEN s.details_changed THEN dspt_now() ELSE o.updated_at END
            FROM (SELECT s.*, (held.name, held.primary_sector, held.integrated_care_board)
                              IS DISTINCT FROM (s.name, s.primary_sector, s.integrated_care_board) AS details_changed,
                          held.current_assessment_id IS DISTINCT FROM s.assessment_id AS record_changed,
                          held.current_assessment_id IS NOT NULL AS had_record,
                          held.data_as_of IS DISTINCT FROM %(as_of)s
                          OR held.row_fingerprint IS DISTINCT FROM s.fingerprint AS date_changed
                  FROM dspt_numbered s JOIN {ORGANISATIONS} held ON held.id = s.organisation_id
                  WHERE NOT s.new_organisation AND (held.data_as_of IS NULL OR held.data_as_of <= %(as_of)s)) s
            -- A row the file leaves as it is, date and all, is not written again.
            WHERE o.id = s.organisation_id AND (s.details_changed OR s.record_changed OR s.date_changed)
            RETURNING s.details_changed OR (s.record_changed AND s.had_record) AS changed)
        SELECT count(*), count(*) FILTER (WHERE changed) FROM written""", {"as_of": as_of})
    return cursor.fetchone()
