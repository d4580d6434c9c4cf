"""Importing the DSPT export: statuses, history, matching and bad input."""

import datetime as dt

import pytest

from providers.imports.dspt import parse_status
from providers.imports.formats import date_in_file_name
from providers.imports.models import ImportRun
from providers.imports.sources import import_cqc_file, import_dspt_file
from providers.register.models import DsptAssessment, DsptOrganisation, Location
from tests.conftest import SAMPLE_DSPT, SAMPLE_DSPT_2022, SAMPLE_ODS
from tests.factories import LocationFactory, ProviderFactory, organisation_with_status

HEADER_2023 = 'Code,Organisation Name,Status,Date Of Publication,Primary Sector,"Integrated Care Board (where available, from ODS)"\n'


@pytest.mark.parametrize(
    "text, expected",
    [
        ("22/23 Standards Met", ("met", 2022)),
        ("22/23 Standards Exceeded", ("exceeded", 2022)),
        ("22/23 Approaching Standards", ("approaching", 2022)),
        ("22/23 Standards Not Met", ("not_met", 2022)),
        ("24/25 Approaching Standards", ("approaching", 2024)),
        ("21/22 Standards Met.", ("met", 2021)),
        ("2024-25 Standards Met", ("met", 2024)),
        ("2024-2025 Standards Met", ("met", 2024)),
        ("  20/21   standards met ", ("met", 2020)),
        ("Not Published", ("not_published", None)),
        ("Not Published.", ("not_published", None)),
        ("not published", ("not_published", None)),
    ],
)
def test_parse_every_status_form(text, expected):
    assert parse_status(text) == expected


@pytest.mark.parametrize("text", ["22/24 Standards Met", "99/00 Standards Met"])
def test_parse_rejects_a_known_status_with_an_impossible_year(text):
    with pytest.raises(ValueError):
        parse_status(text)


def test_a_status_read_on_one_day_is_read_afresh_on_another():
    # Statuses are remembered (a file has a dozen, 60,000 times over); what a year means depends on the day.
    assert parse_status("28/29 Standards Met", today=dt.date(2027, 7, 1)) == ("met", 2028)
    with pytest.raises(ValueError):
        parse_status("28/29 Standards Met", today=dt.date(2026, 7, 1))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("18/19 Entry Level", ("other", 2018)),
        ("18/19 Standards not fully met (plan agreed)", ("other", 2018)),
        ("Standards Met (19-20)", ("other", 2019)),
        ("Standards Met", ("other", None)),
        ("22/23 Brilliant", ("other", 2022)),
        ("Published", ("other", None)),
    ],
)
def test_statuses_we_do_not_recognise_are_kept_as_other(text, expected):
    assert parse_status(text) == expected


def test_date_from_the_downloaded_file_name():
    assert date_in_file_name("DSPT search results 17_10_2023 08_55_43.csv") == dt.date(2023, 10, 17)
    assert date_in_file_name("16_September_2026_HSCA_Active_Locations.ods") == dt.date(2026, 9, 16)
    assert date_in_file_name("export.csv") is None
    assert date_in_file_name("99_99_2026.csv") is None


@pytest.mark.django_db
def test_import_the_2023_export():
    run = import_dspt_file(path=SAMPLE_DSPT)
    assert run.state == ImportRun.State.SUCCEEDED, run.errors
    assert (run.rows_read, run.added) == (26, 26)
    assert run.data_as_of == dt.date(2026, 11, 20)
    trust = DsptOrganisation.objects.get(ods_code="R0B")
    assert trust.name == "SOUTH TYNESIDE AND SUNDERLAND NHS FOUNDATION TRUST"  # code in brackets removed
    assert trust.current_assessment.status == "exceeded" and trust.current_assessment.year_start == 2025
    lapsed = DsptOrganisation.objects.get(ods_code="RA4").current_assessment
    assert (lapsed.status, lapsed.year_start, lapsed.published_on) == ("not_published", None, dt.date(2022, 6, 28))
    assert DsptOrganisation.objects.get(ods_code="VLLRZ").current_assessment.published_on is None
    assert DsptOrganisation.objects.get(ods_code="VM1SD").current_assessment.status_text == "21/22 Standards Met."


