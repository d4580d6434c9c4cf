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
    with pytest.raises(ValueError, match="Unknown DSPT status 'excellent'"):
        plain_status(status="excellent", year_start=2025, today=dt.date(2026, 1, 1))


def test_every_status_has_words_not_just_a_code():
    for status in rule.ALL_STATUSES:
        assert status.label and status.summary.endswith(".")
    assert rule.MEETS.is_current and rule.MEETS.is_good
    assert not rule.OUT_OF_DATE.is_current


# --- result_for: the dates and facts beside the result (tests added for mutation testing, issue 37) -----

class Record:
    """What result_for reads of a DsptAssessment."""

    def __init__(self, status, year_start, published_on=None, status_text=""):
        self.status, self.year_start, self.published_on, self.status_text = status, year_start, published_on, status_text


def test_a_result_made_from_the_record_and_the_day_alone_is_of_a_registered_working_service():
    result = rule.result_for(assessment=Record("met", 2025), today=dt.date(2026, 11, 24))
    assert (result.match, result.publisher, result.dormant, result.registered) == ("", "", False, True)
    assert not result.own_record
    nothing = rule.result_for(assessment=None, today=dt.date(2026, 11, 24))
    assert (nothing.code, nothing.match, nothing.dormant, nothing.registered) == ("not_found", "", False, True)


def test_a_record_without_a_year_has_no_year_and_no_dates_worked_out():
    result = rule.result_for(assessment=Record("not_published", None, status_text="Not Published"),
                             today=dt.date(2026, 11, 24))
    assert (result.code, result.year_label, result.counts_until, result.stopped_counting_on) == (
        "not_published", "", None, None)
    lapsed = rule.result_for(assessment=Record("met", None), today=dt.date(2026, 11, 24))
    assert (lapsed.code, lapsed.year_label, lapsed.stopped_counting_on) == ("out_of_date", "", None)


def test_a_current_result_says_until_when_and_an_old_one_since_when_never_both():
    current = rule.result_for(assessment=Record("met", 2025), today=dt.date(2026, 11, 24))
    assert (current.counts_until, current.stopped_counting_on) == (dt.date(2027, 6, 30), None)
    old = rule.result_for(assessment=Record("met", 2023), today=dt.date(2026, 11, 24))
    assert (old.counts_until, old.stopped_counting_on) == (None, dt.date(2025, 7, 1))
    unknown = rule.result_for(assessment=Record("other", 2018), today=dt.date(2026, 11, 24))
    assert (unknown.code, unknown.year_label, unknown.counts_until, unknown.stopped_counting_on) == (
        "unknown", "2018-19", None, None)
