"""Every kind of file we import, in one table: SOURCES.

Each entry says, for one kind of file: its staging columns, the layouts it
comes in and how each one's header is found, how a row is read, the key no
two rows may share, how staged rows are applied, and where the worker
downloads it. The loop that runs them is written once, in
providers/imports/skeleton.py. Uploads, `refresh_data`, the import commands
and the worker look a source up here; none keeps a list of its own.

Adding a kind of file: an ImportRun.Kind, a module with its fields, row
reader and apply step (like postcodes.py), and one entry below.

The entries are in refresh order: the lists a match relies on (ODS care
homes, the CQC register) come before the DSPT results.
"""

from __future__ import annotations

from providers.imports import cqc, dspt, formats, nhs_ods, postcodes
from providers.imports.kinds import Download, Format, Header, Source
from providers.imports.models import ImportRun
from providers.imports.skeleton import import_file

SOURCES: dict[str, Source] = {source.kind: source for source in (
    Source(
        kind=ImportRun.Kind.POSTCODES,
        label="Postcode lookup table (ONS Postcode Directory or NSPL CSV: postcode, lat, long)",
        fields=postcodes.FIELDS,
        formats=(Format(layout="Postcode lookup", fields=(), read_row=postcodes.read_row, key="postcode",
                        key_label="postcode",
                        header=Header(required=(postcodes.POSTCODE_HEADINGS, postcodes.LATITUDE_HEADINGS,
                                                postcodes.LONGITUDE_HEADINGS),
                                      marker=(postcodes.POSTCODE_HEADINGS,), within=5)),),
        apply=postcodes.apply,
        not_recognised="We need a postcode column (Postcode or pcds) and coordinates (lat and long).",
        nothing_kept="The file has no postcodes with coordinates, so nothing was imported.",
        cut_short_check=False,  # postcode files are long and their rows ragged; a bad row is set aside
        downloads=(Download("postcodes", "Postcode lookup", schedule="ods"),),
    ),
    Source(
        kind=ImportRun.Kind.ODS,
        label="NHS ODS care home sites or head offices (ecarehomesite or ecarehomehq CSV, no header row)",
        fields=tuple(nhs_ods.FIELDS),
        formats=(  # told apart by how many columns their rows have: the site list first, as it has more
            Format(layout="NHS ODS care home sites (ecarehomesite)", fields=tuple(nhs_ods.FIELDS),
                   read_row=nhs_ods.read_row, key="code", key_label="Organisation Code", headings=tuple(nhs_ods.SITE_HEADINGS)),
            Format(layout="NHS ODS care home head offices (ecarehomehq)", fields=tuple(nhs_ods.FIELDS),
                   read_row=nhs_ods.read_row, key="code", key_label="Organisation Code",
                   headings=tuple(nhs_ods.HEAD_OFFICE_HEADINGS)),
        ),
        find=nhs_ods.find_list,
        apply=nhs_ods.apply,
        not_recognised="This does not look like an NHS ODS care home file.",
        nothing_kept="The file lists no care homes, so nothing was imported.",
        downloads=(Download("ods_head_offices", "NHS ODS care home head offices",
                            schedule="ods"),
                   Download("ods_sites", "NHS ODS care home sites", schedule="ods")),
    ),
    Source(
        kind=ImportRun.Kind.CQC,
        label="CQC list of care services (HSCA Active Locations .ods/.xlsx/.csv, or the care directory CSV)",
        fields=tuple(cqc.FIELDS),
        formats=(
            Format(layout="CQC care directory", fields=tuple(cqc.DIRECTORY_FIELDS), read_row=cqc.read_directory_row,
                   key="cqc_location_id", key_label=cqc.DIRECTORY_ID_HEADING, data_date=cqc.directory_date,
                   header=Header(required=tuple(formats.DIRECTORY_REQUIRED), marker=(cqc.DIRECTORY_ID_HEADING,),
                                 within=40, aliases=cqc.HEADING_ALIASES)),
            Format(layout="HSCA Active Locations", fields=tuple(cqc.FIELDS), read_row=cqc.read_active_location,
                   key="cqc_location_id", key_label="Location ID",
                   header=Header(required=tuple(formats.ACTIVE_LOCATIONS_REQUIRED), marker=("Location ID",),
                                 within=40)),
        ),
        apply=cqc.apply,
        after_staging=cqc.note_shared_ods_codes,
        stage_skipped_keys=True,  # a listed service outside adult social care is not taken as removed
        options=("allow_removals",),
        not_recognised=("This does not look like a CQC file. We need the HSCA Active Locations file "
                        "(with a 'Location ID' column) or the CQC care directory CSV "
                        "(with a 'CQC Location ID (for office use only)' column)."),
        nothing_kept="The file lists no adult social care services, so nothing was imported.",
        downloads=(Download("cqc", "CQC list of care services", schedule="cqc",
                            page_setting="cqc_page"),),
    ),
    Source(
        kind=ImportRun.Kind.DSPT,
        label="DSPT organisation search export (.csv as downloaded, or .xlsx/.ods)",
        fields=tuple(dspt.FIELDS),
        formats=(Format(layout="DSPT organisation search export", fields=tuple(dspt.FIELDS), read_row=dspt.read_row,
                        key="ods_code", key_label="Code",
                        header=Header(required=("Organisation Name", "Date Of Publication", ("Status", "Latest Status")),
                                      marker=("Organisation Name",),
                                      missing=(("Status", "the 'Status' column is missing "
                                                          "(the 2022 export calls it 'Latest Status')"),))),),
        apply=dspt.apply,
        after_staging=dspt.note_unrecognised_statuses,
        # as_history: an older publication that only adds history; only_code: refresh one organisation.
        options=("as_history", "only_code"),
        remembered_rows=dspt.remembered_rows,
        not_recognised=("This does not look like a DSPT export. We need the columns "
                        "'Organisation Name', 'Status' (or 'Latest Status') and 'Date Of Publication'."),
        nothing_kept="No row in the file has an ODS code, so nothing can be matched. Nothing was imported.",
        downloads=(Download("dspt", "DSPT results", schedule="dspt"),),
    ),
)}

DOWNLOADS = {download.key: (download, source) for source in SOURCES.values() for download in source.downloads}


def import_cqc_file(**options) -> ImportRun:
    """Import a CQC file: import_cqc_file(path=..., dry_run=False, allow_removals=False, ...)."""
    return import_file(SOURCES[ImportRun.Kind.CQC], **options)


def import_dspt_file(**options) -> ImportRun:
    """Import a DSPT organisation search export."""
    return import_file(SOURCES[ImportRun.Kind.DSPT], **options)


def import_ods_file(**options) -> ImportRun:
    """Import an NHS ODS care home site or head office list."""
    return import_file(SOURCES[ImportRun.Kind.ODS], **options)


def import_postcodes_file(**options) -> ImportRun:
    """Import a postcode lookup table."""
    return import_file(SOURCES[ImportRun.Kind.POSTCODES], **options)
