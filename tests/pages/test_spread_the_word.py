"""For councils and the public: /for-councils/, the framed search, /spread-the-word/ and its leaflets."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_councils_page_gives_a_search_form_that_needs_no_script(client, sample_loaded):
    html = client.get(reverse("for_councils")).content.decode()
    code = re.search(r'<textarea[^>]*id="search-form-code"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert "&lt;form action=&quot;http://testserver/search/&quot; method=&quot;get&quot;" in code
    assert "script" not in code.lower()
    assert 'name=&quot;q&quot;' in code and "&lt;label for=&quot;dspt-lookup-q&quot;" in code
    # The copied form, sent as a browser would, finds the service.
    found = client.get("/search/", {"q": "Sunny Side Care Home"}, follow=True)
    assert found.status_code == 200 and "Sunny Side Care Home" in found.content.decode()
    # It explains the other ways to point people here.
    for target in (reverse("areas"), reverse("downloads"), reverse("api_docs"), reverse("for_care_services"),
                   reverse("embed_search"), reverse("spread_the_word")):
        assert f'href="{target}"' in html
    assert "/services/1-" in html and "easy-read/" in html


def test_only_the_framed_search_may_be_shown_in_a_frame(client, sample_loaded):
    framed = client.get(reverse("embed_search"), {"q": "sunny"})
    assert framed.status_code == 200
    assert "frame-ancestors *" in framed["Content-Security-Policy"]
    assert "X-Frame-Options" not in framed.headers
    html = framed.content.decode()
    assert "Sunny Side Care Home" in html and 'target="_blank" rel="noopener"' in html
    assert "(opens in a new tab)" in html and "<header" not in html  # no site header inside someone's page
    for other in (reverse("home"), reverse("search"), reverse("for_councils")):
        response = client.get(other)
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], other
        assert response["X-Frame-Options"] == "DENY", other


def test_the_framed_search_copes_with_nonsense(client, sample_loaded):
    for query in ("", "qwxzv", "x" * 500, "%00", "ZZ99 9ZZ"):
        assert client.get(reverse("embed_search"), {"q": query}).status_code == 200


def test_spread_the_word_gives_ready_words_and_the_leaflets(client):
    html = client.get(reverse("spread_the_word")).content.decode()
    newsletter = re.search(r'id="newsletter-text"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert "Data Security and Protection Toolkit (DSPT)" in newsletter and "http://testserver/" in newsletter
    for target in (reverse("leaflet"), reverse("leaflet_easy_read"), reverse("for_care_services"), reverse("for_councils")):
        assert f'href="{target}"' in html


def test_the_leaflets_use_the_result_words_from_one_place(client):
    from providers.results import presenter

    html = client.get(reverse("leaflet")).content.decode()
    for code in ("meets", "exceeds", "approaching", "out_of_date", "not_published", "not_met"):
        assert presenter.present(code).label in html
    assert "<svg" in html and "http://testserver/" in html  # the QR code and the address it holds
    easy = client.get(reverse("leaflet_easy_read")).content.decode()
    lines = re.findall(r'<li class="app-easy-read-line"><img src="[^"]+/([a-z]+)(?:\.\w+)?\.svg" alt="" [^>]*><p>([^<]+)</p>', easy)
    assert len(lines) == 6 and all(len(sentence.split()) <= 12 for _, sentence in lines)


def test_the_spread_the_word_words_are_plain_english(client):
    import textstat

    from tests.pages.test_reading_level import page_words

    for url in (reverse("spread_the_word"), reverse("leaflet"), reverse("for_councils")):
        words = page_words(client, url)
        assert textstat.flesch_kincaid_grade(words) <= 7, (url, textstat.flesch_kincaid_grade(words))
