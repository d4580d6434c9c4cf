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

    run = import_cqc_file(path=Path("locations.ods"), dry_run=True)
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

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
from providers.services.matching import rematch_locations
from providers.services.tabular import (
    Columns, FileProblem, Row, find_table, iter_rows, normalise_heading, sniff_kind,
)

LOCATION_ID = re.compile(r"^1-\d{3,15}$")
PREVIEW_EXAMPLES = 10
# Refuse (unless confirmed) a file that would deregister more than this share
# of the registered services, and at least REMOVAL_LIMIT_MIN of them.
REMOVAL_LIMIT = 0.10
REMOVAL_LIMIT_MIN = 5
PROVIDER_ID = re.compile(r"^(1-\d{3,15}|[A-Z0-9]{3,10})$")

# Staging columns: (name, SQL type). Provider columns start with "provider_".
STAGING_COLUMNS = [
    ("row_number", "integer"),
    ("cqc_location_id", "text"),
    ("keep", "boolean"),
    ("provider_id", "text"),
    ("provider_name", "text"),
    ("provider_ods_code", "text"),
    ("provider_type", "text"),
    ("provider_ownership_type", "text"),
    ("provider_companies_house_number", "text"),
    ("provider_charity_number", "text"),
    ("provider_phone", "text"),
    ("provider_website", "text"),
    ("provider_address_line_1", "text"),
    ("provider_address_line_2", "text"),
    ("provider_town", "text"),
    ("provider_county", "text"),
    ("provider_postcode", "text"),
    ("provider_local_authority", "text"),
    ("provider_region", "text"),
    ("name", "text"),
    ("brand_name", "text"),
    ("ods_code", "text"),
    ("address_line_1", "text"),
    ("address_line_2", "text"),
    ("town", "text"),
    ("county", "text"),
    ("postcode", "text"),
    ("local_authority", "text"),
    ("region", "text"),
    ("latitude", "double precision"),
    ("longitude", "double precision"),
    ("category", "text"),
    ("care_home", "boolean"),
    ("beds", "integer"),
    ("service_types", "varchar[]"),
    ("service_user_bands", "varchar[]"),
    ("regulated_activities", "varchar[]"),
    ("inspection_directorate", "text"),
    ("rating", "text"),
    ("rating_published_on", "date"),
    ("phone", "text"),
    ("website", "text"),
    ("registered_on", "date"),
    ("dormant", "boolean"),
]
STAGING_NAMES = [name for name, _ in STAGING_COLUMNS]

# Which location and provider columns each format fills. Columns a format
# does not give keep their stored value when it updates a service.
LOCATION_FIELDS = {
    ImportRun.Kind.CQC_LOCATIONS: [
        "name", "brand_name", "ods_code", "address_line_1", "address_line_2", "town", "county", "postcode",
        "local_authority", "region", "latitude", "longitude", "category", "care_home", "beds",
        "service_types", "service_user_bands", "regulated_activities", "inspection_directorate", "rating",
        "rating_published_on", "phone", "website", "registered_on", "dormant",
    ],
    ImportRun.Kind.CQC_DIRECTORY: [
        "name", "brand_name", "address_line_1", "town", "postcode", "local_authority", "region",
        "category", "care_home", "service_types", "service_user_bands", "phone", "website",
    ],
}
# Provider columns we keep. A NULL in staging (the file does not give it,
# as in the directory) keeps the stored value.
PROVIDER_FIELDS = [
    "name", "provider_type", "ownership_type", "companies_house_number", "charity_number", "phone", "website",
    "address_line_1", "address_line_2", "town", "county", "postcode", "local_authority", "region",
]


class RowProblem(ValueError):
    """One row cannot be imported; the message says why."""


@dataclass
class CqcParsedFile(ParsedFile):
    kind: str = ImportRun.Kind.CQC_LOCATIONS
    data_as_of: object = None


# --- Reading each format ---------------------------------------------------------


def _check(value_fn, *args, **kwargs):
    try:
        return value_fn(*args, **kwargs)
    except ValueError as exc:
        raise RowProblem(str(exc)) from None


def _postcode(text: str, heading: str) -> str:
    if not text.strip():
        raise RowProblem(f"{heading} is blank")
    postcode = normalise_postcode(text)
    if postcode is None:
        raise RowProblem(f"{heading} '{text}' is not a UK postcode")
    return postcode


def _location_id(text: str, heading: str) -> str:
    value = text.strip()
    if not value:
        raise RowProblem(f"{heading} is blank")
    if not LOCATION_ID.match(value):
        raise RowProblem(f"{heading} '{value}' is not a CQC location ID (like 1-123456789)")
    return value


