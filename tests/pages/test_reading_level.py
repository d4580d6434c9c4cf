"""Every status explanation stays at a reading age of about 9 to 11.

Measured with textstat: Flesch-Kincaid grade 6 or lower (US grade 6 is about
age 11) and Flesch reading ease 70 or higher ("fairly easy" or easier).
Easy Read sentences must be easier still: grade 4 or lower, one idea each.
"""

import datetime as dt
import re

import pytest
import textstat

from providers.results import presenter, status_text
from providers.results.dspt_status import ALL_STATUSES, Result, plain_status
from providers.rights import words as rights

CODES = [status.code for status in ALL_STATUSES]


def plain_text(code):
    look = presenter.present(code)
    return " ".join([look.label + ".", look.summary, *look.meaning])


@pytest.mark.parametrize("code", CODES)
def test_status_explanation_reading_level(code):
    text = plain_text(code)
    assert textstat.flesch_kincaid_grade(text) <= 6, text
    assert textstat.flesch_reading_ease(text) >= 70, text


@pytest.mark.parametrize("code", CODES)
def test_sentences_are_short(code):
    for sentence in plain_text(code).replace("?", ".").split("."):
        assert len(sentence.split()) <= 22, sentence


@pytest.mark.parametrize("code", CODES)
def test_easy_read_is_easier_and_one_idea_per_line(code):
    lines = presenter.present(code).easy_read
    text = " ".join(sentence for _, sentence in lines)
    assert textstat.flesch_kincaid_grade(text) <= 4, text
    for picture, sentence in lines:
        assert picture in status_text.EASY_READ_PICTURES
        assert sentence.count(".") + sentence.count("?") == 1, sentence  # one sentence
        assert len(sentence.split()) <= 12, sentence


MATCHES = ["location", "head_office", "provider", "name"]


@pytest.mark.parametrize("match", MATCHES)
def test_how_a_record_was_found_is_said_plainly(match):
    result = Result(status=plain_status(status="met", year_start=2025, today=dt.date(2026, 12, 1)), match=match,
                    publisher="Home From Home Care Ltd")
    sentence = presenter.match_sentence(result)
    # Measured without the organisation's name, which is a name, not a word to read.
    words = sentence.replace("Home From Home Care Ltd", "the company")
    assert textstat.flesch_kincaid_grade(words) <= 6, words
    if match != "location":
        assert "may cover this service" in sentence and "Ask the service" in sentence
    easy = presenter.match_easy_read(result)
    if easy:
        picture, line = easy
        assert picture in status_text.EASY_READ_PICTURES and len(line.split()) <= 12
        assert line.count(".") == 1, line  # one short sentence
        assert textstat.flesch_kincaid_grade(line) <= 4, line


def test_dated_sentences_are_plain():
    # Measured together: Flesch-Kincaid means little for a two-word sentence alone.
    text = " ".join(["Published on 1 June 2025. Stopped counting on 1 July 2026.",
                     "Last published on 28 June 2022.", "Never published.", presenter.DORMANT_SENTENCE])
    assert textstat.flesch_kincaid_grade(text) <= 6, text


def test_questions_are_plain():
    text = " ".join(status_text.QUESTIONS)
    assert textstat.flesch_kincaid_grade(text) <= 6


def test_the_measure_can_fail():
    # A guard that the checks above would notice hard text.
    hard = ("Organisations must demonstrate compliance with the mandatory assertions of the "
            "Data Security and Protection Toolkit notwithstanding organisational complexity.")
    assert textstat.flesch_kincaid_grade(hard) > 6


