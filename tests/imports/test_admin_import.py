"""Admin upload: checked in the request, previewed by the worker, every rejected row shown, import only on confirm.

Each test runs the real worker (the `run_worker` fixture) after the admin's
request, as the worker process would beside the web server.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from providers.imports.models import FileChunk, ImportRun, StoredFile
from providers.register.models import DsptOrganisation, Location
from tests.conftest import SAMPLE_DSPT, SAMPLE_ODS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker(run_worker):
    return run_worker


def upload(client, path, worker=None, source="cqc", name=None, content=None):
    """Post a file to the upload form; with a worker, let it make the preview, then open the report."""
    data = content if content is not None else path.read_bytes()
    file = SimpleUploadedFile(name or path.name, data)
    response = client.post(reverse("admin:providers_importrun_upload"), {"kind": source, "file": file})
    if response.status_code != 302 or worker is None:
        return response
    worker()
    return client.get(response["Location"])


def apply(client, preview, worker, **data):
    """Press Import on a preview; let the worker import; open where the admin was sent."""
    response = client.post(reverse("admin:providers_importrun_apply", args=[preview.pk]), data)
    worker()
    return client.get(response["Location"])


def test_upload_needs_a_staff_login(client):
    response = client.get(reverse("admin:providers_importrun_upload"))
    assert response.status_code == 302 and "/admin/login/" in response.headers["Location"]


def test_an_upload_is_queued_and_returns_at_once(admin_client):
    response = upload(admin_client, SAMPLE_ODS)
    run = ImportRun.objects.get()
    assert response["Location"] == reverse("admin:providers_importrun_report", args=[run.pk])
    assert (run.state, run.stage) == (ImportRun.State.QUEUED, "Waiting for the worker to pick it up")
    html = admin_client.get(response["Location"]).content.decode()
    assert "Waiting to start" in html and "Waiting for the worker to pick it up" in html
    assert '<meta http-equiv="refresh" content="3">' in html  # the page follows the run until it ends
    assert "Import this file" not in html and Location.objects.count() == 0


def test_preview_then_import(admin_client, settings, worker):
    response = upload(admin_client, SAMPLE_ODS, worker)
    html = response.content.decode()
    assert "Preview ready (nothing written)" in html
    assert "Would add" in html and "<td>26</td>" in html
    assert "1 × not adult social care (Hospitals)" in html
    assert "Sunny Side Care Home (1-545611283)" in html
    assert Location.objects.count() == 0
    preview = ImportRun.objects.get(state=ImportRun.State.PREVIEW)
    assert StoredFile.objects.filter(pk=preview.upload_id).exists()  # kept for the confirm step

    response = apply(admin_client, preview, worker)
    assert "Imported" in response.content.decode() and 'http-equiv="refresh"' not in response.content.decode()
    assert Location.objects.count() == 26
    preview.refresh_from_db()
    assert preview.state == ImportRun.State.APPLIED
    assert not StoredFile.objects.exists() and not FileChunk.objects.exists()  # our copy is gone

    # A preview can be used only once.
    response = admin_client.post(reverse("admin:providers_importrun_apply", args=[preview.pk]), follow=True)
    assert "already been used" in response.content.decode()


def test_rejected_rows_are_all_listed_and_nothing_is_written(admin_client, worker):
    text = SAMPLE_DSPT.read_text(encoding="utf-8")
    text = text.replace("25/26 Standards Met,12/06/2026", "25/26 Standards Met,12/06/2099")
    text = text.replace("24/25 Standards Met,27/06/2025", "24/25 Standards Met,31/02/2025")
    response = upload(admin_client, SAMPLE_DSPT, worker, source="dspt", content=text.encode())
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


def test_imported_names_are_escaped_in_the_admin(admin_client, worker):
    upload(admin_client, SAMPLE_ODS, worker)
    html = admin_client.get(reverse("admin:providers_importrun_report", args=[ImportRun.objects.get().pk])).content.decode()
    assert "<b>Bold</b>" not in html


def test_matching_report(admin_client, sample_loaded):
    html = admin_client.get(reverse("admin:providers_namematchcandidate_report")).content.decode()
    assert "Its own code</th><td>18</td>" in html
    assert "Its provider&#x27;s code</th><td>5</td>" in html
    assert "Its head office (NHS ODS care home list)</th><td>0</td>" in html  # no ODS site list loaded yet
    assert "No record found</th><td>3</td>" in html
    # Names, not only counts: the services with no record, and social care DSPT organisations with no service.
    assert "Oak Tree House" in html
    assert "EXAMPLE COMMUNITY INTEREST COMPANY" not in html  # a charity, not a social care sector
    assert "ST JOSEPHS CARE GROUP HEAD OFFICE" in html


def test_an_admin_reviews_close_names_on_the_matching_report(admin_client, sample_loaded):
    from providers.register.matching import rematch_locations
    from providers.register.models import DsptOrganisation, NameMatchCandidate

    DsptOrganisation.objects.filter(ods_code="AJ0S").update(name="ST JOSEPHS CARE TRUSTS")
    rematch_locations()
    candidate = NameMatchCandidate.objects.get(organisation__ods_code="AJ0S")
    url = reverse("admin:providers_namematchcandidate_report")
    html = admin_client.get(url).content.decode()
    assert "Names to review (1)" in html and "ST JOSEPHS CARE TRUSTS" in html
    decide = reverse("admin:providers_namematchcandidate_decide", args=[candidate.pk])
    response = admin_client.post(decide, {"decision": "accept"}, follow=True)
    assert "now uses the DSPT record of ST JOSEPHS CARE TRUSTS (AJ0S)" in response.content.decode()
    oak_tree = Location.objects.get(name="Oak Tree House")
    assert (oak_tree.dspt_match, oak_tree.dspt_organisation.ods_code) == ("provider", "AJ0S")
    # A decided candidate cannot be decided again.
    assert admin_client.post(decide, {"decision": "reject"}).status_code == 404


def test_large_removals_must_be_confirmed_in_the_admin(admin_client, worker):
    from tests.conftest import SAMPLE_DIRECTORY

    upload(admin_client, SAMPLE_ODS, worker)
    apply(admin_client, ImportRun.objects.get(state="preview"), worker)
    html = upload(admin_client, SAMPLE_DIRECTORY, worker).content.decode()
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

    apply(admin_client, preview, worker, allow_removals="yes")
    assert Location.objects.registered().count() == 12


def test_opening_a_run_shows_its_report_and_runs_cannot_be_deleted(admin_client, worker):
    upload(admin_client, SAMPLE_ODS, worker)
    run = ImportRun.objects.get(state="preview")
    opened = admin_client.get(reverse("admin:providers_importrun_change", args=[run.pk]))
    assert opened.status_code == 302 and opened["Location"] == reverse("admin:providers_importrun_report", args=[run.pk])
    assert admin_client.get(reverse("admin:providers_importrun_delete", args=[run.pk])).status_code == 403
    assert ImportRun.objects.filter(pk=run.pk).exists()


def test_every_removal_is_listed_page_by_page_before_confirming(admin_client, worker, monkeypatch):
    from providers.imports import admin as import_admin
    from tests.conftest import SAMPLE_DIRECTORY

    monkeypatch.setattr(import_admin, "REMOVALS_PAGE_SIZE", 10)
    upload(admin_client, SAMPLE_ODS, worker)
    apply(admin_client, ImportRun.objects.get(state="preview"), worker)
    registered = set(Location.objects.registered().values_list("cqc_location_id", flat=True))
    html = upload(admin_client, SAMPLE_DIRECTORY, worker).content.decode()
    preview = ImportRun.objects.get(state="preview")
    assert len(preview.removals) == preview.removed == 14
    assert "all 14" in html and "Page 1 of 2" in html and "Next 10" in html
    second = admin_client.get(reverse("admin:providers_importrun_report", args=[preview.pk]) + "?removals=2")
    page_two = second.content.decode()
    assert '<ol start="11">' in page_two and "Previous 10" in page_two
    listed = [name for name in preview.removals if escape(name) in html or escape(name) in page_two]
    assert len(listed) == 14
    # Each one listed is a registered service the new file does not have.
    removed_ids = {name.rsplit("(", 1)[1].rstrip(")") for name in preview.removals}
    assert removed_ids <= registered
    assert not any(code in SAMPLE_DIRECTORY.read_text(encoding="utf-8") for code in removed_ids)
    assert admin_client.get(reverse("admin:providers_importrun_report", args=[preview.pk]) + "?removals=x").status_code == 200


def test_a_preview_left_unfinished_can_be_found_and_discarded(admin_client, worker, settings):
    upload(admin_client, SAMPLE_ODS, worker)
    preview = ImportRun.objects.get(state="preview")
    listing = admin_client.get(reverse("admin:providers_importrun_changelist")).content.decode()
    assert "Previews waiting for you" in listing
    assert reverse("admin:providers_importrun_report", args=[preview.pk]) in listing

    response = admin_client.post(reverse("admin:providers_importrun_discard", args=[preview.pk]), follow=True)
    assert "Discarded the preview" in response.content.decode()
    preview.refresh_from_db()
    assert preview.state == ImportRun.State.DISCARDED and not preview.upload_id
    assert not StoredFile.objects.exists()
    assert "Previews waiting for you" not in admin_client.get(reverse("admin:providers_importrun_changelist")).content.decode()
    refused = apply(admin_client, preview, worker)
    assert "already been used" in refused.content.decode() and Location.objects.count() == 0


def test_the_run_list_shows_state_counts_and_who(admin_client, worker):
    upload(admin_client, SAMPLE_ODS, worker)
    apply(admin_client, ImportRun.objects.get(state="preview"), worker)
    html = admin_client.get(reverse("admin:providers_importrun_changelist")).content.decode()
    assert "Preview imported" in html and "Imported" in html
    assert "28 read: 26 added, 0 changed, 0 removed, 0 set aside" in html
    assert html.count(">admin<") >= 2  # who started each run


@pytest.mark.parametrize("name, content, words", [
    ("list.xlsx", b"%PDF-1.4 ...", "This is a PDF"),
    ("list.csv", b"%PDF-1.4 ...", "This is a PDF"),
    ("list.xls.csv", b"\xd0\xcf\x11\xe0rest", "This is an old Excel .xls file"),
    ("list.csv", "Code,Name\n".encode("utf-16"), "saved as UTF-16 text"),
    ("list.csv", b"<!DOCTYPE html><html>", "This is a web page, not the data file"),
])
def test_a_file_no_import_could_read_is_refused_in_the_request(admin_client, name, content, words):
    """The same check the importers make by content (tabular.sniff_start), made before the file is kept."""
    response = upload(admin_client, SAMPLE_ODS, name=name, content=content)
    assert response.status_code == 200 and words in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_the_upload_requests_id_follows_it_into_the_worker(admin_client, worker, caplog):
    """One id from the admin's browser to the import's log lines (docs/operations.md)."""
    import logging

    caplog.set_level(logging.INFO)
    response = admin_client.post(reverse("admin:providers_importrun_upload"),
                                 {"kind": "cqc", "file": SimpleUploadedFile(SAMPLE_ODS.name, SAMPLE_ODS.read_bytes())})
    request_id = response["X-Request-ID"]
    worker()
    job_lines = [record for record in caplog.records if record.getMessage().startswith("Previewing import run")]
    assert job_lines and all(getattr(record, "request_id", None) == request_id for record in job_lines), \
        [(r.getMessage(), getattr(r, "request_id", None)) for r in job_lines]