def _provider_id(text: str, heading: str) -> str:
    value = text.strip().upper() if not text.strip().startswith("1-") else text.strip()
    if not value:
        raise RowProblem(f"{heading} is blank")
    if not PROVIDER_ID.match(value):
        raise RowProblem(f"{heading} '{text}' is not a CQC provider ID")
    return value


def _required(text: str, heading: str) -> str:
    value = formats.tidy_text(text)
    if not value:
        raise RowProblem(f"{heading} is blank")
    return value


def parse_active_location(row: Row) -> dict:
    """One Active Locations row -> staging values (raises RowProblem)."""
    t = formats.tidy_text
    lat = _check(formats.parse_coordinate, row.get("Location Latitude"), low=49.0, high=61.5, name="Location Latitude")
    lon = _check(formats.parse_coordinate, row.get("Location Longitude"), low=-8.7, high=2.1, name="Location Longitude")
    if (lat is None) != (lon is None):
        raise RowProblem("Location Latitude and Location Longitude must both be given or both be blank")
    service_types = row.flags("Service type - ")
    care_home = _check(formats.parse_yes_no, row.get("Care home?"))
    if care_home:
        category = "care_home"
    elif "Domiciliary care service" in service_types:
        category = "home_care"
    else:
        category = "other"
    provider_id = _provider_id(row.get("Provider ID"), "Provider ID")
    if row.columns.has(formats.OPTIONAL_PROVIDER_ODS_HEADING):
        provider_ods = _check(formats.parse_ods_code, row.get(formats.OPTIONAL_PROVIDER_ODS_HEADING))
    elif not provider_id.startswith("1-"):
        provider_ods = provider_id  # NHS providers are known by their ODS code
    else:
        provider_ods = None  # not in this file: keep what we hold
    return {
        "provider_id": provider_id,
        "provider_name": _required(row.get("Provider Name"), "Provider Name"),
        "provider_ods_code": provider_ods,
        "provider_type": t(row.get("Provider Type/Sector"), limit=100),
        "provider_ownership_type": t(row.get("Provider Ownership Type"), limit=100),
        "provider_companies_house_number": t(row.get("Provider Companies House Number"), limit=20),
        "provider_charity_number": t(row.get("Provider Charity Number"), limit=20),
        "provider_phone": t(row.get("Provider Telephone Number"), limit=40),
        "provider_website": t(row.get("Provider Web Address")),
        "provider_address_line_1": t(row.get("Provider Street Address")),
        "provider_address_line_2": t(row.get("Provider Address Line 2")),
        "provider_town": t(row.get("Provider City"), limit=100),
        "provider_county": t(row.get("Provider County"), limit=100),
        "provider_postcode": normalise_postcode(row.get("Provider Postal Code")) or "",
        "provider_local_authority": t(row.get("Provider Local Authority"), limit=100),
        "provider_region": t(row.get("Provider Region"), limit=100),
        "name": _required(row.get("Location Name"), "Location Name"),
        "brand_name": t(row.get("Brand Name")),
        "ods_code": _check(formats.parse_ods_code, row.get("Location ODS Code")),
        "address_line_1": t(row.get("Location Street Address")),
        "address_line_2": t(row.get("Location Address Line 2")),
        "town": t(row.get("Location City"), limit=100),
        "county": t(row.get("Location County"), limit=100),
        "postcode": _postcode(row.get("Location Postal Code"), "Location Postal Code"),
        "local_authority": t(row.get("Location Local Authority"), limit=100),
        "region": t(row.get("Location Region"), limit=100),
        "latitude": lat,
        "longitude": lon,
        "category": category,
        "care_home": care_home,
        "beds": _check(formats.parse_whole_number, row.get("Care homes beds"), name="Care homes beds"),
        "service_types": service_types,
        "service_user_bands": row.flags("Service user band - "),
        "regulated_activities": row.flags("Regulated activity - "),
        "inspection_directorate": t(row.get("Location Inspection Directorate"), limit=100),
        "rating": t(row.get("Location Latest Overall Rating"), limit=40),
        "rating_published_on": _check(formats.parse_date, row.get("Publication Date")),
        "phone": t(row.get("Location Telephone Number"), limit=40),
        "website": t(row.get("Location Web Address")),
        "registered_on": _check(formats.parse_date, row.get("Location HSCA start date")),
        "dormant": _check(formats.parse_yes_no, row.get("Dormant (Y/N)")),
    }


