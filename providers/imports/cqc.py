"""Import the CQC list of registered care services.

Two published formats are accepted (see docs/data-formats.md):
- HSCA Active Locations (.ods, .xlsx, or a CSV saved from it): one row per
  location with ~120 columns, including ODS codes and coordinates;
- the weekly care directory CSV (a 4-line preamble, no ODS codes, no
  coordinates): it updates names and addresses and adds services, keeping
  what only the Active Locations file gives.

Only adult social care services are kept; every other row is counted as
skipped with its reason. A service no longer listed is marked deregistered,
never deleted, so links to it keep working.

    run = import_cqc_file(path=Path("locations.ods"), dry_run=True)   # providers/imports/sources.py
"""

from __future__ import annotations

import re

from providers.imports import formats
from providers.imports.kinds import Field, Skipped
from providers.imports.problems import FileProblem, clip
from providers.imports.reading import MAX_STORED_ERRORS, RowProblem, read_fields
from providers.imports.skeleton import ImportJob
from providers.imports.staging import PREVIEW_EXAMPLES, examples, raw_cursor, settle_after_writing
from providers.imports.tabular import Row, Table
from providers.register.matching import rematch_locations
from providers.register.models import Location, Provider
from providers.search.postcodes import normalise_postcode
from providers.search.word_list import rebuild_search_words

# CQC location IDs: '1-545611283', or an NHS site's ODS code ('RWDDA').
LOCATION_ID = re.compile(r"^(1-\d{3,15}|[A-Z0-9]{3,10})$")
PROVIDER_ID = re.compile(r"^(1-\d{3,15}|[A-Z0-9]{3,10})$")
# Refuse (unless confirmed) a file that would deregister more than this share
# of the registered services, and at least REMOVAL_LIMIT_MIN of them.
REMOVAL_LIMIT = 0.10
REMOVAL_LIMIT_MIN = 5
# The removals a run lists in full (a whole national file wrongly missing would be ~30,000).
MAX_REMOVALS_LISTED = 100_000
LOCATIONS = Location._meta.db_table
PROVIDERS = Provider._meta.db_table
# Older care directory files head the ID column without "ID" and the bracket.
DIRECTORY_ID_HEADING = "CQC Location ID (for office use only)"
HEADING_ALIASES = (("CQC Location (for office use only", DIRECTORY_ID_HEADING),)


# --- Validators (text -> value; ValueError says why, after the heading) ------------


def _cqc_id(pattern: re.Pattern, what: str):
    def check(text: str) -> str:
        value = text.strip()
        value = value if value.startswith("1-") else value.upper()
        if not value:
            raise ValueError("is blank")
        if not pattern.match(value):
            raise ValueError(f"'{clip(text)}' is not a CQC {what} ID")
        return value
    return check


def _postcode(text: str) -> str:
    if not text.strip():
        raise ValueError("is blank")
    postcode = normalise_postcode(text)
    if postcode is None:
        raise ValueError(f"'{clip(text)}' is not a UK postcode")
    return postcode


def _optional_postcode(text: str) -> str:
    return normalise_postcode(text) or ""


def _coordinate(low: float, high: float):
    return lambda text: formats.parse_coordinate(text, low=low, high=high)


_text, _required = formats.text, formats.required_text

