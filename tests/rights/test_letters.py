"""Letters about your information (/your-rights/): each kind, plain and Easy Read, addressed to the
chosen care service, with what happens next; nothing typed is stored or logged."""

import logging
import re
from html import unescape
from urllib.parse import unquote

import factory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from providers.performance.models import Tally
from providers.rights import words
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db
KINDS = list(words.KINDS)
# What a person might type: easy to find again in a database or a log.
TYPED = {"your_name": "Petronella Quist", "their_name": "Ambrose Quist",
         "details": "My care plan says I take sugar in tea. I do not (ref ZX81QJ)."}


@pytest.fixture
def service():
    return LocationFactory(cqc_location_id="1-900000001", name="Oak Lodge", address_line_1="4 Mill Lane",
                           town="Boston", postcode="PE21 6AB")


def make_letter(client, service, **answers):
    return client.post(reverse("your_rights"), {"service": service.cqc_location_id, **answers})


def main_text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.mark.parametrize("who", ["me", "someone"])
@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_letter_is_addressed_to_the_chosen_service_in_plain_english_and_easy_read(client, service,
                                                                                               kind, who):
    response = make_letter(client, service, kind=kind, who=who, **TYPED)
    assert response.status_code == 200
    html = response.content.decode()
    text = main_text(response)
    plain, easy = re.findall(r'<article class="app-sheet[^"]*app-letter".*?</article>', html, re.S)
    for sheet in (plain, easy):
        assert "Oak Lodge" in sheet and "4 Mill Lane" in sheet and "PE21 6AB" in sheet
    assert "Petronella Quist" in plain and words.KINDS[kind].subject.split("{")[0].strip() in unescape(plain)
    assert "easy-read/" in easy and len(re.findall(r"<img ", easy)) >= 3  # a picture beside each line
    if who == "someone":
        assert "I am writing for Ambrose Quist" in plain and "I am writing for Ambrose Quist." in easy
        assert "about Ambrose Quist" in plain
    else:
        assert "Ambrose" not in plain + easy and "about me" in unescape(plain)
    if kind in ("correct", "concern"):
        assert "My care plan says I take sugar in tea." in plain
    # What happens next, and where to go if there is no answer.
    assert words.ICO_PHONE in text and words.ICO_WEBSITE in text
    if kind == "copy":
        assert "must answer within one month" in text and "free in most cases" in text
    assert "no-store" in response["Cache-Control"]  # what someone typed stays on their screen only


def test_the_letter_can_be_copied_or_opened_in_an_email_program(client, service):
    html = make_letter(client, service, kind="copy", who="me", your_name="Sam").content.decode()
    copy = unescape(re.search(r'<textarea[^>]*id="letter-text"[^>]*>(.*?)</textarea>', html, re.S).group(1))
    assert copy.startswith("To the manager, Oak Lodge") and "Subject access request" in copy and copy.endswith("Sam\n[Your address]")
    href = unescape(re.search(r'id="email-letter"|href="(mailto:[^"]+)"', html).group(1) or "")
    assert href.startswith("mailto:?subject=Subject%20access%20request")
    assert unquote(href.split("&body=")[1]) == copy


def test_nothing_typed_is_stored_or_logged(client, service, caplog):
    def row_counts():
        with connection.cursor() as cursor:
            counts = {}
            for table in connection.introspection.table_names():
                cursor.execute(f'SELECT count(*) FROM "{table}"')
                counts[table] = cursor.fetchone()[0]
            return counts

    before = row_counts()
    caplog.set_level(logging.DEBUG)  # every logger, at every level
    with CaptureQueriesContext(connection) as queries:
        for kind in KINDS:
            assert make_letter(client, service, kind=kind, who="someone", **TYPED).status_code == 200
        make_letter(client, service, kind="copy", who="someone", edit="1", **TYPED)
        make_letter(client, service, who="someone", **TYPED)  # with an error
    # The one write: how many letters were made today (providers/performance/counting.py), a number and no words.
    after = row_counts()
    assert {table: count for table, count in after.items() if table != "providers_tally"} == \
        {table: count for table, count in before.items() if table != "providers_tally"}
    assert list(Tally.objects.values_list("metric", "dimension", "count")) == [("letter", "", len(KINDS))]
    assert all(q["sql"].lstrip().upper().startswith(("SELECT", "SAVEPOINT", "RELEASE"))
               or q["sql"].lstrip().startswith("INSERT INTO providers_tally (day, metric, dimension, count)")
               for q in queries), [q["sql"] for q in queries]
    logged = " ".join(record.getMessage() for record in caplog.records)
    for value in ("Petronella", "Ambrose", "ZX81QJ"):
        assert value not in logged and all(value not in q["sql"] for q in queries)
    # Nor in a cookie, or an address a log would keep.
    response = make_letter(client, service, kind="copy", who="someone", **TYPED)
    assert "Petronella" not in str(response.cookies) and not response.has_header("Location")


