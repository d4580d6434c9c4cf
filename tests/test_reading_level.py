"""Every status explanation stays at a reading age of about 9 to 11.

Measured with textstat: Flesch-Kincaid grade 6 or lower (US grade 6 is about
age 11) and Flesch reading ease 70 or higher ("fairly easy" or easier).
Easy Read sentences must be easier still: grade 4 or lower, one idea each.
"""

import pytest
import textstat

from providers import status_text
from providers.dspt_status import ALL_STATUSES

CODES = [status.code for status in ALL_STATUSES]


def plain_text(code):
    status = next(s for s in ALL_STATUSES if s.code == code)
    return " ".join([status.label + ".", status.summary, *status_text.MEANING[code]])


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
    lines = status_text.EASY_READ[code]
    text = " ".join(sentence for _, sentence in lines)
    assert textstat.flesch_kincaid_grade(text) <= 4, text
    for picture, sentence in lines:
        assert picture in status_text.EASY_READ_PICTURES
        assert sentence.count(".") + sentence.count("?") == 1, sentence  # one sentence
        assert len(sentence.split()) <= 12, sentence


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