# The HSCA Active Locations columns we read, once, in staging order. Fields
# with no headings are worked out from the row (see parse_active_location).
# Staging columns starting "provider_" describe the provider.
FIELDS = [
    Field("cqc_location_id", headings=("Location ID",), validate=_cqc_id(LOCATION_ID, "location")),
    Field("provider_id", headings=("Provider ID",), validate=_cqc_id(PROVIDER_ID, "provider")),
    Field("provider_name", headings=("Provider Name",), validate=_required()),
    Field("provider_ods_code"),
    Field("provider_type", headings=("Provider Type/Sector",), validate=_text(100)),
    Field("provider_ownership_type", headings=("Provider Ownership Type",), validate=_text(100)),
    Field("provider_companies_house_number", headings=("Provider Companies House Number",), validate=_text(20)),
    Field("provider_charity_number", headings=("Provider Charity Number",), validate=_text(20)),
    Field("provider_phone", headings=("Provider Telephone Number",), validate=formats.parse_phone),
    Field("provider_website", headings=("Provider Web Address",), validate=_text()),
    Field("provider_address_line_1", headings=("Provider Street Address",), validate=_text()),
    Field("provider_address_line_2", headings=("Provider Address Line 2",), validate=_text()),
    Field("provider_town", headings=("Provider City",), validate=_text(100)),
    Field("provider_county", headings=("Provider County",), validate=_text(100)),
    Field("provider_postcode", headings=("Provider Postal Code",), validate=_optional_postcode),
    Field("provider_local_authority", headings=("Provider Local Authority",), validate=_text(100)),
    Field("provider_region", headings=("Provider Region",), validate=_text(100)),
    Field("name", headings=("Location Name",), validate=_required()),
    Field("brand_name", headings=("Brand Name",), validate=_text()),
    Field("ods_code", headings=("Location ODS Code",), validate=formats.parse_ods_code),
    Field("address_line_1", headings=("Location Street Address",), validate=_text()),
    Field("address_line_2", headings=("Location Address Line 2",), validate=_text()),
    Field("town", headings=("Location City",), validate=_text(100)),
    Field("county", headings=("Location County",), validate=_text(100)),
    Field("postcode", headings=("Location Postal Code",), validate=_postcode),
    Field("local_authority", headings=("Location Local Authority",), validate=_text(100)),
    Field("region", headings=("Location Region",), validate=_text(100)),
    Field("latitude", "double precision", headings=("Location Latitude",), validate=_coordinate(49.0, 61.5)),
    Field("longitude", "double precision", headings=("Location Longitude",), validate=_coordinate(-8.7, 2.1)),
    Field("category"),
    Field("care_home", "boolean", headings=("Care home?",), validate=formats.parse_yes_no),
    Field("beds", "integer", headings=("Care homes beds",), validate=formats.parse_whole_number),
    Field("service_types", "varchar[]"),
    Field("service_user_bands", "varchar[]"),
    Field("regulated_activities", "varchar[]"),
    Field("inspection_directorate", headings=("Location Inspection Directorate",), validate=_text(100)),
    Field("rating", headings=("Location Latest Overall Rating",), validate=_text(40)),
    Field("rating_published_on", "date", headings=("Publication Date",), validate=formats.parse_date),
    Field("phone", headings=("Location Telephone Number",), validate=formats.parse_phone),
    Field("website", headings=("Location Web Address",), validate=_text()),
    Field("registered_on", "date", headings=("Location HSCA start date",), validate=formats.parse_date),
    Field("dormant", "boolean", headings=("Dormant (Y/N)",), validate=formats.parse_yes_no),
]

# The care directory's columns, filling the same staging columns. What the
# directory does not give stays NULL in staging, which keeps the stored value.
DIRECTORY_FIELDS = [
    Field("cqc_location_id", headings=("CQC Location ID (for office use only)",),
          validate=_cqc_id(LOCATION_ID, "location")),
    Field("provider_id", headings=("CQC Provider ID (for office use only)",), validate=_cqc_id(PROVIDER_ID, "provider")),
    Field("provider_name", headings=("Provider name",), validate=_required()),
    Field("name", headings=("Name",), validate=_required()),
    Field("brand_name", headings=("Also known as",), validate=_text()),
    Field("address_line_1"),
    Field("town"),
    Field("postcode", headings=("Postcode",), validate=_postcode),
    Field("local_authority", headings=("Local authority",), validate=_text(100)),
    Field("region", headings=("Region",), validate=_text(100)),
    Field("category"),
    Field("care_home", "boolean"),
    Field("service_types", "varchar[]"),
    Field("service_user_bands", "varchar[]"),
    Field("phone", headings=("Phone number",), validate=formats.parse_phone),
    Field("website", headings=("Service's website (if available)",), validate=_text()),
]

_NOT_WRITTEN = {"cqc_location_id", "provider_id", "provider_ods_code"}
# Which Location columns each format writes (the rest keep their stored value).
def location_fields(fields: tuple[Field, ...]) -> list[str]:
    return [f.name for f in fields if f.name not in _NOT_WRITTEN and not f.name.startswith("provider_")]
# Provider columns, as (staging column, Provider field).
PROVIDER_COLUMNS = [
    (f.name, "provider_type" if f.name == "provider_type" else f.name.removeprefix("provider_"))
    for f in FIELDS if f.name.startswith("provider_") and f.name not in _NOT_WRITTEN
]


# --- Reading each format ---------------------------------------------------------