@pytest.mark.django_db
def test_import_the_2022_export_with_latest_status_column():
    run = import_dspt_file(path=SAMPLE_DSPT_2022)
    assert run.state == ImportRun.State.SUCCEEDED, run.errors
    assert run.added == 4  # three codes in brackets, and one name already with its code
    assert run.skipped == 2
    assert DsptOrganisation.objects.get(ods_code="VLLWV").integrated_care_board.startswith("NHS CHESHIRE")


@pytest.mark.django_db
def test_reimport_is_idempotent():
    import_dspt_file(path=SAMPLE_DSPT)
    counts = (DsptOrganisation.objects.count(), DsptAssessment.objects.count())
    run = import_dspt_file(path=SAMPLE_DSPT)
    assert (run.added, run.changed, run.unchanged) == (0, 0, 26)
    assert (DsptOrganisation.objects.count(), DsptAssessment.objects.count()) == counts


@pytest.mark.django_db
def test_an_organisation_the_file_leaves_as_it_is_is_not_written_again(write_file):
    from django.db import connection

    def row_versions():  # an UPDATE writes a new version of the row, at a new place (ctid)
        with connection.cursor() as cursor:
            cursor.execute("SELECT ods_code, ctid::text FROM providers_dsptorganisation ORDER BY ods_code")
            return dict(cursor.fetchall())

    import_dspt_file(path=SAMPLE_DSPT)
    before = row_versions()
    import_dspt_file(path=SAMPLE_DSPT)
    assert row_versions() == before
    renamed = write_file(SAMPLE_DSPT.name, SAMPLE_DSPT.read_text(encoding="utf-8").replace(
        "SUNNY SIDE CARE HOME", "SUNNY SIDE CARE HOME LTD", 1))
    run = import_dspt_file(path=renamed)
    after = row_versions()
    assert run.changed == 1
    assert [code for code in before if after[code] != before[code]] == ["VLLWV"]


@pytest.mark.django_db
def test_noting_the_next_days_date_on_every_organisation_touches_no_index(write_file):
    # Each day's file notes its date on all 60,000 organisations. Stored with room beside each row
    # (migration 0027) the new versions fit on their pages: heap-only updates, no index entries.
    from django.db import connection

    rows = "".join(f"V{number:05d},CARE HOME NUMBER {number} LIMITED,25/26 Standards Met,12/06/2026,Care Home,"
                   f"NHS CHESHIRE AND MERSEYSIDE INTEGRATED CARE BOARD\n" for number in range(600))
    def updates():  # (rows updated, of which heap-only) in this transaction so far
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_get_xact_tuples_updated(oid), pg_stat_get_xact_tuples_hot_updated(oid) "
                           "FROM pg_class WHERE relname = 'providers_dsptorganisation'")
            return cursor.fetchone()

    first = import_dspt_file(path=write_file("DSPT search results 01_12_2026 09_00_00.csv", HEADER_2023 + rows))
    before = updates()
    next_day = import_dspt_file(path=write_file("DSPT search results 02_12_2026 09_00_00.csv", HEADER_2023 + rows))
    after = updates()
    assert (first.added, next_day.added, next_day.changed) == (600, 0, 0)
    assert DsptOrganisation.objects.filter(data_as_of=dt.date(2026, 12, 2)).count() == 600
    assert (after[0] - before[0], after[1] - before[1]) == (600, 600)


@pytest.mark.django_db
def test_history_is_kept_and_the_newest_file_wins(write_file):
    older = write_file("DSPT search results 01_07_2025 09_00_00.csv",
                       HEADER_2023 + "VLLWV,SUNNY SIDE CARE HOME,24/25 Standards Met,20/06/2025,Care Home,\n")
    newer = write_file("DSPT search results 01_07_2026 09_00_00.csv",
                       HEADER_2023 + "VLLWV,SUNNY SIDE CARE HOME,25/26 Standards Met,12/06/2026,Care Home,\n")
    import_dspt_file(path=older)
    run = import_dspt_file(path=newer)
    assert run.changed == 1
    organisation = DsptOrganisation.objects.get(ods_code="VLLWV")
    assert [a.year_start for a in organisation.assessments.all()] == [2025, 2024]  # newest first
    assert organisation.current_assessment.year_start == 2025

    # Importing the older file again adds nothing and does not turn the clock back.
    run = import_dspt_file(path=older)
    organisation.refresh_from_db()
    assert organisation.current_assessment.year_start == 2025
    assert organisation.assessments.count() == 2


