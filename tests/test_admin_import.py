"""Admin upload: preview first, every rejected row shown, import only on confirm."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from providers.models import DsptOrganisation, ImportRun, Location
from tests.conftest import SAMPLE_DSPT, SAMPLE_ODS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_uploads(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"


def upload(client, path, source="cqc", name=None, content=None):
    data = content if content is not None else path.read_bytes()
    file = SimpleUploadedFile(name or path.name, data)
    return client.post(reverse("admin:providers_importrun_upload"), {"source": source, "file": file}, follow=True)


def test_upload_needs_a_staff_login(client):
    response = client.get(reverse("admin:providers_importrun_upload"))
    assert response.status_code == 302 and "/admin/login/" in response.headers["Location"]


def test_preview_then_import(admin_client, settings):
    response = upload(admin_client, SAMPLE_ODS)
    html = response.content.decode()
    assert "Preview ready (nothing written)" in html
    assert "Would add" in html and "<td>26</td>" in html
    assert "1 × not adult social care (Hospitals)" in html
    assert "Sunny Side Care Home (1-545611283)" in html
    assert Location.objects.count() == 0
    preview = ImportRun.objects.get(state=ImportRun.State.PREVIEW)
    assert list((settings.IMPORT_UPLOAD_DIR).iterdir())  # kept for the confirm step

    response = admin_client.post(reverse("admin:providers_importrun_apply", args=[preview.pk]), follow=True)
    assert "Imported" in response.content.decode()
    assert Location.objects.count() == 26
    preview.refresh_from_db()
    assert preview.state == ImportRun.State.APPLIED
    assert not list(settings.IMPORT_UPLOAD_DIR.iterdir())  # our copy is gone

    # A preview can be used only once.
    response = admin_client.post(reverse("admin:providers_importrun_apply", args=[preview.pk]), follow=True)
    assert "already been used" in response.content.decode()


def test_rejected_rows_are_all_listed_and_nothing_is_written(admin_client):
    text = SAMPLE_DSPT.read_text(encoding="utf-8")
    text = text.replace("25/26 Standards Met,12/06/2026", "25/26 Standards Met,12/06/2099")
    text = text.replace("24/25 Standards Met,27/06/2025", "24/25 Standards Met,31/02/2025")
    response = upload(admin_client, SAMPLE_DSPT, source="dspt", content=text.encode())
    html = response.content.decode()
    assert "Rejected (nothing written)" in html
    assert "Row 2: Date Of Publication 12/06/2099 is in the future" in html
    assert "Row 5: Date Of Publication &#x27;31/02/2025&#x27; is not a date" in html
    assert "more than the 1% we allow" in html
    assert "Import this file" not in html
    assert DsptOrganisation.objects.count() == 0


def test_wrong_file_type_is_refused_before_reading(admin_client):
    response = upload(admin_client, SAMPLE_ODS, name="notes.pdf", content=b"%PDF-1.4")
    assert "Upload a .csv, .xlsx or .ods file." in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_a_file_too_large_is_refused(admin_client, settings):
    settings.IMPORT_UPLOAD_MAX_BYTES = 100
    response = upload(admin_client, SAMPLE_ODS)
    assert "The file is larger than" in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_imported_names_are_escaped_in_the_admin(admin_client):
    upload(admin_client, SAMPLE_ODS)
    html = admin_client.get(reverse("admin:providers_importrun_report", args=[ImportRun.objects.get().pk])).content.decode()
    assert "<b>Bold</b>" not in html


def test_matching_report(admin_client, sample_loaded):
    html = admin_client.get(reverse("admin:providers_importrun_matching")).content.decode()
    assert "This service&#x27;s own ODS code</th><td>18</td>" in html
    assert "Its provider&#x27;s ODS code</th><td>5</td>" in html
    assert "Its head office (NHS ODS care home list)</th><td>0</td>" in html  # no ODS site list loaded yet
    assert "No DSPT record found</th><td>3</td>" in html
    # Names, not only counts: the services with no record, and social care DSPT organisations with no service.
    assert "Oak Tree House" in html
    assert "EXAMPLE COMMUNITY INTEREST COMPANY" not in html  # a charity, not a social care sector
    assert "ST JOSEPHS CARE GROUP HEAD OFFICE" in html


def test_an_admin_reviews_close_names_on_the_matching_report(admin_client, sample_loaded):
    from providers.models import DsptOrganisation, NameMatchCandidate
    from providers.services.matching import rematch_locations

    DsptOrganisation.objects.filter(ods_code="AJ0S").update(name="ST JOSEPHS CARE TRUSTS")
    rematch_locations()
    candidate = NameMatchCandidate.objects.get(organisation__ods_code="AJ0S")
    url = reverse("admin:providers_importrun_matching")
    html = admin_client.get(url).content.decode()
    assert "Names to review (1)" in html and "ST JOSEPHS CARE TRUSTS" in html
    decide = reverse("admin:providers_importrun_decide", args=[candidate.pk])
    response = admin_client.post(decide, {"decision": "accept"}, follow=True)
    assert "now uses the DSPT record of ST JOSEPHS CARE TRUSTS (AJ0S)" in response.content.decode()
    oak_tree = Location.objects.get(name="Oak Tree House")
    assert (oak_tree.dspt_match, oak_tree.dspt_organisation.ods_code) == ("provider", "AJ0S")
    # A decided candidate cannot be decided again.
    assert admin_client.post(decide, {"decision": "reject"}).status_code == 404


def test_large_removals_must_be_confirmed_in_the_admin(admin_client):
    from tests.conftest import SAMPLE_DIRECTORY

    upload(admin_client, SAMPLE_ODS)
    admin_client.post(reverse("admin:providers_importrun_apply", args=[ImportRun.objects.get(state="preview").pk]))
    html = upload(admin_client, SAMPLE_DIRECTORY).content.decode()
    assert "would mark 14 of the 26 registered care services" in html
    assert 'name="allow_removals"' in html
    preview = ImportRun.objects.get(state="preview")

    runs_before = ImportRun.objects.count()
    refused = admin_client.post(reverse("admin:providers_importrun_apply", args=[preview.pk]), follow=True)
    html = refused.content.decode()
    assert "Tick the box to confirm that these 14 care services" in html  # back on the form, with the reason
    assert 'name="allow_removals"' in html and "--allow-removals" not in html
    assert ImportRun.objects.count() == runs_before  # no dead "Rejected" run
    assert Location.objects.registered().count() == 26
    preview.refresh_from_db()
    assert preview.state == "preview"  # still there to confirm

    admin_client.post(reverse("admin:providers_importrun_apply", args=[preview.pk]), {"allow_removals": "yes"})
    assert Location.objects.registered().count() == 12


def test_opening_a_run_shows_its_report_and_runs_cannot_be_deleted(admin_client):
    upload(admin_client, SAMPLE_ODS)
    run = ImportRun.objects.get(state="preview")
    opened = admin_client.get(reverse("admin:providers_importrun_change", args=[run.pk]))
    assert opened.status_code == 302 and opened["Location"] == reverse("admin:providers_importrun_report", args=[run.pk])
    assert admin_client.get(reverse("admin:providers_importrun_delete", args=[run.pk])).status_code == 403
    assert ImportRun.objects.filter(pk=run.pk).exists()
