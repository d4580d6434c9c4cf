"""A record of every change, whoever made it, and an import that can be undone (issue 38; docs/adr/0025)."""

import datetime as dt
import re

import pytest
from django.contrib import admin as django_admin
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from providers.history import record
from providers.imports import undo
from providers.imports.models import ImportRun
from providers.imports.sources import import_cqc_file, import_dspt_file
from providers.register.models import DsptAssessment, DsptOrganisation, Location
from providers.reports.models import ProblemReport
from tests.conftest import SAMPLE_CQC_CSV, SAMPLE_DSPT
from tests.staff_support import PASSWORD, phone_for, sign_in_with_password, totp

pytestmark = pytest.mark.django_db
SUNNY_SIDE = "1-545611283"  # its DSPT record is VLLWV's


def newer_dspt_file(tmp_path, day: str, status: str):
    """The sample DSPT export again, a few days later, with Sunny Side Care Home's status changed."""
    text = SAMPLE_DSPT.read_text(encoding="utf-8")
    changed = re.sub(r"^VLLWV,SUNNY SIDE CARE HOME,[^,]*,", f"VLLWV,SUNNY SIDE CARE HOME,{status},", text, flags=re.M)
    assert changed != text
    path = tmp_path / f"DSPT search results {day} 09_15_02.csv"
    path.write_text(changed, encoding="utf-8")
    return path


def result_of(location_id: str) -> str:
    return Location.objects.with_dspt_status().get(cqc_location_id=location_id).dspt_result(timezone.localdate()).code


@pytest.fixture
def boss_client(client, django_user_model):
    """A staff member signed in for real: password, then a code from their authenticator app."""
    user = django_user_model.objects.create_superuser("boss", "boss@example.org", PASSWORD)
    phone = phone_for(user)
    sign_in_with_password(client, "boss")
    client.post(reverse("admin:second_step"), {"code": totp(phone.bin_key)})
    assert client.get("/admin/").status_code == 200
    client.user = user
    return client


def admin_form_data(model, obj, user, **changes) -> dict:
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    form = django_admin.site._registry[model].get_form(request, obj)(instance=obj)
    data = {name: form[name].value() for name in form.fields}
    return {**{name: "" if value is None else value for name, value in data.items()}, **changes}


def test_a_result_changed_by_an_import_and_by_an_admin_is_in_the_record(sample_loaded, tmp_path, boss_client):
    assert result_of(SUNNY_SIDE) == "meets"
    newer = import_dspt_file(path=newer_dspt_file(tmp_path, "27_11_2026", "25/26 Standards Not Met"))
    assert newer.state == "succeeded" and result_of(SUNNY_SIDE) == "not_met"
    organisation = DsptOrganisation.objects.get(ods_code="VLLWV")
    assessment = organisation.current_assessment
    # An admin corrects the published status by hand.
    response = boss_client.post(reverse("admin:providers_dsptassessment_change", args=[assessment.pk]),
                                admin_form_data(DsptAssessment, assessment, boss_client.user, status="approaching",
                                                status_text="25/26 Approaching Standards"))
    assert response.status_code == 302, response.content.decode()[:1500]
    assert result_of(SUNNY_SIDE) == "approaching"

    by_import = [c for c in record.history_of(DsptOrganisation, organisation.pk) if c.what == "Changed"]
    assert by_import and by_import[0].who == f"Import run {newer.pk}: DSPT search results 27_11_2026 09_15_02.csv"
    assert any(name == "current assessment" for name, _, _ in by_import[0].fields)
    by_admin = record.history_of(DsptAssessment, assessment.pk)[0]
    assert by_admin.what == "Changed" and by_admin.who.startswith("boss in the admin")
    assert ("status", "met" if False else "not_met", "approaching") in by_admin.fields
    page = boss_client.get(reverse("admin:providers_dsptassessment_history", args=[assessment.pk])).content.decode()
    assert "History of this record" in page and "boss in the admin" in page and "not_met" in page
    changes = boss_client.get(reverse("admin:providers_importrun_changes", args=[newer.pk])).content.decode()
    assert "DSPT organisations" in changes and "SUNNY SIDE CARE HOME" in changes