def parse_directory_row(row: Row) -> tuple[dict | None, str]:
    """One care directory row -> (staging values, skip reason). Raises RowProblem."""
    t = formats.tidy_text
    types = [s.strip() for s in row.get("Service types").split("|") if s.strip()]
    known = [formats.DIRECTORY_SOCIAL_CARE_TYPES[s.lower()] for s in types if s.lower() in formats.DIRECTORY_SOCIAL_CARE_TYPES]
    if not known:
        return None, f"not adult social care ({', '.join(types) or 'no service type'})"
    categories = [category for category, _ in known]
    category = "care_home" if "care_home" in categories else ("home_care" if "home_care" in categories else "other")
    address = [part.strip() for part in row.get("Address").split(",") if part.strip()]
    town = address.pop() if len(address) > 1 else ""
    return {
        "provider_id": _provider_id(row.get("CQC Provider ID (for office use only)"), "CQC Provider ID (for office use only)"),
        "provider_name": _required(row.get("Provider name"), "Provider name"),
        "provider_ods_code": None,
        "name": _required(row.get("Name"), "Name"),
        "brand_name": t(row.get("Also known as")),
        "address_line_1": t(", ".join(address)),
        "town": t(town, limit=100),
        "postcode": _postcode(row.get("Postcode"), "Postcode"),
        "local_authority": t(row.get("Local authority"), limit=100),
        "region": t(row.get("Region"), limit=100),
        "category": category,
        "care_home": category == "care_home",
        "service_types": [name for _, name in known],
        "service_user_bands": [s.strip() for s in row.get("Specialisms/services").split("|") if s.strip()],
        "phone": t(row.get("Phone number"), limit=40),
        "website": t(row.get("Service's website (if available)")),
    }, ""


def _directory_date(preamble: list[list[str]]):
    for cells in preamble:
        for cell in cells:
            match = re.search(r"produced on (\d{1,2} \w+ \d{4})", cell)
            if match:
                try:
                    return formats.parse_date(match.group(1))
                except ValueError:
                    return None
    return None


def open_cqc_table(path: Path):
    """Find which CQC format this is and where its header row is."""
    rows = iter_rows(path)
    head = list(itertools.islice(rows, 40))
    if not head:
        raise FileProblem("The file is empty.")
    for _, cells in head:
        names = {normalise_heading(c) for c in cells if c}
        if normalise_heading("CQC Location ID (for office use only)") in names:
            table = find_table(itertools.chain(head, rows), required=formats.DIRECTORY_REQUIRED, max_preamble_rows=40)
            return ImportRun.Kind.CQC_DIRECTORY, table
        if normalise_heading("Location ID") in names:
            table = find_table(itertools.chain(head, rows), required=formats.ACTIVE_LOCATIONS_REQUIRED, max_preamble_rows=40)
            return ImportRun.Kind.CQC_LOCATIONS, table
    raise FileProblem(
        "This does not look like a CQC file. We need the HSCA Active Locations file "
        "(with a 'Location ID' column) or the CQC care directory CSV "
        "(with a 'CQC Location ID (for office use only)' column)."
    )


# --- The import ------------------------------------------------------------------


def import_cqc_file(
    *,
    path: Path,
    file_name: str | None = None,
    dry_run: bool = False,
    allow_removals: bool = False,
    started_by: str = "",
    progress: ProgressCallback | None = None,
) -> ImportRun:
    """Check a CQC file, then (unless dry_run) apply it in one transaction.

    Returns the ImportRun, whose state is SUCCEEDED, PREVIEW or FAILED.
    A failed run changes no care service data. A file that would mark more
    than REMOVAL_LIMIT of the registered services as no longer registered is
    refused unless allow_removals is given: it is more likely cut short or
    the wrong file than a real change.
    """
    path = Path(path)
    file_name = file_name or path.name
    run = start_run(kind=ImportRun.Kind.CQC_LOCATIONS, path=path, file_name=file_name,
                    started_by=started_by, dry_run=dry_run)
    reporter = ProgressReporter(run, progress)
    parsed = CqcParsedFile()
    return execute_import(
        run=run, parsed=parsed, reporter=reporter, dry_run=dry_run,
        stage=lambda: _stage_file(path, file_name, run, parsed, reporter),
        apply=lambda: _apply_staging(run, parsed, allow_removals=allow_removals, dry_run=dry_run),
    )