def _category(care_home: bool, service_types: list[str]) -> str:
    if care_home:
        return Location.Category.CARE_HOME
    if "Domiciliary care service" in service_types:
        return Location.Category.HOME_CARE
    return Location.Category.OTHER


def read_active_location(row: Row, job: ImportJob) -> dict | Skipped:
    """One Active Locations row -> its staging values, or Skipped. Raises RowProblem.

    Scope comes first: a row outside adult social care is skipped before any
    of its values is checked.
    """
    directorate = formats.tidy_text(row.get("Location Inspection Directorate"))
    if directorate.casefold() != formats.ADULT_SOCIAL_CARE_DIRECTORATE.casefold():
        return Skipped(f"not adult social care ({directorate or 'no directorate'})",
                       key=formats.tidy_text(row.get("Location ID"), limit=40))
    values = read_fields(FIELDS, row)
    if (values["latitude"] is None) != (values["longitude"] is None):
        raise RowProblem("Location Latitude and Location Longitude must both be given or both be blank")
    values["service_types"] = row.flags("Service type - ")
    values["service_user_bands"] = row.flags("Service user band - ")
    values["regulated_activities"] = row.flags("Regulated activity - ")
    values["category"] = _category(values["care_home"], values["service_types"])
    if row.columns.has(formats.OPTIONAL_PROVIDER_ODS_HEADING):
        try:
            values["provider_ods_code"] = formats.parse_ods_code(row.get(formats.OPTIONAL_PROVIDER_ODS_HEADING))
        except ValueError as exc:
            raise RowProblem(f"{formats.OPTIONAL_PROVIDER_ODS_HEADING} {exc}") from None
    elif not values["provider_id"].startswith("1-"):
        values["provider_ods_code"] = values["provider_id"]  # NHS providers are known by their ODS code
    return values


def read_directory_row(row: Row, job: ImportJob) -> dict | Skipped:
    """One care directory row -> its staging values, or Skipped. Raises RowProblem."""
    types = [s.strip() for s in row.get("Service types").split("|") if s.strip()]
    known = [formats.DIRECTORY_SOCIAL_CARE_TYPES[s.lower()] for s in types if s.lower() in formats.DIRECTORY_SOCIAL_CARE_TYPES]
    if not known:
        return Skipped(f"not adult social care ({', '.join(types) or 'no service type'})",
                       key=formats.tidy_text(row.get(DIRECTORY_ID_HEADING), limit=40))
    values = read_fields(DIRECTORY_FIELDS, row)
    categories = [category for category, _ in known]
    values["category"] = next((c for c in ("care_home", "home_care") if c in categories), "other")
    values["care_home"] = values["category"] == "care_home"
    values["service_types"] = [name for _, name in known]
    values["service_user_bands"] = [s.strip() for s in row.get("Specialisms/services").split("|") if s.strip()]
    address = [part.strip() for part in row.get("Address").split(",") if part.strip()]
    values["town"] = formats.tidy_text(address.pop() if len(address) > 1 else "", limit=100)
    values["address_line_1"] = formats.tidy_text(", ".join(address))
    return values


def directory_date(table: Table):
    """The care directory says in its notice block when it was produced ('produced on 16 November 2026')."""
    for cells in table.preamble:
        for cell in cells:
            match = re.search(r"produced on (\d{1,2} \w+ \d{4})", cell)
            if match:
                try:
                    return formats.parse_date(match.group(1))
                except ValueError:
                    return None
    return None


# --- After staging, and applying it --------------------------------------------------


SHARED_CODES_LABEL = "Location ODS codes also used by another provider's service (not used to match either)"


def note_shared_ods_codes(cursor, job: ImportJob) -> None:
    """List each service whose Location ODS Code an earlier row of another provider also uses.

    Such a code cannot say whose DSPT record is whose; the matching ladder
    skips it (providers/register/matching.py). The rows are still imported.
    """
    cursor.execute(f"""
        SELECT DISTINCT ON (later.row_number) later.row_number, later.ods_code, first.name, first.provider_name,
               first.row_number
        FROM cqc_staging later JOIN cqc_staging first
          ON first.ods_code = later.ods_code AND first.provider_id <> later.provider_id
         AND first.row_number < later.row_number AND first.keep
        WHERE later.keep AND later.ods_code <> ''
        ORDER BY later.row_number, first.row_number
        LIMIT {MAX_STORED_ERRORS}""")
    notes = [f"Row {row}: Location ODS Code {code} is also used by {clip(name)} of {clip(provider)} (row {first})"
             for row, code, name, provider, first in cursor.fetchall()]
    if notes:
        job.run.preview[SHARED_CODES_LABEL] = notes