def test_a_problem_report_is_recorded_without_what_the_visitor_wrote(db):
    report = ProblemReport.objects.create(message="My mum's phone is 07700 900123", email="me@example.org")
    report.done = True
    report.save()
    for change in record.history_of(ProblemReport, report.pk):
        assert "07700" not in str(change.fields) and "example.org" not in str(change.fields)
    assert [c.what for c in record.history_of(ProblemReport, report.pk)] == ["Changed", "Added"]


def test_an_import_is_undone_from_the_admin_and_the_page_shows_the_old_result(sample_loaded, tmp_path, boss_client):
    badge_before = boss_client.get(reverse("badge", args=[SUNNY_SIDE]))["ETag"]
    newer = import_dspt_file(path=newer_dspt_file(tmp_path, "27_11_2026", "25/26 Standards Not Met"))
    assert result_of(SUNNY_SIDE) == "not_met"
    assert "not meet" in boss_client.get(reverse("service", args=[SUNNY_SIDE])).content.decode().lower()
    badge_wrong = boss_client.get(reverse("badge", args=[SUNNY_SIDE]))["ETag"]
    assert badge_wrong != badge_before
    preview = boss_client.get(reverse("admin:providers_importrun_undo", args=[newer.pk])).content.decode()
    assert "Put back 1 DSPT organisation as before this import" in preview
    response = boss_client.post(reverse("admin:providers_importrun_undo", args=[newer.pk]))
    assert response.status_code == 302
    undone_by = ImportRun.objects.get(undoes=newer)
    assert undone_by.state == "succeeded" and ImportRun.objects.get(pk=newer.pk).state == "undone"
    assert result_of(SUNNY_SIDE) == "meets"
    page = boss_client.get(reverse("service", args=[SUNNY_SIDE])).content.decode()
    assert "Meets the standard" in page
    assert boss_client.get(reverse("badge", args=[SUNNY_SIDE]))["ETag"] == badge_before  # the badge follows at once
    from providers import freshness

    freshness.forget()
    assert freshness.data_dates().dspt_as_of == dt.date(2026, 11, 20)  # the newer file no longer counts
    # The undo is recorded like any change, as the undo's.
    organisation = DsptOrganisation.objects.get(ods_code="VLLWV")
    assert record.history_of(DsptOrganisation, organisation.pk)[0].who.startswith(f"Undo run {undone_by.pk}")


def test_an_undo_is_refused_while_a_later_import_changed_the_same_records(sample_loaded, tmp_path):
    first = import_dspt_file(path=newer_dspt_file(tmp_path, "27_11_2026", "25/26 Standards Not Met"))
    later = import_dspt_file(path=newer_dspt_file(tmp_path, "28_11_2026", "25/26 Approaching Standards"))
    assert result_of(SUNNY_SIDE) == "approaching"
    plan = undo.plan_for(first)
    assert not plan.possible
    assert any(f"Import run {later.pk}" in reason and "Undo that first" in reason for reason in plan.blockers)
    with pytest.raises(undo.CannotUndo):
        undo.undo(first, by="test")
    assert result_of(SUNNY_SIDE) == "approaching"  # nothing changed
    undo.undo(later, by="test")
    assert result_of(SUNNY_SIDE) == "not_met"
    undo.undo(ImportRun.objects.get(pk=first.pk), by="test")
    assert result_of(SUNNY_SIDE) == "meets"


def test_undoing_a_cqc_import_removes_the_services_it_added(db, sample_week):
    run = import_cqc_file(path=SAMPLE_CQC_CSV)
    assert Location.objects.count() > 20
    call_command("undo_import", str(run.pk), "--yes")
    assert Location.objects.count() == 0
    from providers.search.models import SearchWord

    assert not SearchWord.objects.exists()  # the word list follows
    assert ImportRun.objects.get(pk=run.pk).state == "undone"


def test_old_events_are_forgotten_but_each_record_keeps_its_newest(db, time_machine, settings):
    from dsptlookup.database import use_app_clock

    settings.HISTORY_KEEP_DAYS = 731
    time_machine.move_to(dt.datetime(2024, 1, 10, 12, 0, tzinfo=dt.UTC), tick=False)
    use_app_clock()  # events carry the app's clock (as in an import), so this one is dated 2024
    report = ProblemReport.objects.create(message="x")
    report.page = "/a/"
    report.save()
    time_machine.move_to(dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC), tick=False)
    use_app_clock()
    assert record.forget_old_events(timezone.now()) == 1  # the insert goes; the newest event stays
    assert [c.what for c in record.history_of(ProblemReport, report.pk)] == ["Changed"]