@pytest.mark.django_db
def test_matching_by_location_code_then_provider_code():
    import_cqc_file(path=SAMPLE_ODS)
    import_dspt_file(path=SAMPLE_DSPT)
    own = Location.objects.get(cqc_location_id="1-545611283")
    assert (own.dspt_match, own.dspt_organisation.ods_code) == ("location", "VLLWV")
    by_provider = Location.objects.get(cqc_location_id="1-10553191017")  # no code of its own
    assert (by_provider.dspt_match, by_provider.dspt_organisation.ods_code) == ("provider", "AB1X")
    fallback = Location.objects.get(cqc_location_id="1-113000001")  # Northern Lights - Jesmond
    assert fallback.dspt_match == "provider"
    unmatched = Location.objects.get(cqc_location_id="1-117000003")  # code VJ0T2 not in DSPT data
    assert (unmatched.dspt_match, unmatched.dspt_organisation) == ("", None)
    assert unmatched.dspt_status().code == "not_found"


@pytest.mark.django_db
def test_matching_follows_either_import_order():
    import_dspt_file(path=SAMPLE_DSPT)
    import_cqc_file(path=SAMPLE_ODS)
    assert Location.objects.get(cqc_location_id="1-545611283").dspt_match == "location"


@pytest.mark.django_db
def test_status_of_a_matched_service_on_a_given_day():
    provider = ProviderFactory(ods_code="AB12")
    location = LocationFactory(provider=provider, ods_code="")
    organisation_with_status(ods_code="AB12", status="met", year_start=2024, status_text="24/25 Standards Met")
    from providers.register.matching import rematch_locations

    rematch_locations()
    location = Location.objects.with_dspt_status().get(pk=location.pk)
    assert location.dspt_match == "provider"
    assert location.dspt_status(dt.date(2026, 6, 30)).code == "meets"
    assert location.dspt_status(dt.date(2026, 7, 1)).code == "out_of_date"


# --- Bad input ---------------------------------------------------------------------


def assert_rejected(path, *expected):
    import_dspt_file(path=SAMPLE_DSPT)
    before = sorted(DsptAssessment.objects.values_list("organisation__ods_code", "status", "year_start", "published_on"))
    run = import_dspt_file(path=path)
    assert run.state == ImportRun.State.FAILED
    text = " | ".join([run.message, *run.errors])
    for fragment in expected:
        assert fragment in text, text
    after = sorted(DsptAssessment.objects.values_list("organisation__ods_code", "status", "year_start", "published_on"))
    assert after == before
    return run


@pytest.mark.django_db
@pytest.mark.parametrize(
    "row, message",
    [
        ("VLLWV,SUNNY SIDE,25/26 Standards Met,,Care Home,", "Row 2: Date Of Publication is blank"),
        ("VLLWV,SUNNY SIDE,25/26 Standards Met,31/13/2026,Care Home,", "Row 2: Date Of Publication '31/13/2026' is not a date"),
        ("VLLWV,SUNNY SIDE,25/26 Standards Met,01/01/2099,Care Home,", "Row 2: Date Of Publication 01/01/2099 is in the future"),
        (",SUNNY SIDE,25/26 Standards Met,12/06/2026,Care Home,", "Row 2: Code is blank"),
        ("V L!,SUNNY SIDE,25/26 Standards Met,12/06/2026,Care Home,", "Row 2: Code 'V L!' is not an ODS code"),
        ("2006-04-01,APRIL HOUSE,25/26 Standards Met,12/06/2026,Care Home,", "Row 2: Code '2006-04-01' is a date, not a code"),
        ("VLLWV,SUNNY SIDE,CompletedThroughQIO,CompletedThroughQIO,Care Home,",
         "Row 2: Date Of Publication 'CompletedThroughQIO' is not a date"),
        ("VLLWV,,25/26 Standards Met,12/06/2026,Care Home,", "Row 2: Organisation Name is blank"),
        ("VLLWV,SUNNY SIDE,,12/06/2026,Care Home,", "Row 2: Status is blank"),
    ],
)
def test_bad_rows(write_file, row, message):
    assert_rejected(write_file("bad.csv", HEADER_2023 + row + "\n"), message, "Nothing was imported")


