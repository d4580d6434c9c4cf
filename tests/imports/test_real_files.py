"""Real public files import as published: out-of-scope rows skipped, odd rows set aside, counts asserted.

The files are in fixtures/real/ (see its SOURCES.md). The import policy is in
docs/import-policy.md: a readable file imports without the rows it cannot
read, listing each; a broken file, or one with more than 1% of its rows set
aside, is rejected whole with nothing written.
"""

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings

from benchmarks.generate import location_records
from providers.imports import formats
from providers.imports.models import ImportRun
from providers.imports.sources import import_cqc_file, import_dspt_file
from providers.register import phones
from providers.register.models import DsptAssessment, DsptOrganisation, Location

REAL = Path(settings.BASE_DIR) / "fixtures" / "real"
LINCOLNSHIRE = REAL / "lincolnshire_ratings_as_hsca_layout.csv"
DSPT_2019 = REAL / "DSPT search results 17_06_2019 15_25_54 (2019 publication, 2023 layout, all rows).csv"
DSPT_2022_NO_CODE = REAL / "DSPT search results 08_02_2022 15_17_38 (open-cyber NHS subset, 2022 layout).csv"
DSPT_2022_WITH_CODE = REAL / "DSPT search results 08_02_2022 15_17_38 (open-cyber NHS subset, 2022 layout with Code).csv"
DSPT_2023_NHS = REAL / "DSPT search results 17_10_2023 08_55_43 (open-cyber NHS subset, 2023 layout).csv"
TRUSTS_16_11_23 = REAL / "dspt_trusts_snapshot_16_11_23.csv"
DEVON_API = REAL / "cqc_care_homes_devon_api_2021.csv"

pytestmark = pytest.mark.django_db


def real_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_the_real_lincolnshire_file_imports_whole():
    run = import_cqc_file(path=LINCOLNSHIRE)
    assert run.state == ImportRun.State.SUCCEEDED, (run.message, run.errors)
    assert (run.rows_read, run.added, run.skipped, run.error_count) == (478, 356, 122, 0)
    assert run.skipped_reasons == {"not adult social care (Primary medical services)": 95,
                                   "not adult social care (Hospitals)": 27}
    assert Location.objects.count() == 356
    # The six NHS hospital sites (Location ID = ODS code) were skipped as out of scope, not rejected.
    assert not Location.objects.filter(cqc_location_id__in=["RWDDA", "RGN49", "RY5H1"]).exists()
    miramar = Location.objects.get(name="Miramar Nursing Home")
    assert miramar.town and miramar.postcode.startswith(("LN", "PE", "NG", "DN"))


def test_an_nhs_run_adult_social_care_location_imports_like_any_other(write_file):
    text = LINCOLNSHIRE.read_text(encoding="utf-8")
    header, *lines = text.splitlines()
    nhs = next(line for line in lines if line.startswith("RWDDA,"))
    assert ",Hospitals," in nhs
    path = write_file("nhs_asc.csv", header + "\n" + nhs.replace(",Hospitals,", ",Adult social care,") + "\n")
    run = import_cqc_file(path=path)
    assert run.state == ImportRun.State.SUCCEEDED, (run.message, run.errors)
    assert Location.objects.get(cqc_location_id="RWDDA").provider.ods_code == "RWD"


def test_the_real_2019_dspt_publication_imports_with_its_odd_rows_set_aside():
    run = import_dspt_file(path=DSPT_2019)
    assert run.state == ImportRun.State.SUCCEEDED, run.message
    rows = real_rows(DSPT_2019)
    text_dates = sum(r["Date Of Publication"] == "CompletedThroughQIO" for r in rows)
    assert (len(rows), text_dates) == (31970, 184)
    # 184 text dates, and four codes that are not codes (a date Excel made
    # from APR6, two names typed as codes, one code with 'REMOVE' stuck on).
    assert (run.rows_read, run.error_count, run.added) == (31970, 188, 31782)
    assert run.data_as_of == dt.date(2019, 6, 17)
    assert "Row 15954: Code '2006-04-01' is a date, not a code" in " ".join(run.errors)
    assert len(run.errors) == 188 and all(line.startswith("Row ") for line in run.errors)
    # Hyphenated, lower-case and numeric codes are kept.
    assert DsptOrganisation.objects.filter(ods_code__in=["V10679-765139", "EE133904-ECC04", "V12951", "204"]).count() == 4
    # Legacy statuses are kept as published, as their own "other" status, and counted in the preview.
    assert DsptAssessment.objects.filter(status="other").count() == 1247 + 119 + 14
    assert run.preview["statuses we do not recognise (kept as published)"] == [
        "18/19 Entry Level: 1247 rows", "18/19 Standards not fully met (plan agreed): 119 rows", "19/20 Entry Level: 14 rows",
    ]
    assert DsptAssessment.objects.filter(status="exceeded", year_start=2018).count() == 480


