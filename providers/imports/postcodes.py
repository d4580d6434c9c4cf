"""Import a postcode lookup table (ONS Postcode Directory / NSPL, Open Government Licence).

It tells us where a visitor's postcode is, so search can list the nearest
care services. Accepted headings: a postcode column (`Postcode`, `pcds`,
`pcd` or `pcd2`) and coordinates (`lat`/`latitude`, `long`/`longitude`).
Other columns are ignored. The table is replaced as a whole.

Postcodes with no coordinates (NSPL writes 99.999999) and non-standard codes
are skipped and counted; a row with broken coordinates rejects the file.
"""

from __future__ import annotations

from providers.imports import formats
from providers.imports.kinds import Field, Skipped
from providers.imports.reading import RowProblem
from providers.imports.skeleton import ImportJob
from providers.imports.staging import raw_cursor
from providers.imports.tabular import Row
from providers.search.models import Postcode
from providers.search.postcodes import normalise_postcode

POSTCODE_HEADINGS = ("Postcode", "pcds", "pcd", "pcd2")
LATITUDE_HEADINGS = ("lat", "latitude")
LONGITUDE_HEADINGS = ("long", "longitude", "lon")
NO_LOCATION = 99.0  # NSPL's "no grid reference" latitude is 99.999999

FIELDS = (
    Field("postcode"),
    Field("latitude", "double precision"),
    Field("longitude", "double precision"),
)


def read_row(row: Row, job: ImportJob) -> dict | Skipped:
    """One postcode -> its staging values, or Skipped when it is not standard or has no place. Raises RowProblem."""
    postcode = normalise_postcode(row.get(*POSTCODE_HEADINGS))
    if postcode is None:
        return Skipped("not a standard postcode")
    try:
        lat = formats.parse_coordinate(row.get(*LATITUDE_HEADINGS), low=-90, high=100, name="lat")
        lon = formats.parse_coordinate(row.get(*LONGITUDE_HEADINGS), low=-180, high=180, name="long")
    except ValueError as exc:
        raise RowProblem(str(exc)) from None
    if lat is None or lon is None or lat >= NO_LOCATION:
        return Skipped("no coordinates")
    return {"postcode": postcode, "latitude": lat, "longitude": lon}


POSTCODES = Postcode._meta.db_table


def apply(job: ImportJob) -> None:
    """Replace the postcode table with the staged postcodes."""
    run, parsed = job.run, job.parsed
    cursor = raw_cursor()
    cursor.execute(f"SELECT count(*) FROM {POSTCODES}")
    (before,) = cursor.fetchone()
    cursor.execute(f"DELETE FROM {POSTCODES}")
    cursor.execute(f"INSERT INTO {POSTCODES} (postcode, latitude, longitude) "
                   f"SELECT postcode, latitude, longitude FROM {job.source.staging}")
    run.added = parsed.kept
    run.removed = before
    run.message = f"The postcode table now holds {parsed.kept} postcodes (it held {before})."