def test_change_your_answers_brings_them_back_without_errors(client, service):
    made = make_letter(client, service, kind="correct", who="someone", **TYPED).content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', made))
    assert unescape(hidden["details"]) == TYPED["details"] and hidden["kind"] == "correct"
    back = client.post(reverse("your_rights"), {**{k: unescape(v) for k, v in hidden.items()}}).content.decode()
    assert 'value="Petronella Quist"' in back and "My care plan says I take sugar in tea." in back
    assert re.search(r'value="correct" checked', back) and re.search(r'value="someone" checked', back)
    assert "nhsuk-error-summary" not in back


@pytest.mark.parametrize("answers, error", [
    ({"who": "me"}, "Choose what you want to ask"),
    ({"kind": "copy"}, "Choose who the information is about"),
    ({"kind": "nonsense", "who": "me"}, "Select a valid choice"),
    ({"kind": "copy", "who": "me", "your_name": "x" * 5000}, "Ensure this value has at most 80"),
])
def test_missing_or_odd_answers_show_the_error_summary_never_a_500(client, service, answers, error):
    response = make_letter(client, service, **answers)
    html = response.content.decode()
    assert response.status_code == 200 and "nhsuk-error-summary" in html and error in html


def test_control_characters_and_markup_typed_are_text(client, service):
    html = make_letter(client, service, kind="concern", who="me", your_name="<b>Sam</b>\u202e\x07",
                       details="<script>alert(1)</script>\n\n  second   line").content.decode()
    assert "<b>Sam" not in html and "&lt;b&gt;Sam&lt;/b&gt;" in html and "\u202e" not in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_hostile_service_name_is_text_in_the_letter_the_copy_and_the_email_link(client):
    name = '<img src=x onerror=alert(1)> "Oak" & Co'
    service = LocationFactory(cqc_location_id="1-900000002", name=name)
    html = make_letter(client, service, kind="safe", who="me").content.decode()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt; &quot;Oak&quot; &amp; Co" in html
    href = unescape(re.search(r'href="(mailto:[^"]+)"', html).group(1))
    assert name in unquote(href) and "<" not in href and '"' not in href


def test_the_service_is_chosen_from_its_page_or_by_searching(client, service):
    page = client.get(reverse("service", args=[service.cqc_location_id])).content.decode()
    link = re.search(r'<a href="([^"]+)" id="write-letter">We can help you write a letter to Oak Lodge</a>', page)
    assert link and unescape(link.group(1)) == "/your-rights/?service=1-900000001"
    easy = client.get(reverse("service_easy_read", args=[service.cqc_location_id])).content.decode()
    assert reverse("easy_read_your_information") in easy and "/your-rights/?service=1-900000001" in easy
    maker = client.get("/your-rights/?service=1-900000001").content.decode()
    assert "<h1>Write to Oak Lodge</h1>" in maker and "4 Mill Lane, Boston, PE21 6AB" in maker
    found = client.get("/your-rights/", {"q": "oak lodge"}).content.decode()
    assert 'href="/your-rights/?service=1-900000001">Oak Lodge</a>' in found
    assert "No care services found" in client.get("/your-rights/", {"q": "qwxzv"}).content.decode()
    assert client.get("/your-rights/?service=1-000").status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_an_example_of_every_kind_of_letter(client, kind):
    response = client.get(reverse("your_rights_example", args=[kind]))
    html = unescape(response.content.decode())
    assert response.status_code == 200 and "Rosewood House" in html and "1 Rose Lane" in html
    assert words.KINDS[kind].subject.format(who="me") in html
    assert html.count('<article class="app-sheet') == 2  # the plain letter and the Easy Read one
    assert client.get("/your-rights/").content.decode().count("/your-rights/examples/") == len(KINDS)


def test_no_example_of_a_made_up_kind(client):
    assert client.get("/your-rights/examples/nonsense/").status_code == 404


def test_the_easy_read_page_on_your_information(client):
    html = client.get(reverse("easy_read_your_information")).content.decode()
    assert "<h1>Your information: what you can ask</h1>" in html and "They must send it within 1 month." in html
    assert words.ICO_PHONE in html and html.count('class="app-easy-read-line"') >= 10
    assert reverse("your_rights") in html


def test_a_search_with_many_matches_says_to_type_more(client):
    LocationFactory.create_batch(25, name=factory.Iterator([f"Willow Court {n}" for n in range(25)]))
    html = client.get("/your-rights/", {"q": "willow court"}).content.decode()
    assert html.count('href="/your-rights/?service=') == 20
    assert "These are the first 20 of 25 care services found." in html
