"""The privacy summary maker: plain and Easy Read words at the right reading level, nothing stored."""


import pytest
import textstat

from providers.privacy_summary import words as ps

ALL_TICKED = {
    "service_name": "Oak Lodge", "keep_years": 6, "contact_name": "the manager",
    "contact_phone": "0161 496 0000", "contact_email": "sam@example.org",
    **{group: [c.key for c in choices] for group, choices in ps.GROUPS.items()},
    **{f"{group}_other": "" for group in ps.GROUPS},
}


def sentences(sections, *, easy: bool) -> list[str]:
    """Every sentence a reader meets: a lead finished by each of its items, or a sentence alone."""
    out = []
    for section in sections:
        finished = [words for _, words in section.items if words.endswith(".")]
        lists = [words for _, words in section.items if not words.endswith(".")]
        if lists:
            out += [f"{section.lead} {words}." for words in lists]
        else:
            out.append(section.lead)
        out += finished
    return out


# Flesch-Kincaid means little for a sentence of a few words ("Ask the manager." scores 5.6
# because "manager" has three syllables), so single sentences are measured from 8 words.
MEASURABLE = 8
# Names are measured as one short word: a reader meets "Information Commissioner's Office"
# as a name, explained beside it, not as four long words to decode.
NAMES = ["Information Commissioner's Office"]


def grade(text: str) -> float:
    for name in NAMES:
        text = text.replace(name, "ICO")
    return textstat.flesch_kincaid_grade(text)


@pytest.mark.parametrize("years", [1, 3, 50])
def test_every_plain_sentence_reads_at_grade_6_or_below(years):
    for text in sentences(ps.plain_summary({**ALL_TICKED, "keep_years": years}), easy=False):
        for sentence in text.replace("?", ".").split(". "):
            if len(sentence.split()) >= MEASURABLE:
                assert grade(sentence) <= 6, sentence
    whole = " ".join(sentences(ps.plain_summary(ALL_TICKED), easy=False))
    assert grade(whole) <= 6


def test_every_easy_read_sentence_is_short_and_reads_at_grade_4_or_below():
    texts = sentences(ps.easy_read_summary(ALL_TICKED), easy=True)
    for text in texts:
        assert len(text.split()) <= 15, text
        if len(text.split()) >= MEASURABLE:
            assert grade(text) <= 4, text
    assert grade(" ".join(texts)) <= 4


@pytest.mark.parametrize("group", list(ps.GROUPS))
def test_every_preset_alone_makes_a_summary(group):
    for choice in ps.GROUPS[group]:
        data = {**ALL_TICKED, **{g: [] for g in ps.GROUPS}, group: [choice.key]}
        if group != "keeps":
            data["keeps"] = ["care_plan"]
        plain = " ".join(sentences(ps.plain_summary(data), easy=False))
        easy = " ".join(sentences(ps.easy_read_summary(data), easy=True))
        assert choice.plain in plain and choice.easy in easy
        assert choice.picture in {"list", "pills", "house", "people", "money", "folder", "lock", "doctor",
                                  "hospital", "council", "search", "computer", "eye"}


def test_no_sharing_ticked_says_so():
    data = {**ALL_TICKED, "shares": [], "shares_other": ""}
    assert "We do not share your information unless the law says we must." in \
        [s.lead for s in ps.plain_summary(data)]


@pytest.mark.django_db
def test_the_example_is_published_with_both_versions(client):
    html = client.get("/privacy-summary/example/").content.decode()
    assert "Rosewood House (an example care home)" in html
    assert "How Rosewood House (an example care home) uses your information" in html
    assert "your information (Easy Read)" in html and "images/easy-read/pills." in html
    assert "Information Commissioner&#x27;s Office" in html and "0303 123 1113" in html


@pytest.mark.django_db
def test_a_summary_is_made_from_the_form_and_nothing_is_stored(client, django_assert_max_num_queries):
    from providers import freshness

    freshness.data_dates()  # the footer's data dates, read once a minute, are not part of this page's work
    answers = {"service_name": "Oak <b>Lodge</b>", "keeps": ["care_plan", "money"], "keeps_other": "Photos",
               "shares": ["gp"], "keep_years": "6", "contact_name": "the manager", "contact_phone": "0161 496 0000"}
    with django_assert_max_num_queries(0):
        response = client.post("/privacy-summary/", answers)
    html = response.content.decode()
    # Kept by no cache (providers/edge/caching.py, personal): no-store, and private for any that ignores it.
    assert response.status_code == 200 and {"no-store", "private"} <= set(response["Cache-Control"].split(", "))
    assert "Oak &lt;b&gt;Lodge&lt;/b&gt;" in html and "<b>Lodge" not in html
    assert "your care plan: the care and support you need" in html and "Photos" in html
    assert "We keep your records for 6 years after your care ends." in html
    assert "Ask the manager on 0161 496 0000." in html
    assert 'id="paste-html"' in html and "&lt;section class=&quot;privacy-summary&quot;&gt;" in html
    assert "We have not kept anything you typed." in html
    # "Change your answers" brings them back without storing them.
    back = client.post("/privacy-summary/", {**answers, "edit": "1"}).content.decode()
    assert 'value="Oak &lt;b&gt;Lodge&lt;/b&gt;"' in back and "nhsuk-error-summary" not in back


@pytest.mark.django_db
@pytest.mark.parametrize("answers, error", [
    ({"keep_years": "3", "contact_name": "x", "keeps": ["money"]}, "Enter the name of your care service"),
    ({"service_name": "A", "keep_years": "3", "contact_name": "x"}, "Choose at least one kind of information you keep"),
    ({"service_name": "A", "keep_years": "many", "contact_name": "x", "keeps": ["money"]}, "Enter a number of years, like 3"),
    ({"service_name": "A" * 5000, "keep_years": "3", "contact_name": "x", "keeps": ["money"]}, "Ensure this value has at most 80"),
    ({"service_name": "A", "keep_years": "3", "contact_name": "x", "keeps": ["not-a-choice"]}, "Select a valid choice"),
])
def test_bad_answers_show_the_error_summary_never_a_500(client, answers, error):
    response = client.post("/privacy-summary/", answers)
    html = response.content.decode()
    assert response.status_code == 200 and "nhsuk-error-summary" in html and error in html


@pytest.mark.django_db
def test_odd_characters_are_cleaned(client):
    html = client.post("/privacy-summary/", {"service_name": "Oak Lodge\u202e", "keeps": ["money"],
                                             "keep_years": "2", "contact_name": "me\x07"}).content.decode()
    assert "How Oak Lodge uses your information" in html and "\u202e" not in html and "\x07" not in html
    nul = client.post("/privacy-summary/", {"service_name": "Oak\x00", "keeps": ["money"], "keep_years": "2",
                                            "contact_name": "me"})
    assert nul.status_code == 200 and "Null characters are not allowed" in nul.content.decode()


@pytest.mark.django_db
def test_the_maker_is_linked_from_service_pages_and_the_page_for_care_services(client):
    from tests.factories import LocationFactory

    location = LocationFactory()
    assert 'href="/privacy-summary/example/"' in client.get(f"/services/{location.cqc_location_id}/").content.decode()
    page = client.get("/for-care-services/").content.decode()
    assert 'href="/privacy-summary/"' in page and 'href="/privacy-summary/example/"' in page