def page_words(client, url: str) -> str:
    """The words a person reads in a page's main content (tags, scripts and styles removed)."""
    import html
    import re

    body = client.get(url).content.decode()
    main = re.search(r"<main.*?</main>", body, re.S).group(0)
    main = re.sub(r"<(script|style|svg|textarea)\b.*?</\1>", " ", main, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


@pytest.mark.django_db
def test_the_page_for_care_services_is_plain_english(client):
    words = page_words(client, "/for-care-services/")
    assert "How to show your result" in words and "by 30 June" in words
    assert textstat.flesch_kincaid_grade(words) <= 6, textstat.flesch_kincaid_grade(words)
    assert textstat.flesch_reading_ease(words) >= 65, textstat.flesch_reading_ease(words)


@pytest.mark.django_db
def test_the_out_of_date_warning_and_data_dates_are_plain_english(client, sample_loaded):
    import html
    import re

    from providers import freshness
    from providers.imports.models import ImportRun

    ImportRun.objects.update(data_as_of=dt.date(2026, 1, 5))
    freshness.forget()
    body = client.get("/").content.decode()
    warning = re.search(r'<div class="nhsuk-warning-callout app-freshness-warning[^"]*">.*?</div>', body, re.S).group(0)
    note = re.search(r'<p class="nhsuk-body-s app-data-note">.*?</p>', body, re.S).group(0)
    for part in (warning, note):
        # Dates are read as dates, not words: measured with "5 January 2026" as "then".
        words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", part)).replace("5 January 2026", "then").split())
        assert textstat.flesch_kincaid_grade(words) <= 6, words
        for sentence in words.split("."):
            assert len(sentence.split()) <= 22, sentence


# --- Letters about your information (providers/rights/words.py) ---------------------------------------


def names_out(text: str) -> str:
    """Names and addresses are not words to read: measured as short stand-ins."""
    for name in ("Information Commissioner's Office (ICO)", "Information Commissioner", "Care Quality Commission",
                 "Data Security and Protection Toolkit", rights.ICO_WEBSITE):
        text = text.replace(name, "the ICO" if "ICO" in name or "Commissioner" in name or "http" in name else "the check")
    return text


@pytest.mark.parametrize("for_someone", [False, True], ids=["for me", "for someone"])
@pytest.mark.parametrize("kind", list(rights.KINDS))
def test_each_letter_and_what_happens_next_is_plain(kind, for_someone):
    letter = rights.letter(kind=kind, service_name="Oak House", service_address=["1 Mill Lane"],
                           for_someone=for_someone, your_name="", their_name="", details="",
                           written_on=dt.date(2026, 12, 1))
    plain = names_out(" ".join([p for p in letter.paragraphs if not p.startswith("[")] + letter.next_steps))
    assert textstat.flesch_kincaid_grade(plain) <= 6, plain
    assert textstat.flesch_reading_ease(plain) >= 70, plain
    for sentence in re.split(r"[.?]\s", plain):
        assert len(sentence.split()) <= 22, sentence
    easy = names_out(" ".join(sentence for _, sentence in letter.easy_read))
    assert textstat.flesch_kincaid_grade(easy) <= 4, easy
    for picture, sentence in letter.easy_read:
        assert picture in status_text.EASY_READ_PICTURES
        assert sentence.count(".") + sentence.count("?") == 1, sentence
        assert len(sentence.split()) <= 14, sentence


def test_the_letter_choices_are_plain():
    text = " ".join(kind.label + "." for kind in rights.KINDS.values())
    assert textstat.flesch_kincaid_grade(text) <= 6, text


def test_the_easy_read_page_on_your_information_is_easy():
    lines = [line for section in rights.EASY_READ_PAGE.values() for line in section]
    assert textstat.flesch_kincaid_grade(names_out(" ".join(sentence for _, sentence in lines))) <= 4
    for picture, sentence in lines:
        assert picture in status_text.EASY_READ_PICTURES
        assert sentence.count(".") + sentence.count("?") == 1 and len(sentence.split()) <= 14, sentence


# --- Emails and the pages about them (providers/following/) -------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/follow/?service=1-545611283", "/follow/?remind=1-545611283",
                                 "/follow/check-your-email/", "/follow/stopped/", "/for-care-services/renew/"])
def test_the_pages_about_emails_are_plain_english(client, sample_loaded, url):
    words = page_words(client, url).replace("Sunny Side Care Home", "the home")
    assert textstat.flesch_kincaid_grade(words) <= 6, (textstat.flesch_kincaid_grade(words), words)
    assert textstat.flesch_reading_ease(words) >= 65, (textstat.flesch_reading_ease(words), words)


@pytest.mark.parametrize("stage", ["8 weeks", "lapsed", "new result"])
def test_each_reminder_says_what_to_do_in_plain_english(stage):
    from django.template.loader import render_to_string

    from providers.following import reminders

    context = {"stage": stage, "name": "the home", "time_left": "8 weeks", "year": "2026-27",
               "due": reminders.Reminder(stage, dt.date(2027, 7, 1), ""), "last_day": dt.date(2027, 6, 30),
               "result": Result(status=plain_status(status="met", year_start=2026, today=dt.date(2027, 7, 9)),
                                year_label="2026-27", counts_until=dt.date(2028, 6, 30)),
               "dspt_url": "", "help_url": "", "renew_url": "", "service_url": ""}
    text = render_to_string("following/email/_reminder_words.txt", context)
    words = " ".join(re.sub(r"\d+ \w+ 20\d\d", "then", text).replace(":", ".").split())
    assert textstat.flesch_kincaid_grade(words) <= 6, (textstat.flesch_kincaid_grade(words), words)