def apply(job: ImportJob) -> None:
    """Write the staged rows: providers, then services, then deregistrations; then match and index them."""
    run, parsed = job.run, job.parsed
    fields = location_fields(job.format.fields)
    cursor = raw_cursor()
    cursor.execute("CREATE INDEX ON cqc_staging (cqc_location_id)")
    cursor.execute("ANALYZE cqc_staging (cqc_location_id, provider_id, ods_code, keep)")
    _upsert_providers(cursor)
    # Statistics that know the providers just added: on a first import the planner would otherwise take
    # the table for empty and look each service's provider up by reading all of them (10 s, not 0.2).
    settle_after_writing(cursor, PROVIDERS, columns=("cqc_provider_id", "ods_code", "name_key"))
    run.added = _insert_locations(cursor, fields, run.preview)
    run.changed = _update_locations(cursor, fields, run.preview)
    run.removed = _mark_removed(cursor, job)
    renamed = _copy_provider_names(cursor)
    run.unchanged = parsed.kept - run.added - run.changed
    settle_after_writing(cursor, LOCATIONS, columns=("ods_code", "provider_id", "dspt_organisation_id", "deregistered_on"))
    with job.step("matching"):
        rematch_locations()
    if run.added or run.changed or run.removed or renamed:  # else every service has the words it had
        with job.step("search words"):
            rebuild_search_words()


def _upsert_providers(cursor) -> None:
    """Add new providers; update those whose details changed. A NULL in staging keeps the stored value."""
    cursor.execute("DROP TABLE IF EXISTS cqc_staging_providers")
    cursor.execute("""
        CREATE TEMPORARY TABLE cqc_staging_providers ON COMMIT DROP AS
        SELECT DISTINCT ON (provider_id) * FROM cqc_staging WHERE keep ORDER BY provider_id, row_number DESC""")
    columns = [*PROVIDER_COLUMNS, ("provider_ods_code", "ods_code")]
    cursor.execute(f"""
        INSERT INTO {PROVIDERS} (cqc_provider_id, {', '.join(field for _, field in columns)}, updated_at)
        SELECT s.provider_id, {', '.join(f"COALESCE(s.{staged}, '')" for staged, _ in columns)}, dspt_now()
        FROM cqc_staging_providers s
        ON CONFLICT (cqc_provider_id) DO NOTHING""")
    new_value = {field: f"COALESCE(s.{staged}, p.{field})" for staged, field in columns}
    # The HSCA file has no provider ODS code: a blank never wipes one an admin set
    # (by accepting a name match) or an earlier file gave.
    new_value["ods_code"] = "COALESCE(NULLIF(s.provider_ods_code, ''), p.ods_code)"
    cursor.execute(f"""
        UPDATE {PROVIDERS} p
        SET {', '.join(f"{field} = {value}" for field, value in new_value.items())}, updated_at = dspt_now()
        FROM cqc_staging_providers s
        WHERE p.cqc_provider_id = s.provider_id
          AND ({' OR '.join(f"p.{field} IS DISTINCT FROM {value}" for field, value in new_value.items())})""")


# What a new service gets for a column its file does not give.
_DEFAULTS = {"ods_code": "''", "brand_name": "''", "address_line_1": "''", "address_line_2": "''", "town": "''",
             "county": "''", "postcode": "''", "local_authority": "''", "region": "''", "name": "''",
             "rating": "''", "inspection_directorate": "''", "phone": "''", "website": "''", "dormant": "false",
             "care_home": "false", "category": "'other'", "service_types": "'{}'", "service_user_bands": "'{}'",
             "regulated_activities": "'{}'", "provider_name": "''"}


def _new_value(field: str) -> str:
    """What a new service gets for a column its file does not give (its provider's name, or the default)."""
    return "p.name" if field == "provider_name" else _DEFAULTS[field]


def _staged_value(field: str) -> str:
    return f"COALESCE(s.{field}, {_DEFAULTS[field]})" if field in _DEFAULTS else f"s.{field}"