@pytest.mark.django_db
def test_duplicate_codes(write_file):
    rows = "VLLWV,A,25/26 Standards Met,12/06/2026,Care Home,\nVLLWV,A,24/25 Standards Met,12/06/2025,Care Home,\n"
    assert_rejected(write_file("dup.csv", HEADER_2023 + rows), "Row 3: Code VLLWV appears more than once (first on row 2)")


@pytest.mark.django_db
def test_missing_status_column(write_file):
    assert_rejected(write_file("x.csv", "Code,Organisation Name,Date Of Publication\nA1,B,01/01/2025\n"),
                    "the 'Status' column is missing")


@pytest.mark.django_db
def test_not_a_dspt_file(write_file):
    assert_rejected(write_file("x.csv", "Name,Town\nA,B\n"), "does not look like a DSPT export")


@pytest.mark.django_db
def test_a_cqc_file_given_as_dspt_is_rejected():
    assert_rejected(SAMPLE_ODS, "does not look like a DSPT export")


@pytest.mark.django_db
def test_dry_run_writes_nothing():
    run = import_dspt_file(path=SAMPLE_DSPT, dry_run=True)
    assert run.state == ImportRun.State.PREVIEW and run.added == 26
    assert DsptOrganisation.objects.count() == 0


@pytest.mark.django_db
def test_import_an_xlsx_copy_of_the_export(tmp_path):
    import csv

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    with open(SAMPLE_DSPT, newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    path = tmp_path / "DSPT search results 20_11_2026 09_15_02.xlsx"
    workbook.save(path)
    run = import_dspt_file(path=path)
    assert run.state == ImportRun.State.SUCCEEDED, run.errors
    assert run.added == 26
    assert DsptOrganisation.objects.get(ods_code="VLLWX").current_assessment.status == "approaching"


@pytest.mark.parametrize("name, date", [
    ("dspt_trusts_snapshot_16_11_23.csv", dt.date(2023, 11, 16)),
    ("DSPT search results 17_10_2023 08_55_43.csv", dt.date(2023, 10, 17)),
    ("16_November_2026_HSCA_Active_Locations.ods", dt.date(2026, 11, 16)),
    ("export.csv", None),
])
def test_file_name_dates_in_every_form(name, date):
    assert date_in_file_name(name) == date


@pytest.mark.parametrize("text, code", [
    ("v12951", "V12951"), ("V10679-765139", "V10679-765139"), ("EE133904-ECC04", "EE133904-ECC04"), ("204", "204"),
    ("204.0", "204"), ("8hk29", "8HK29"),
])
def test_dspt_codes_as_they_really_come(text, code):
    from providers.imports.formats import parse_dspt_code

    assert parse_dspt_code(text) == code


@pytest.mark.django_db
def test_a_name_in_brackets_is_a_code_only_when_it_looks_like_one(write_file):
    rows = ("NHS Luton CCG (CLOSED),Not Published,,CCG,\n"
            "Northumbria Healthcare (Hexham),20/21 Standards Met,01/06/2021,NHS Trust,\n"
            "SOUTH TYNESIDE AND SUNDERLAND NHS FOUNDATION TRUST (R0B),20/21 Standards Met,01/06/2021,NHS Trust,\n")
    header = "Organisation Name,Latest Status,Date Of Publication,Primary Sector,Commissioner (From ODS)\n"
    run = import_dspt_file(path=write_file("DSPT search results 08_02_2022 15_17_38.csv", header + rows))
    assert run.state == ImportRun.State.SUCCEEDED, run.errors
    assert list(DsptOrganisation.objects.values_list("ods_code", "name")) == [
        ("R0B", "SOUTH TYNESIDE AND SUNDERLAND NHS FOUNDATION TRUST")]
    assert run.skipped == 2
