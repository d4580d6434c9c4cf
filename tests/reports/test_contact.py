"""Report a problem: stored for admins, CSRF-protected, rate-limited, a trap for bots, bad input handled."""

import pytest
from django.test import Client
from django.urls import reverse

from providers.reports.models import ProblemReport
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db


def test_a_report_from_a_service_page_is_stored_with_the_service(client):
    location = LocationFactory()
    html = client.get(reverse("service", args=[location.cqc_location_id])).content.decode()
    # The form is on a page of its own (so the service page sets no cookie and a shared cache may keep it),
    # reached from the service page with the service named (issue 41; docs/adr/0026).
    assert "Something wrong on this page?" in html
    link = f'href="/contact/?service={location.cqc_location_id}&amp;page=/services/{location.cqc_location_id}/"'
    assert link in html
    form = client.get(f"/contact/?service={location.cqc_location_id}&page=/services/{location.cqc_location_id}/")
    assert 'action="/contact/"' in form.content.decode() and location.display_name in form.content.decode()
    assert f'name="location_id" value="{location.cqc_location_id}"' in form.content.decode()
    response = client.post("/contact/", {"message": "The phone number is wrong.", "email": "",
                                         "page": f"/services/{location.cqc_location_id}/",
                                         "location_id": location.cqc_location_id, "nickname": ""})
    assert response.status_code == 302 and response["Location"] == "/contact/thank-you/"
    report = ProblemReport.objects.get()
    assert (report.message, report.location, report.email, report.done) == ("The phone number is wrong.", location, "", False)
    assert "What happens next" in client.get("/contact/thank-you/").content.decode()


def test_errors_use_the_nhs_error_summary_and_nothing_is_stored(client):
    html = client.post("/contact/", {"message": "   ", "email": "not-an-email"}).content.decode()
    assert "nhsuk-error-summary" in html and "Tell us what is wrong" in html
    assert "Enter an email address like name@example.com" in html
    assert ProblemReport.objects.count() == 0


@pytest.mark.parametrize("message", ["<script>alert(1)</script>", "x" * 2001, "nul\x00byte", "\u202eevil"])
def test_bad_input_is_escaped_or_refused_never_a_500(client, message):
    response = client.post("/contact/", {"message": message, "page": "javascript:alert(1)"})
    assert response.status_code in (200, 302)
    for report in ProblemReport.objects.all():
        assert "\x00" not in report.message and report.page == ""
    if response.status_code == 200:
        assert "<script>alert" not in response.content.decode()


def test_a_bot_that_fills_the_hidden_field_is_thanked_but_not_stored(client):
    response = client.post("/contact/", {"message": "Buy things", "nickname": "bot"})
    assert response.status_code == 302 and ProblemReport.objects.count() == 0


def test_reports_are_rate_limited(client):
    for _ in range(5):
        assert client.post("/contact/", {"message": "Hello"}).status_code == 302
    html = client.post("/contact/", {"message": "Hello"}).content.decode()
    assert "try again in an hour" in html and ProblemReport.objects.count() == 5


def test_the_form_needs_its_csrf_token():
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/contact/", {"message": "Hello"}).status_code == 403


def test_admins_read_and_mark_reports_done(admin_client):
    report = ProblemReport.objects.create(message="Wrong result")
    listing = admin_client.get(reverse("admin:providers_problemreport_changelist")).content.decode()
    assert "Wrong result" in listing
    admin_client.post(reverse("admin:providers_problemreport_changelist"),
                      {"action": "mark_done", "_selected_action": [report.pk]})
    report.refresh_from_db()
    assert report.done and report.done_at


def test_an_email_is_sent_when_an_address_is_set(client, settings, mailoutbox):
    settings.PROBLEM_REPORT_EMAIL = "team@example.org"
    client.post("/contact/", {"message": "A broken link"})
    assert len(mailoutbox) == 1 and "A broken link" in mailoutbox[0].body


@pytest.mark.parametrize("page", ["about", "privacy", "accessibility"])
def test_the_about_privacy_and_accessibility_pages_link_to_it(client, page):
    assert 'href="/contact/"' in client.get(reverse(page)).content.decode()


def test_the_equality_advisory_service_is_linked(client):
    assert 'href="https://www.equalityadvisoryservice.com/"' in client.get(reverse("accessibility")).content.decode()
