"""A Location ODS code used by two providers' services is reported and never shows one the other's result."""

import pytest

from providers.imports.cqc import SHARED_CODES_LABEL
from providers.imports.models import ImportRun
from providers.imports.sources import import_cqc_file, import_dspt_file
from providers.register.models import Location
from tests.conftest import SAMPLE_CQC_CSV, SAMPLE_DSPT

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_code_file(tmp_path):
    """The sample file, with Rose Cottage (Mrs Jean O'Brien) given Sunny Side Care Home's code VLLWV."""
    text = SAMPLE_CQC_CSV.read_text(encoding="utf-8")
    assert text.count("Rose Cottage,VN2RC,") == 1
    path = tmp_path / "shared.csv"
    path.write_text(text.replace("Rose Cottage,VN2RC,", "Rose Cottage,VLLWV,"), encoding="utf-8")
    return path


def test_the_preview_lists_the_shared_code(shared_code_file):
    run = import_cqc_file(path=shared_code_file, dry_run=True)
    assert run.state == ImportRun.State.PREVIEW
    assert run.preview[SHARED_CODES_LABEL] == [
        "Row 19: Location ODS Code VLLWV is also used by Sunny Side Care Home of Sunny Side Care Homes Ltd (row 2)"
    ]


def test_neither_service_shows_the_codes_result_as_its_own(shared_code_file, client):
    assert import_dspt_file(path=SAMPLE_DSPT).state == ImportRun.State.SUCCEEDED
    assert import_cqc_file(path=SAMPLE_CQC_CSV).state == ImportRun.State.SUCCEEDED
    assert Location.objects.get(name="Sunny Side Care Home").dspt_match == "location"  # before: its own

    assert import_cqc_file(path=shared_code_file).state == ImportRun.State.SUCCEEDED
    for name in ("Sunny Side Care Home", "Rose Cottage"):
        service = Location.objects.get(name=name)
        assert (service.dspt_match, service.dspt_organisation) == ("shared_code", None)
        page = client.get(f"/services/{service.cqc_location_id}/").content.decode()
        assert "we cannot tell which check belongs to this service" in page
        assert "own record" not in page and "Meets the standard" not in page

    listing = client.get("/ods/VLLWV/")
    assert listing.status_code == 200  # a choice, not a redirect to whichever came first
    body = listing.content.decode()
    assert "Care services run by different companies use the NHS code VLLWV" in body
    assert "Sunny Side Care Home" in body and "Rose Cottage" in body and "Mrs Jean O&#x27;Brien" in body
