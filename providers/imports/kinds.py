"""The shapes that describe a kind of file we import: its staging columns (`Field`), the layouts it comes in
(`Format`, with how its `Header` row is found and how a row is read), the published file the worker fetches
(`Download`), and the kind itself (`Source`). The table of kinds is providers/imports/sources.py; the loop
that reads any of them is providers/imports/skeleton.py. A description never calls the loop.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from providers.imports.tabular import Row, Table, normalise_heading

# What the loop hands each step: its ImportJob (providers/imports/skeleton.py), named here only in words,
# so that a description never depends on the loop.
Job = Any


@dataclass(frozen=True)
class Field:
    """One value an import reads from each row, and its staging column.

    headings: the column(s) it is read from, the first the file has; none for
    a value the importer works out itself. validate: text -> value, raising
    ValueError with a reason that follows the heading ("is blank",
    "'L8 1AAA' is not a UK postcode"). It must depend on nothing but its
    text and return an unchangeable value: read_fields remembers each result.
    """

    name: str
    sql_type: str = "text"
    headings: tuple[str, ...] = ()
    validate: Callable[[str], Any] | None = None

    @property
    def heading(self) -> str:
        return self.headings[0] if self.headings else self.name


@dataclass(frozen=True)
class Header:
    """How a layout's header row is found (it is not always row 1).

    required: the headings it must hold; a tuple is one column under any of
    its names ("Status" or the 2022 export's "Latest Status"). marker: the
    headings that say a row is this layout's header; a row with the marker
    but not every required heading is named in the rejection. missing: a
    sentence to say instead of the column list when just that heading is missing.
    """

    required: tuple[str | tuple[str, ...], ...]
    marker: tuple[str | tuple[str, ...], ...]
    within: int = 30
    aliases: tuple[tuple[str, str], ...] = ()  # (older heading, today's) pairs
    missing: tuple[tuple[str, str], ...] = ()  # (heading, what to say when only it is missing)

    def is_marked(self, cells: list[str]) -> bool:
        return has_headings(self.renamed(cells), self.marker)

    def renamed(self, cells: list[str]) -> list[str]:
        aliases = {normalise_heading(old): new for old, new in self.aliases}
        return [aliases.get(normalise_heading(cell), cell) for cell in cells]


def has_headings(cells: list[str], wanted) -> bool:
    names = {normalise_heading(cell) for cell in cells if cell}
    return all(any(normalise_heading(name) in names for name in _names(item)) for item in wanted)


def _names(item: str | tuple[str, ...]) -> tuple[str, ...]:
    return (item,) if isinstance(item, str) else item


class Skipped:
    """What `read_row` returns for a row outside scope: counted by reason, not imported.

    key: the row's key, when the source keeps skipped keys in staging (a CQC
    service outside adult social care is still listed, so it is not taken as
    removed).
    """

    __slots__ = ("reason", "key")

    def __init__(self, reason: str, key: str = ""):
        self.reason, self.key = reason, key


@dataclass(frozen=True)
class Format:
    """One layout a kind of file comes in, and how its rows are read.

    read_row(row, job) -> the staging values, or Skipped(reason); raises
    RowProblem for a row to set aside. fields: the columns read_fields()
    reads in this layout. key: the staging column no two rows may share;
    key_label names it in the "appears more than once" line.
    """

    layout: str
    fields: tuple[Field, ...]
    read_row: Callable[[Row, Job], "dict | Skipped"]
    key: str
    key_label: str
    header: Header | None = None
    headings: tuple[str, ...] = ()  # a file without a header row: its columns, in order
    data_date: Callable[[Table], dt.date | None] | None = None  # a date the file gives inside itself


@dataclass(frozen=True)
class Download:
    """A published file the worker fetches on a schedule (providers/imports/refresh.py).

    key: also its key in settings.REFRESH_SOURCES (from an environment variable) and its DataSource record.
    schedule: which of the worker's schedules fetches it ('dspt', 'cqc', 'ods').
    """

    key: str
    label: str
    schedule: str
    page_setting: str = ""  # a page that links to the newest file, when its own address is not set


@dataclass(frozen=True)
class Source:
    """One kind of file we import: its staging columns, layouts, checks and apply step."""

    kind: str  # an ImportRun.Kind value: the one name of this kind of file everywhere
    label: str  # what the admin's upload form calls it
    fields: tuple[Field, ...]  # the staging table's columns (each layout fills some)
    formats: tuple[Format, ...]
    apply: Callable[[Job], None]
    not_recognised: str  # why a file none of whose layouts is found is rejected
    nothing_kept: str  # why a file with rows but none to import is rejected
    find: Callable[["Source", Iterator], tuple[Format, Table]] | None = None  # default: the loop's own
    after_staging: Callable[[Any, Job], None] | None = None
    stage_skipped_keys: bool = False
    cut_short_check: bool = True  # a CSV row with fewer cells than the header is cut short
    options: tuple[str, ...] = ()  # options its apply step reads (job.options)
    downloads: tuple[Download, ...] = ()
    # The rows we hold, by the fingerprint of the file row each was read from: {fingerprint: key}. A row of
    # the next file with a known fingerprint is staged as its key alone, `same_as_held` (docs/adr/0002).
    remembered_rows: Callable[[], dict[int, str]] | None = None

    @property
    def staging(self) -> str:
        return f"{self.kind}_staging"