def test_the_2022_layout_without_a_code_column_takes_only_real_codes_from_names():
    run = import_dspt_file(path=DSPT_2022_NO_CODE)
    assert run.state == ImportRun.State.SUCCEEDED, (run.message, run.errors)
    assert (run.rows_read, run.added, run.skipped, run.error_count) == (351, 2, 349, 0)
    assert set(DsptOrganisation.objects.values_list("ods_code", flat=True)) == {"R0B", "RY4"}
    assert not DsptOrganisation.objects.filter(ods_code="CLOSED").exists()  # 'NHS Luton CCG (CLOSED)'


@pytest.mark.parametrize("path, rows, added, as_of", [
    (DSPT_2022_WITH_CODE, 351, 351, dt.date(2022, 2, 8)),
    (DSPT_2023_NHS, 364, 364, dt.date(2023, 10, 17)),
    (TRUSTS_16_11_23, 211, 211, dt.date(2023, 11, 16)),  # pandas index column; a two-digit year in its name
], ids=["2022 with Code", "2023 NHS subset", "trusts 16_11_23"])
def test_real_dspt_exports_import_whole(path, rows, added, as_of):
    run = import_dspt_file(path=path)
    assert run.state == ImportRun.State.SUCCEEDED, (run.message, run.errors)
    assert (run.rows_read, run.added, run.error_count, run.data_as_of) == (rows, added, 0, as_of)


def test_a_file_that_is_not_an_export_is_refused_clearly():
    run = import_cqc_file(path=DEVON_API)
    assert run.state == ImportRun.State.FAILED
    assert "does not look like a CQC file" in run.message
    run = import_dspt_file(path=DEVON_API)
    assert "does not look like a DSPT export" in run.message
    assert Location.objects.count() == DsptOrganisation.objects.count() == 0


def test_real_phone_numbers_get_their_leading_zero_back():
    numbers = [r["mainPhoneNumber"] for r in real_rows(DEVON_API) if r["mainPhoneNumber"].strip()]
    assert len(numbers) == 716 and not any(n.startswith("0") for n in numbers)
    tidied = [formats.parse_phone(n) for n in numbers]
    assert sum(t.startswith("0") for t in tidied) == 715  # one has 11 digits without its zero: kept as written
    assert sum(phones.phone_display(t) != t for t in tidied) == 713  # 713 are real UK numbers, shown grouped
    assert formats.parse_phone("1392491261") == "01392491261"
    assert phones.phone_display("01392491261") == "01392 491261"
    assert phones.phone_link("01392491261") == "tel:+441392491261"


def write_national_file(path: Path, *, count: int, bad_every: int) -> int:
    """A national-scale Active Locations CSV in which every `bad_every`th row has an unreadable postcode."""
    headings = formats.ACTIVE_LOCATIONS_HEADINGS
    bad = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(headings)
        for n, values in enumerate(location_records(count)):
            if n % bad_every == 1 and values["Location Inspection Directorate"] == "Adult social care":
                values["Location Postal Code"] = "NOT A POSTCODE"
                bad += 1
            writer.writerow([values.get(h, "") for h in headings])
    return bad


def test_a_national_file_with_a_few_odd_rows_imports_and_one_with_many_is_rejected(tmp_path):
    few = tmp_path / "16_November_2026_HSCA_Active_Locations.csv"
    bad = write_national_file(few, count=30_000, bad_every=200)  # 0.5%
    run = import_cqc_file(path=few)
    assert run.state == ImportRun.State.SUCCEEDED, run.message
    assert run.error_count == bad == 150  # 0.5% of 30,000
    assert f"{bad} rows could not be read and were set aside" in run.message
    assert run.errors[0] == "Row 3: Location Postal Code 'NOT A POSTCODE' is not a UK postcode"
    assert Location.objects.count() == run.added == run.rows_read - run.skipped - bad
    before = sorted(Location.objects.values_list("cqc_location_id", "postcode", "deregistered_on"))

    many = tmp_path / "17_November_2026_HSCA_Active_Locations.csv"
    bad = write_national_file(many, count=30_000, bad_every=20)  # 5%
    run = import_cqc_file(path=many)
    assert run.state == ImportRun.State.FAILED
    assert run.error_count == bad and f"{bad} of 30000 rows" in run.message and "more than the 1%" in run.message
    assert sorted(Location.objects.values_list("cqc_location_id", "postcode", "deregistered_on")) == before