def _stage_file(path: Path, file_name: str, run: ImportRun, parsed: "CqcParsedFile", reporter: ProgressReporter) -> None:
    kind, table = open_cqc_table(path)
    parsed.kind = kind
    run.kind = kind
    parsed.data_as_of = (_directory_date(table.preamble) if kind == ImportRun.Kind.CQC_DIRECTORY else None) or formats.date_in_file_name(file_name)
    columns = Columns(table.headings)
    check_short_rows = sniff_kind(path) == "csv"
    id_heading = "Location ID" if kind == ImportRun.Kind.CQC_LOCATIONS else "CQC Location ID (for office use only)"

    cursor = raw_cursor()
    create_staging_table(cursor, "cqc_staging", STAGING_COLUMNS)
    with cursor.copy(f"COPY cqc_staging ({', '.join(STAGING_NAMES)}) FROM STDIN") as copy:
        for row_number, cells in data_rows(table, parsed=parsed, reporter=reporter, check_short_rows=check_short_rows):
            row = columns.row(cells)
            try:
                location_id = _location_id(row.get(id_heading), id_heading)
                if kind == ImportRun.Kind.CQC_LOCATIONS:
                    directorate = formats.tidy_text(row.get("Location Inspection Directorate"))
                    if directorate.casefold() != formats.ADULT_SOCIAL_CARE_DIRECTORATE.casefold():
                        values, skip = None, f"not adult social care ({directorate or 'no directorate'})"
                    else:
                        values, skip = parse_active_location(row), ""
                else:
                    values, skip = parse_directory_row(row)
            except ValueError as exc:  # RowProblem, or a formula caught by tidy_text
                parsed.problems.add(row_number, str(exc))
                continue
            if values is None:
                parsed.skipped[skip] += 1
                copy.write_row(_staging_row(row_number, location_id, keep=False, values={}))
            else:
                parsed.kept += 1
                copy.write_row(_staging_row(row_number, location_id, keep=True, values=values))
    report_duplicates(cursor, staging="cqc_staging", key="cqc_location_id", label=id_heading, parsed=parsed)
    if parsed.rows_read == 0:
        raise FileProblem("The file has a header row but no data rows.")
    if parsed.kept == 0 and not parsed.problems:
        raise FileProblem("The file lists no adult social care services, so nothing was imported.")
    run.rows_read = parsed.rows_read
    run.data_as_of = parsed.data_as_of


def _staging_row(row_number: int, location_id: str, *, keep: bool, values: dict) -> tuple:
    values = {**values, "row_number": row_number, "cqc_location_id": location_id, "keep": keep}
    return tuple(values.get(name) for name in STAGING_NAMES)


def _staged(provider_field: str) -> str:
    """The staging column that holds a Provider field ('name' -> 'provider_name')."""
    return provider_field if provider_field.startswith("provider_") else f"provider_{provider_field}"


