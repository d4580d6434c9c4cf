"""Search tried the way families and advisers search, on the 356 real Lincolnshire care services.

The services come from the real file (fixtures/real/lincolnshire_ratings_as_hsca_layout.csv).
Names, towns, streets and codes are all real.
"""

import datetime as dt
from collections import Counter

import pytest
from django.urls import reverse

from providers.imports.sources import import_cqc_file
from providers.register.models import Location
from providers.search.finder import find_services
from tests.imports.test_real_files import LINCOLNSHIRE

TODAY = dt.date(2026, 12, 1)
SAMPLE = 60


@pytest.fixture
def lincolnshire(db):
    """The real file, imported through the real importer (about a second)."""
    assert import_cqc_file(path=LINCOLNSHIRE).state == "succeeded"
    return list(Location.objects.registered().order_by("name", "pk"))


def first_found(query: str) -> list[Location]:
    return list(find_services(query=query, today=TODAY).services[:10])


def sample_names(services: list[Location]) -> list[Location]:
    """60 services spread across the alphabet whose names are theirs alone and have a word of 5+ letters."""
    counts = Counter(service.name.casefold() for service in services)
    usable = [s for s in services if counts[s.name.casefold()] == 1 and max(map(len, s.name.split())) >= 5]
    step = len(usable) / SAMPLE
    return [usable[int(i * step)] for i in range(SAMPLE)]


def with_typo(name: str, kind: str) -> str:
    """One edit in the middle of the name's longest word."""
    words = name.split()
    position = max(range(len(words)), key=lambda i: (len(words[i].strip(",.()'")), -i))
    word = words[position]
    middle = len(word) // 2
    a, b = word[middle - 1], word[middle]
    if kind == "swap":
        if a.lower() == b.lower():
            middle, a, b = middle + 1, word[middle], word[middle + 1]
        word = word[:middle - 1] + b + a + word[middle + 1:]
    elif kind == "drop":
        word = word[:middle] + word[middle + 1:]
    elif kind == "add":
        word = word[:middle] + ("x" if b.lower() != "x" else "z") + word[middle:]
    else:  # change
        word = word[:middle] + ("q" if b.lower() != "q" else "z") + word[middle + 1:]
    words[position] = word
    return " ".join(words)


@pytest.mark.parametrize("kind", ["swap", "drop", "add", "change"])
def test_a_one_letter_typo_in_a_real_name_still_finds_it_first(lincolnshire, kind):
    misses, empty = [], []
    for service in sample_names(lincolnshire):
        typed = with_typo(service.name, kind)
        assert typed != service.name
        found = first_found(typed)
        if not found:
            empty.append(typed)
        elif found[0].pk != service.pk:
            misses.append(f"{typed!r} -> {found[0].name!r} (wanted {service.name!r})")
    assert not empty, empty
    assert len(misses) <= 2, misses


def test_exact_real_names_come_first(lincolnshire):
    misses = [s.name for s in sample_names(lincolnshire) if first_found(s.name)[0].pk != s.pk]
    assert len(misses) <= 1, misses


def test_every_town_with_five_or_more_services_lists_its_own_first(lincolnshire):
    towns = Counter(service.town.strip().casefold() for service in lincolnshire if service.town.strip())
    checked = 0
    for town, count in towns.items():
        if count < 5:
            continue
        found = first_found(town.title())
        assert len(found) == min(10, len(found)) and found, town
        outside = [f"{s.name} ({s.town})" for s in found[:min(10, count)] if s.town.strip().casefold() != town]
        assert not outside, (town, outside)
        checked += 1
    assert checked >= 10


def test_louth_is_not_beaten_by_south_and_lincoln_not_by_lincolnshire(lincolnshire):
    assert {s.town.casefold() for s in first_found("Louth")} == {"louth"}
    assert {s.town.casefold() for s in first_found("Lincoln")} == {"lincoln"}


def test_a_misspelt_town_is_corrected_and_says_so(lincolnshire):
    result = find_services(query="Lincon", today=TODAY)
    assert result.did_you_mean == "lincoln"
    assert {s.town.casefold() for s in result.services[:10]} == {"lincoln"}


def test_a_street_finds_the_services_on_it(lincolnshire):
    service = next(s for s in lincolnshire if s.address_line_1 and any(c.isalpha() for c in s.address_line_1))
    street = " ".join(word for word in service.address_line_1.split() if not any(c.isdigit() for c in word))
    assert service in list(find_services(query=street, today=TODAY).services[:20])


def test_codes_go_straight_to_the_service_or_list_the_provider(lincolnshire, client):
    service = next(s for s in lincolnshire if s.ods_code)
    for code in (service.cqc_location_id, service.ods_code, service.ods_code.lower()):
        response = client.get(reverse("search"), {"q": code})
        assert response.status_code == 302 and response["Location"] == f"/services/{service.cqc_location_id}/", code
    provider = Counter(s.provider.cqc_provider_id for s in lincolnshire).most_common(1)[0]
    result = find_services(query=provider[0], today=TODAY)
    assert result.code == provider[0] and result.exact_location_id == ""
    assert result.services.count() == provider[1]


def test_did_you_mean_is_shown(lincolnshire, client):
    html = client.get(reverse("search"), {"q": "Mirimar"}).content.decode()
    assert 'id="did-you-mean"' in html and "Miramar" in html
