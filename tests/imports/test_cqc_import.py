"""Importing the CQC list of care services, against real PostgreSQL."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from providers.imports.models import ImportRun
from providers.imports.sources import import_cqc_file
from providers.register.models import Location, Provider
from tests.conftest import SAMPLE_CQC_CSV, SAMPLE_DIRECTORY, SAMPLE_ODS, SAMPLE_XLSX

pytestmark = pytest.mark.django_db

SAMPLE_SOCIAL_CARE = 26


def read_sample_csv():
    with open(SAMPLE_CQC_CSV, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def to_csv(rows) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def edited_sample(write_file, edit, name="edited.csv"):
    """The sample CSV with `edit(headings, rows)` applied."""
    headings, *rows = read_sample_csv()
    edit(headings, rows)
    return write_file(name, to_csv([headings, *rows]))


def snapshot():
    return sorted(Location.objects.values_list("cqc_location_id", "name", "postcode", "deregistered_on"))


@pytest.mark.parametrize("path", [SAMPLE_ODS, SAMPLE_XLSX, SAMPLE_CQC_CSV], ids=["ods", "xlsx", "csv"])
def test_each_active_locations_format_imports_the_same_services(path):
    run = import_cqc_file(path=path)

    assert run.state == ImportRun.State.SUCCEEDED, run.errors
    assert (run.kind, run.layout) == (ImportRun.Kind.CQC, "HSCA Active Locations")
    assert (run.rows_read, run.added, run.skipped) == (28, SAMPLE_SOCIAL_CARE, 2)
    assert run.skipped_reasons == {"not adult social care (Hospitals)": 1,
                                   "not adult social care (Primary medical services)": 1}
    home = Location.objects.get(cqc_location_id="1-545611300")
    assert home.name == "Sunnyside Lodge"
    assert home.postcode == "L8 1AA"  # typed as "l81aa" in the file
    assert home.ods_code == "VLLWX"
    assert home.category == Location.Category.CARE_HOME and home.beds == 60
    assert home.latitude == pytest.approx(53.3897)
    assert home.service_types == ["Care home service with nursing"]
    assert home.service_user_bands == ["Older People"]
    assert home.rating == "Requires improvement"
    assert str(home.registered_on) == "2011-04-01"
    assert Location.objects.get(cqc_location_id="1-10553191017").category == Location.Category.HOME_CARE
    assert Location.objects.get(cqc_location_id="1-117000007").dormant is True
    assert not Location.objects.filter(cqc_location_id="1-200000001").exists()  # a hospital
    assert Provider.objects.get(cqc_provider_id="1-101671690").ods_code == "AB1X"
    # The date comes from the published file name, when it has one.
    # A file whose name has no date is dated today (or by --as-of).
    assert run.data_as_of == (timezone.localdate() if path == SAMPLE_CQC_CSV else dt.date(2026, 11, 16))
    assert len(run.file_sha256) == 64


def test_reimporting_the_same_file_changes_nothing():
    import_cqc_file(path=SAMPLE_ODS)
    before = list(Location.objects.order_by("id").values())
    run = import_cqc_file(path=SAMPLE_CQC_CSV)
    assert (run.added, run.changed, run.removed, run.unchanged) == (0, 0, 0, SAMPLE_SOCIAL_CARE)
    after = list(Location.objects.order_by("id").values())
    assert [{k: v for k, v in row.items() if k != "updated_at"} for row in before] == \
           [{k: v for k, v in row.items() if k != "updated_at"} for row in after]


def test_a_newer_file_updates_adds_and_deregisters(write_file):
    import_cqc_file(path=SAMPLE_CQC_CSV)

    def edit(headings, rows):
        name = headings.index("Location Name")
        rows[0][name] = "Sunny Side Care Home (renamed)"
        del rows[1]  # Sunnyside Lodge is no longer listed
        extra = list(rows[2])
        extra[headings.index("Location ID")] = "1-999999999"
        extra[name] = "Brand New Home"
        rows.append(extra)

    run = import_cqc_file(path=edited_sample(write_file, edit, "23_November_2026_HSCA_Active_Locations.csv"))

    assert (run.added, run.changed, run.removed) == (1, 1, 1)
    assert Location.objects.get(cqc_location_id="1-545611283").name == "Sunny Side Care Home (renamed)"
    gone = Location.objects.get(cqc_location_id="1-545611300")
    assert str(gone.deregistered_on) == "2026-11-23"  # kept, so its page still works
    assert Location.objects.registered().count() == SAMPLE_SOCIAL_CARE
    assert run.removals == ["Sunnyside Lodge (1-545611300)"]

    # Listed again later: registered again.
    run = import_cqc_file(path=SAMPLE_CQC_CSV)
    assert Location.objects.get(cqc_location_id="1-545611300").deregistered_on is None


def test_the_word_list_is_made_again_only_when_an_import_changes_a_service(write_file):
    from providers.search.models import SearchWord

    import_cqc_file(path=SAMPLE_CQC_CSV)
    assert SearchWord.objects.filter(word="sunnyside").exists()
    SearchWord.objects.filter(word="sunnyside").update(services=99)  # as an edit by hand may leave it

    run = import_cqc_file(path=SAMPLE_CQC_CSV)  # the same file again: no service changes
    assert "search words" not in run.timings
    assert SearchWord.objects.get(word="sunnyside").services == 99

    def rename(headings, rows):
        rows[0][headings.index("Location Name")] = "Marigold Court"

    run = import_cqc_file(path=edited_sample(write_file, rename))
    assert run.changed == 1 and "search words" in run.timings
    assert SearchWord.objects.filter(word="marigold", services=1).exists()
    assert SearchWord.objects.get(word="sunnyside").services == 1  # counted again from the services


def test_dry_run_reports_but_writes_nothing():
    run = import_cqc_file(path=SAMPLE_ODS, dry_run=True)
    assert run.state == ImportRun.State.PREVIEW
    assert run.added == SAMPLE_SOCIAL_CARE
    assert "Sunny Side Care Home (1-545611283)" in run.preview["added"]
    assert Location.objects.count() == 0 and Provider.objects.count() == 0


def test_directory_csv_updates_but_keeps_what_only_active_locations_gives():
    import_cqc_file(path=SAMPLE_ODS)
    # The sample directory lists only 12 of the 26 services, so the removals must be confirmed.
    run = import_cqc_file(path=SAMPLE_DIRECTORY, allow_removals=True)

    assert run.state == ImportRun.State.SUCCEEDED, run.errors
    assert (run.kind, run.layout) == (ImportRun.Kind.CQC, "CQC care directory")
    assert str(run.data_as_of) == "2026-11-16"  # from "This data was produced on ..."
    assert run.skipped_reasons == {"not adult social care (Dentist)": 1}
    home = Location.objects.get(cqc_location_id="1-545611283")
    assert home.ods_code == "VLLWV" and home.latitude == pytest.approx(53.3899)  # kept
    assert home.phone == "01510000000"  # updated from the directory, its leading zero restored
    assert home.service_types == ["Care home service without nursing"]
    helping = Location.objects.get(cqc_location_id="1-10553191017")
    assert helping.category == Location.Category.HOME_CARE
    assert helping.address_line_1 == "Room 107, Level 1, East Wing" and helping.town == "Mansfield"


def test_directory_csv_on_an_empty_database_adds_services():
    run = import_cqc_file(path=SAMPLE_DIRECTORY)
    assert run.added == 12
    assert Location.objects.get(cqc_location_id="1-10553191017").provider.name == "Midshires Care Limited"


# --- Bad input: a clear reason, and nothing changed ----------------------------------


def assert_rejected(path, *expected):
    import_cqc_file(path=SAMPLE_ODS)
    before = snapshot()
    run = import_cqc_file(path=path)
    assert run.state == ImportRun.State.FAILED
    text = " | ".join([run.message, *run.errors])
    for fragment in expected:
        assert fragment in text, text
    assert snapshot() == before
    return run


def test_missing_required_column(write_file):
    def edit(headings, rows):
        headings[headings.index("Location Postal Code")] = "Postcode of location"

    assert_rejected(edited_sample(write_file, edit), "these columns are missing: Location Postal Code")


def test_not_a_cqc_file(write_file):
    assert_rejected(write_file("x.csv", "Name,Town\nA,B\n"), "does not look like a CQC file")


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("Location ID", "", "Row 2: Location ID is blank"),
        ("Location ID", "1-ABC", "Row 2: Location ID '1-ABC' is not a CQC location ID"),
        ("Location Postal Code", "NOT A CODE", "Row 2: Location Postal Code 'NOT A CODE' is not a UK postcode"),
        ("Location Postal Code", "", "Row 2: Location Postal Code is blank"),
        ("Location Latitude", "fifty", "Row 2: Location Latitude 'fifty' is not a number"),
        ("Location Latitude", "12.5", "Row 2: Location Latitude 12.5 is outside the UK"),
        ("Location Longitude", "", "Row 2: Location Latitude and Location Longitude must both be given"),
        ("Care homes beds", "lots", "Row 2: Care homes beds 'lots' is not a number"),
        ("Care home?", "Maybe", "Row 2: Care home? 'Maybe' should be Y or N"),
        ("Location ODS Code", "V!!", "Row 2: Location ODS Code 'V!!' is not an ODS code"),
        ("Provider Name", "", "Row 2: Provider Name is blank"),
        ("Location HSCA start date", "31/02/2011", "Row 2: Location HSCA start date '31/02/2011' is not a date"),
    ],
)
def test_bad_values_are_reported_by_row(write_file, column, value, message):
    def edit(headings, rows):
        rows[0][headings.index(column)] = value

    run = assert_rejected(edited_sample(write_file, edit), message, "Nothing was imported")
    assert run.error_count == 1


def test_every_bad_row_is_listed(write_file):
    def edit(headings, rows):
        for row in rows[:5]:
            row[headings.index("Location Postal Code")] = "??"

    run = assert_rejected(edited_sample(write_file, edit), "Row 2:", "Row 6:")
    assert run.error_count == 5


def test_duplicate_ids(write_file):
    def edit(headings, rows):
        rows.append(list(rows[0]))

    assert_rejected(edited_sample(write_file, edit),
                    "Row 30: Location ID 1-545611283 appears more than once (first on row 2)")


def test_wrong_encoding(write_file):
    text = to_csv(read_sample_csv()).replace("Café Court Care Ltd", "Caf\xe9 Court Care Ltd")
    assert_rejected(write_file("cp1252.csv", text.encode("cp1252")), "not saved as UTF-8")


def test_bom_is_accepted(write_file):
    path = write_file("bom.csv", "\ufeff" + to_csv(read_sample_csv()))
    assert import_cqc_file(path=path).state == ImportRun.State.SUCCEEDED


@pytest.mark.parametrize("content, message", [(b"", "The file is empty"), (b"\x00\x01\x02", "not text")])
def test_empty_and_binary_files(write_file, content, message):
    assert_rejected(write_file("bad.csv", content), message)


def test_header_only(write_file):
    assert_rejected(write_file("header.csv", to_csv(read_sample_csv()[:1])), "no data rows")


def test_a_file_with_no_social_care_services_is_refused(write_file):
    # Guards against deregistering every service because the wrong file was chosen.
    def edit(headings, rows):
        for row in rows:
            row[headings.index("Location Inspection Directorate")] = "Hospitals"

    assert_rejected(edited_sample(write_file, edit), "no adult social care services")


def test_imported_text_is_stored_as_text_not_markup():
    import_cqc_file(path=SAMPLE_ODS)
    assert Location.objects.get(cqc_location_id="1-117000006").name == "<b>Bold</b> Care & Co"


def test_a_file_that_would_deregister_many_services_needs_confirming():
    import_cqc_file(path=SAMPLE_ODS)
    before = snapshot()
    preview = import_cqc_file(path=SAMPLE_DIRECTORY, dry_run=True)
    assert preview.state == ImportRun.State.PREVIEW and preview.removed == 14
    assert "would mark 14 of the 26 registered care services" in preview.preview["warning"][0]
    run = import_cqc_file(path=SAMPLE_DIRECTORY)
    assert run.state == ImportRun.State.FAILED
    assert "may be cut short or not the full list" in run.message and "--allow-removals" in run.message
    assert snapshot() == before
    assert import_cqc_file(path=SAMPLE_DIRECTORY, allow_removals=True).state == ImportRun.State.SUCCEEDED


@pytest.mark.django_db
def test_real_directory_service_types_and_the_older_id_heading(write_file):
    text = SAMPLE_DIRECTORY.read_text(encoding="utf-8")
    text = text.replace("CQC Location ID (for office use only)", "CQC Location (for office use only")
    lines = text.splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith("Name,"))
    template = lines[header_at + 1].split(",")
    extra = []
    for n, kind in enumerate(["Supported housing", "Education disability services"]):
        row = next(csv.reader([lines[header_at + 1]]))
        row[0], row[6] = f"Real Type {n}", kind
        row[13] = f"1-99900000{n}"
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(row)
        extra.append(out.getvalue())
    assert template  # the sample has at least one data row to copy
    run = import_cqc_file(path=write_file("16_November_2026_CQC_directory.csv", "\n".join(lines + extra) + "\n"))
    assert run.state == ImportRun.State.SUCCEEDED, (run.message, run.errors)
    assert Location.objects.get(cqc_location_id="1-999000000").service_types == ["Supported housing service"]
    assert Location.objects.get(cqc_location_id="1-999000001").service_types == ["Specialist college service"]


@pytest.mark.django_db
def test_a_file_without_a_date_in_its_name_is_dated_by_as_of(write_file):
    path = write_file("locations.csv", SAMPLE_CQC_CSV.read_text(encoding="utf-8"))
    run = import_cqc_file(path=path, dry_run=True, as_of=dt.date(2026, 10, 1))
    assert run.data_as_of == dt.date(2026, 10, 1)
    assert run.preview["data as of"] == ["01 October 2026 (from the date given)"]
    named = write_file("01_09_2026_locations.csv", SAMPLE_CQC_CSV.read_text(encoding="utf-8"))
    assert import_cqc_file(path=named, dry_run=True, as_of=dt.date(2026, 10, 1)).data_as_of == dt.date(2026, 9, 1)