def _apply_staging(run: ImportRun, parsed: CqcParsedFile, *, allow_removals: bool, dry_run: bool) -> None:
    """Write the staged rows: providers, then services, then deregistrations."""
    cursor = raw_cursor()
    kind = parsed.kind
    cursor.execute("CREATE INDEX ON cqc_staging (cqc_location_id)")
    cursor.execute("ANALYZE cqc_staging")
    cursor.execute("DROP TABLE IF EXISTS cqc_staging_providers")
    cursor.execute(
        """
        CREATE TEMPORARY TABLE cqc_staging_providers ON COMMIT DROP AS
        SELECT DISTINCT ON (provider_id) * FROM cqc_staging WHERE keep ORDER BY provider_id, row_number DESC
        """
    )

    provider_fields = PROVIDER_FIELDS
    provider_insert_cols = ["cqc_provider_id", "ods_code", *provider_fields, "updated_at"]
    provider_select = ["s.provider_id", "COALESCE(s.provider_ods_code, '')"]
    provider_select += [f"COALESCE(s.{_staged(f)}, '')" for f in provider_fields]
    cursor.execute(
        f"""
        INSERT INTO providers_provider ({', '.join(provider_insert_cols)})
        SELECT {', '.join(provider_select)}, now() FROM cqc_staging_providers s
        ON CONFLICT (cqc_provider_id) DO NOTHING
        """
    )
    # A value the file does not give (NULL in staging) keeps the stored one.
    compared = [*provider_fields, "ods_code"]
    provider_set = ", ".join(f"{f} = COALESCE(s.{_staged(f)}, p.{f})" for f in compared)
    provider_compare = " OR ".join(f"p.{f} IS DISTINCT FROM COALESCE(s.{_staged(f)}, p.{f})" for f in compared)
    cursor.execute(
        f"""
        UPDATE providers_provider p
        SET {provider_set}, updated_at = now()
        FROM cqc_staging_providers s
        WHERE p.cqc_provider_id = s.provider_id AND ({provider_compare})
        """
    )

    fields = LOCATION_FIELDS[kind]
    defaults = {"ods_code": "''", "brand_name": "''", "address_line_2": "''", "county": "''", "rating": "''",
                "inspection_directorate": "''", "phone": "''", "website": "''", "dormant": "false",
                "care_home": "false", "service_types": "'{}'", "service_user_bands": "'{}'",
                "regulated_activities": "'{}'"}
    all_defaults = {**defaults, "address_line_1": "''", "town": "''", "local_authority": "''", "region": "''",
                    "name": "''", "postcode": "''", "category": "'other'"}
    insert_cols = ["cqc_location_id", "provider_id", *fields]
    insert_select = ["s.cqc_location_id", "p.id"] + [
        f"COALESCE(s.{f}, {all_defaults[f]})" if f in all_defaults else f"s.{f}" for f in fields
    ]
    for missing in sorted(set(defaults) - set(fields)):
        insert_cols.append(missing)
        insert_select.append(defaults[missing])
    cursor.execute(
        """
        SELECT s.name || ' (' || s.cqc_location_id || ')' FROM cqc_staging s
        WHERE s.keep AND NOT EXISTS (SELECT 1 FROM providers_location l WHERE l.cqc_location_id = s.cqc_location_id)
        ORDER BY s.row_number LIMIT %s
        """,
        [PREVIEW_EXAMPLES],
    )
    preview = {"added": [name for (name,) in cursor.fetchall()]}
    cursor.execute(
        f"""
        INSERT INTO providers_location ({', '.join(insert_cols)}, dspt_match, created_at, updated_at)
        SELECT {', '.join(insert_select)}, '', now(), now()
        FROM cqc_staging s JOIN providers_provider p ON p.cqc_provider_id = s.provider_id
        WHERE s.keep
        ON CONFLICT (cqc_location_id) DO NOTHING
        """
    )
    added = cursor.rowcount

    new_values = {f: (f"COALESCE(s.{f}, {all_defaults[f]})" if f in all_defaults else f"s.{f}") for f in fields}
    location_set = ", ".join(f"{f} = {new_values[f]}" for f in fields)
    location_compare = " OR ".join(f"l.{f} IS DISTINCT FROM {new_values[f]}" for f in fields)
    cursor.execute(
        f"""
        UPDATE providers_location l
        SET {location_set}, provider_id = p.id, deregistered_on = NULL, updated_at = now()
        FROM cqc_staging s JOIN providers_provider p ON p.cqc_provider_id = s.provider_id
        WHERE s.keep AND l.cqc_location_id = s.cqc_location_id
          AND ({location_compare} OR l.provider_id IS DISTINCT FROM p.id OR l.deregistered_on IS NOT NULL)
        RETURNING l.name || ' (' || l.cqc_location_id || ')'
        """
    )
    changed = cursor.rowcount
    preview["changed"] = [name for (name,) in cursor.fetchmany(PREVIEW_EXAMPLES)]

    as_of = parsed.data_as_of or timezone.localdate()
    cursor.execute("SELECT count(*) FROM providers_location WHERE deregistered_on IS NULL")
    (registered_before,) = cursor.fetchone()
    cursor.execute(
        """
        UPDATE providers_location l SET deregistered_on = %s, updated_at = now()
        WHERE l.deregistered_on IS NULL
          AND NOT EXISTS (SELECT 1 FROM cqc_staging s WHERE s.cqc_location_id = l.cqc_location_id)
        RETURNING l.name || ' (' || l.cqc_location_id || ')'
        """,
        [as_of],
    )
    removed = cursor.rowcount
    preview["no longer listed"] = [name for (name,) in cursor.fetchmany(PREVIEW_EXAMPLES)]
    if removed > max(REMOVAL_LIMIT_MIN, REMOVAL_LIMIT * registered_before) and not allow_removals:
        warning = (
            f"This file would mark {removed} of the {registered_before} registered care services as no longer "
            f"registered. That is more than {REMOVAL_LIMIT:.0%}, so the file may be cut short or not the full list."
        )
        if not dry_run:
            raise FileProblem(warning + " Nothing was imported. If the file is right, import it again and "
                                        "confirm the removals (--allow-removals on the command line).")
        preview["warning"] = [warning + " To import it, you will need to confirm the removals."]
    run.preview = preview

    run.added = added
    run.changed = changed
    run.removed = removed
    run.unchanged = parsed.kept - added - changed
    rematch_locations()
