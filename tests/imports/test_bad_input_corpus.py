"""Every file in the bad-input corpus is refused with a clear reason, and nothing changes."""

import csv
from pathlib import Path

import pytest

from providers.imports.models import ImportRun
from providers.imports.sources import import_cqc_file, import_dspt_file
from providers.register.models import DsptAssessment, DsptOrganisation, Location, Provider
from tests.conftest import SAMPLE_DSPT, SAMPLE_ODS

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
IMPORTERS = {"cqc": import_cqc_file, "dspt": import_dspt_file}
with open(CORPUS / "expected.csv", newline="", encoding="utf-8") as handle:
    EXPECTED = list(csv.DictReader(handle))

pytestmark = pytest.mark.django_db


def everything():
    """A fingerprint of all the data an import could change."""
    return (
        sorted(Location.objects.values_list("cqc_location_id", "name", "postcode", "ods_code", "deregistered_on",
                                            "dspt_organisation_id", "dspt_match")),
        sorted(Provider.objects.values_list("cqc_provider_id", "name", "ods_code")),
        sorted(DsptOrganisation.objects.values_list("ods_code", "name", "current_assessment_id")),
        sorted(DsptAssessment.objects.values_list("organisation_id", "status", "year_start", "published_on")),
    )


@pytest.fixture
def existing_data():
    assert import_cqc_file(path=SAMPLE_ODS).state == ImportRun.State.SUCCEEDED
    assert import_dspt_file(path=SAMPLE_DSPT).state == ImportRun.State.SUCCEEDED
    return everything()


def test_every_rejected_file_is_listed():
    assert sorted(p.name for p in (CORPUS / "rejected").iterdir()) == sorted(row["file"] for row in EXPECTED)


@pytest.mark.parametrize("case", EXPECTED, ids=lambda case: case["file"])
def test_rejected_with_a_clear_reason_and_nothing_changed(existing_data, case):
    run = IMPORTERS[case["importer"]](path=CORPUS / "rejected" / case["file"])
    assert run.state == ImportRun.State.FAILED
    said = " | ".join([run.message, *run.errors])
    assert case["reason"] in said, said
    assert "Traceback" not in said
    assert everything() == existing_data


@pytest.mark.parametrize("path", sorted((CORPUS / "accepted").iterdir()), ids=lambda p: p.name)
def test_awkward_but_valid_files_import(existing_data, path):
    importer = import_cqc_file if path.name.startswith("cqc") else import_dspt_file
    run = importer(path=path)
    assert run.state == ImportRun.State.SUCCEEDED, (run.message, run.errors)
    assert (run.added, run.changed) == (0, 0)  # the same data as the sample, just awkwardly written
    assert everything() == existing_data


def test_odd_but_readable_values_are_kept_as_written(existing_data, client):
    run = import_cqc_file(path=CORPUS / "kept" / "cqc_formula.csv")
    assert run.state == ImportRun.State.SUCCEEDED, (run.message, run.errors)
    assert Location.objects.get(cqc_location_id="1-545611283").name == '=HYPERLINK("http://evil.example","Click me")'
    area_csv = client.get("/areas/liverpool.csv")
    body = b"".join(area_csv.streaming_content).decode()
    assert "'=HYPERLINK" in body and ',=HYPERLINK' not in body  # neutralised where it meets a spreadsheet

    run = import_dspt_file(path=CORPUS / "kept" / "dspt_formula.csv")
    assert run.state == ImportRun.State.SUCCEEDED, (run.message, run.errors)
    assert DsptOrganisation.objects.filter(name="@SUM(1+1)*cmd|' /C calc'!A0").exists()


def test_a_status_we_do_not_recognise_is_kept_and_listed_in_the_preview(existing_data):
    run = import_dspt_file(path=CORPUS / "kept" / "dspt_bad_status.csv", dry_run=True)
    assert run.state == ImportRun.State.PREVIEW
    assert run.preview["statuses we do not recognise (kept as published)"] == ["25/26 Standards Brilliant: 1 row"]
    assert import_dspt_file(path=CORPUS / "kept" / "dspt_bad_status.csv").state == ImportRun.State.SUCCEEDED
    current = DsptOrganisation.objects.get(ods_code="VLLWY").current_assessment
    assert (current.status, current.year_start, current.status_text) == ("other", 2025, "25/26 Standards Brilliant")


@pytest.mark.parametrize("length, reason", [
    (20_000, "Row 2: a value is longer than 10,000 characters."),
    (2_000_000, "Line 2 of the file is longer than 1,000,000 characters."),
])
def test_a_very_large_cell_is_refused(existing_data, tmp_path, length, reason):
    path = tmp_path / "huge.csv"
    header = (CORPUS.parent.parent / "fixtures" / "cqc_active_locations.csv").read_text(encoding="utf-8").splitlines()[0]
    path.write_text(header + "\n1-123456789," + "x" * length + "\n", encoding="utf-8")
    run = import_cqc_file(path=path)
    assert run.state == ImportRun.State.FAILED
    assert reason in run.message
    assert "xxxxx" not in run.message  # the value itself is never copied into the report
    assert everything() == existing_data


def test_a_very_large_file_is_refused_by_the_admin_upload(admin_client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.IMPORT_UPLOAD_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.csv", b"Location ID\n" + b"1-123456789\n" * 100_000)
    response = admin_client.post(reverse("admin:providers_importrun_upload"), {"kind": "cqc", "file": big})
    assert "The file is larger than 1 MB." in response.content.decode()
    assert ImportRun.objects.count() == 0
