import pytest

from providers.search.postcodes import district_of, normalise_postcode, parse_partial_postcode, sector_of


@pytest.mark.parametrize(
    "typed, expected",
    [("L8 1AA", "L8 1AA"), ("l81aa", "L8 1AA"), ("L8  1AA", "L8 1AA"), (" sw1a1aa ", "SW1A 1AA"),
     ("LS1 2NH", "LS1 2NH"), ("EC1A 1BB", "EC1A 1BB"), ("ls12nh", "LS1 2NH")],
)
def test_normalise_full_postcodes(typed, expected):
    assert normalise_postcode(typed) == expected


@pytest.mark.parametrize("typed", ["", "L8", "NOT A POSTCODE", "12345", "L8 1A", "LLL8 1AA", None, "Q1 1AA1"])
def test_reject_things_that_are_not_full_postcodes(typed):
    assert normalise_postcode(typed) is None


@pytest.mark.parametrize(
    "typed, expected",
    [("L8 1AA", ("full", "L8 1AA")), ("l8", ("district", "L8")), ("SW1A", ("district", "SW1A")),
     ("L8 1", ("sector", "L8 1")), ("ls1", ("district", "LS1")), ("Leeds", None), ("Sunny Side", None),
     ("", None), ("L8 1AA extra", None)],
)
def test_partial_postcodes(typed, expected):
    assert parse_partial_postcode(typed) == expected


def test_district_and_sector():
    assert district_of("L8 1AA") == "L8"
    assert sector_of("SW1A 1AA") == "SW1A 1"
