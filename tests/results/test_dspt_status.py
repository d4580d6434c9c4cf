"""The "is it current?" rule, at every boundary date."""

import datetime as dt

import pytest

from providers.results import dspt_status as rule
from providers.results.dspt_status import plain_status


def status_on(day: str, status="met", year_start=2024):
    return plain_status(status=status, year_start=year_start, today=dt.date.fromisoformat(day)).code


def test_year_label_and_deadlines():
    assert rule.year_label(2024) == "2024-25"
    assert rule.year_label(2099) == "2099-00"
    assert rule.publication_deadline(2024) == dt.date(2025, 6, 30)
    assert rule.current_until(2024) == dt.date(2026, 6, 30)


@pytest.mark.parametrize(
    "day, needed",
    [
        ("2026-06-30", 2024),  # the last day a 2024-25 publication counts
        ("2026-07-01", 2025),  # the day after, 2025-26 is needed
        ("2026-11-25", 2025),
        ("2027-01-01", 2025),
        ("2027-06-30", 2025),
        ("2027-07-01", 2026),
        ("2024-02-29", 2022),
    ],
)
def test_year_needed_on(day, needed):
    assert rule.year_needed_on(dt.date.fromisoformat(day)) == needed


def test_publication_stays_current_until_next_years_deadline():
    # A 2024-25 publication: published by 30 June 2025, current until 30 June 2026.
    assert status_on("2025-06-30") == "meets"
    assert status_on("2026-06-30") == "meets"
    assert status_on("2026-07-01") == "out_of_date"


def test_publication_counts_from_the_day_it_is_published_even_early():
    # A 2026-27 publication made in October 2026 counts straight away.
    assert status_on("2026-10-01", year_start=2026) == "meets"
    assert status_on("2028-06-30", year_start=2026) == "meets"
    assert status_on("2028-07-01", year_start=2026) == "out_of_date"


@pytest.mark.parametrize(
    "status, current, lapsed",
    [
        ("met", "meets", "out_of_date"),
        ("exceeded", "exceeds", "out_of_date"),
        ("approaching", "approaching", "out_of_date"),
        ("not_met", "not_met", "out_of_date"),
    ],
)
def test_each_status_before_and_after_the_boundary(status, current, lapsed):
    assert status_on("2026-06-30", status=status) == current
    assert status_on("2026-07-01", status=status) == lapsed


def test_not_published_and_not_found():
    assert status_on("2026-01-01", status="not_published", year_start=None) == "not_published"
    assert plain_status(status=None, year_start=None, today=dt.date(2026, 1, 1)).code == "not_found"


def test_a_published_status_without_a_year_is_out_of_date():
    assert status_on("2026-01-01", status="met", year_start=None) == "out_of_date"


def test_unknown_status_is_an_error_not_a_guess():
    with pytest.raises(ValueError):
        plain_status(status="excellent", year_start=2025, today=dt.date(2026, 1, 1))


def test_every_status_has_words_not_just_a_code():
    for status in rule.ALL_STATUSES:
        assert status.label and status.summary.endswith(".")
    assert rule.MEETS.is_current and rule.MEETS.is_good
    assert not rule.OUT_OF_DATE.is_current
