"""The staging SQL every import shares: a temporary table the rows are COPYed into, duplicates set aside by
the database, and what to do after writing many rows (statistics, GIN pending lists)."""

from __future__ import annotations

import functools
import logging

import psycopg
from django.db import connection, transaction

from providers.imports.reading import ParsedFile

# How many examples of what an import adds, changes or removes the preview lists.
PREVIEW_EXAMPLES = 10
logger = logging.getLogger(__name__)


def staging_columns(fields) -> list[tuple[str, str]]:
    """The staging table's columns: the row number, whether the row is kept, then one per field."""
    return [("row_number", "integer"), ("keep", "boolean"), *((f.name, f.sql_type) for f in fields)]


def staging_row(fields, row_number: int, values: dict) -> tuple:
    """One row for the COPY: its number, whether it is kept, then each field's value (None where it has none)."""
    get = values.get
    return (row_number, get("keep", True),
            *[array_literal(value) if value.__class__ is list else value for value in map(get, _names(fields))])


@functools.cache
def _names(fields: tuple) -> tuple[str, ...]:
    return tuple(spec.name for spec in fields)


def array_literal(values: list[str]) -> str:
    """A list of texts as PostgreSQL writes an array ('{"a","b"}'): COPY reads it far faster than psycopg
    can turn a Python list into an array, element by element."""
    return "{" + ",".join('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"' for value in values) + "}"


def create_staging_table(cursor, name: str, columns: list[tuple[str, str]]) -> None:
    """A temporary table that disappears at the end of the transaction.

    Dropped first in case an outer transaction (a test, or a caller's own
    atomic block) still holds one from an earlier import.
    """
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    column_sql = ", ".join(f"{column} {sql_type}" for column, sql_type in columns)
    cursor.execute(f"CREATE TEMPORARY TABLE {name} ({column_sql}) ON COMMIT DROP")


def set_aside_duplicates(cursor, *, staging: str, key: str, label: str, parsed: ParsedFile) -> int:
    """The first row with a key wins; each later row with the same key is set aside.

    Each is listed as 'Row N: <label> X appears more than once (first on row M)'.
    The database finds them, so Python's memory stays flat however big the file.
    Returns how many rows were set aside.
    """
    cursor.execute(
        f"SELECT {key}, array_agg(row_number ORDER BY row_number) FROM {staging} "
        f"GROUP BY {key} HAVING count(*) > 1 ORDER BY min(row_number)"
    )
    duplicates = cursor.fetchall()
    for value, row_numbers in duplicates:
        for later in row_numbers[1:]:
            parsed.problems.add(later, f"{label} {value} appears more than once (first on row {row_numbers[0]})")
    if not duplicates:
        return 0
    cursor.execute(
        f"DELETE FROM {staging} later USING {staging} first "
        f"WHERE later.{key} = first.{key} AND later.row_number > first.row_number"
    )
    return cursor.rowcount


def settle_after_writing(cursor, table: str, *, columns: tuple[str, ...]) -> None:
    """After an import writes many rows to a table, before anything reads it back in bulk:

    - fresh statistics for the columns the next joins use (ANALYZE of every
      column of a wide table takes half a second; these take a tenth), so the
      planner joins by hash instead of looping;
    - each GIN index's pending list merged into the index. PostgreSQL queues a
      GIN index's new entries in a list that every lookup reads from start to
      end: after 60,000 new DSPT names, finding close names for 2,000
      providers took 9 s instead of 0.04 s, and searches slow down too until
      autovacuum gets round to it.
    """
    cursor.execute(f"ANALYZE {table} ({', '.join(columns)})")
    try:
        with transaction.atomic():  # a savepoint: a user who may not do this must not fail the import
            cursor.execute("SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i "
                           "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam "
                           "WHERE i.indrelid = %s::regclass AND am.amname = 'gin'", [table])
    except psycopg.Error:
        logger.warning("Could not merge the pending entries of %s's GIN indexes; searches may be slower until "
                       "autovacuum does it", table)


def raw_cursor():
    """The psycopg cursor under Django's, for COPY."""
    return connection.cursor().cursor


def examples(cursor, query: str) -> list[str]:
    """The first PREVIEW_EXAMPLES texts a one-column query gives, for the preview."""
    cursor.execute(f"{query} LIMIT {PREVIEW_EXAMPLES}")
    return [text for (text,) in cursor.fetchall()]