def _insert_locations(cursor, fields: list[str], preview: dict) -> int:
    """Add the services we do not hold yet. Returns how many."""
    not_given = sorted(set(_DEFAULTS) - set(fields))
    # Which rows are new, found before anything is written: asked during the INSERT, the check would
    # read the rows being added (and, in a table the planner took for empty, read all of them for each
    # row: 10 s for a first import of 30,000). Asking first also spares each row that is not new the
    # work of its search keys, which an INSERT ... ON CONFLICT does before it finds the conflict.
    cursor.execute("ALTER TABLE cqc_staging ADD is_new boolean DEFAULT false")
    cursor.execute(f"""UPDATE cqc_staging s SET is_new = true WHERE s.keep
                       AND NOT EXISTS (SELECT 1 FROM {LOCATIONS} l WHERE l.cqc_location_id = s.cqc_location_id)""")
    preview["added"] = examples(cursor, "SELECT name || ' (' || cqc_location_id || ')' FROM cqc_staging "
                                        "WHERE is_new ORDER BY row_number")
    cursor.execute(f"""
        INSERT INTO {LOCATIONS} (cqc_location_id, provider_id, {', '.join([*fields, *not_given])},
                                 dspt_match, created_at, updated_at)
        SELECT s.cqc_location_id, p.id, {', '.join([*map(_staged_value, fields), *map(_new_value, not_given)])},
               '', dspt_now(), dspt_now()
        FROM cqc_staging s JOIN {PROVIDERS} p ON p.cqc_provider_id = s.provider_id
        WHERE s.is_new
        ON CONFLICT (cqc_location_id) DO NOTHING""")
    return cursor.rowcount


def _update_locations(cursor, fields: list[str], preview: dict) -> int:
    """Update services whose details changed; a service listed again is registered again."""
    cursor.execute(f"""
        UPDATE {LOCATIONS} l
        SET {', '.join(f"{f} = {_staged_value(f)}" for f in fields)},
            provider_id = p.id, deregistered_on = NULL, updated_at = dspt_now()
        FROM cqc_staging s JOIN {PROVIDERS} p ON p.cqc_provider_id = s.provider_id
        WHERE s.keep AND l.cqc_location_id = s.cqc_location_id
          AND ({' OR '.join(f"l.{f} IS DISTINCT FROM {_staged_value(f)}" for f in fields)}
               OR l.provider_id IS DISTINCT FROM p.id OR l.deregistered_on IS NOT NULL)
        RETURNING l.name || ' (' || l.cqc_location_id || ')'""")
    changed = cursor.rowcount
    preview["changed"] = [name for (name,) in cursor.fetchmany(PREVIEW_EXAMPLES)]
    return changed


def _copy_provider_names(cursor) -> int:
    """Each service keeps a copy of its provider's name, so one search index finds it by either.

    Returns how many services took a new name."""
    cursor.execute(f"""
        UPDATE {LOCATIONS} l SET provider_name = p.name
        FROM {PROVIDERS} p WHERE p.id = l.provider_id AND l.provider_name IS DISTINCT FROM p.name""")
    return cursor.rowcount


def _mark_removed(cursor, job: ImportJob) -> int:
    """Mark services the file no longer lists as deregistered, within the removal guard."""
    cursor.execute(f"SELECT count(*) FROM {LOCATIONS} WHERE deregistered_on IS NULL")
    (registered_before,) = cursor.fetchone()
    cursor.execute(f"""
        UPDATE {LOCATIONS} l SET deregistered_on = %s, updated_at = dspt_now()
        WHERE l.deregistered_on IS NULL
          AND NOT EXISTS (SELECT 1 FROM cqc_staging s WHERE s.cqc_location_id = l.cqc_location_id)
        RETURNING l.name || ' (' || l.cqc_location_id || ')'""", [job.run.data_as_of])
    removed = cursor.rowcount
    # Every one, for the admin to check page by page before confirming (not only the first few).
    job.run.removals = sorted(name for (name,) in cursor.fetchmany(MAX_REMOVALS_LISTED))
    if removed > max(REMOVAL_LIMIT_MIN, REMOVAL_LIMIT * registered_before) and not job.options.get("allow_removals"):
        warning = (
            f"This file would mark {removed} of the {registered_before} registered care services as no longer "
            f"registered. That is more than {REMOVAL_LIMIT:.0%}, so the file may be cut short or not the full list."
        )
        if not job.dry_run:
            raise FileProblem(warning + " Nothing was imported. If the file is right, import it again and "
                                        "confirm the removals (--allow-removals on the command line).")
        job.run.preview["warning"] = [warning + " To import it, you will need to confirm the removals."]
    return removed
