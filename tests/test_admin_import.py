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
    assert "Matched by their own ODS code</th><td>18" in html
    assert "Matched by their provider's ODS code</th><td>5" in html
    assert "With no DSPT record</th><td>3" in html
    assert "Oak Tree House" in html


def test_large_removals_must_be_confirmed_in_the_admin(admin_client):
    from tests.conftest import SAMPLE_DIRECTORY

    upload(admin_client, SAMPLE_ODS)
    admin_client.post(reverse("admin:providers_importrun_apply", args=[ImportRun.objects.get(state="preview").pk]))
    html = upload(admin_client, SAMPLE_DIRECTORY).content.decode()
    assert "would mark 14 of the 26 registered care services" in html
    assert 'name="allow_removals"' in html
    preview = ImportRun.objects.get(state="preview")

    refused = admin_client.post(reverse("admin:providers_importrun_apply", args=[preview.pk]), follow=True)
    assert "Rejected (nothing written)" in refused.content.decode()
    assert Location.objects.registered().count() == 26
    preview.refresh_from_db()
    assert preview.state == "preview"  # still there to confirm

    admin_client.post(reverse("admin:providers_importrun_apply", args=[preview.pk]), {"allow_removals": "yes"})
    assert Location.objects.registered().count() == 12
