"""One vocabulary: how every DSPT result looks and reads, wherever it is shown.

The rule (providers/results/dspt_status.py) decides a result's code; this table says
everything about showing it: the label, the one-line summary, the tag colour,
the badge colour, the icon, the plain-English meaning, the Easy Read lines
and the words in a CSV. Pages, Easy Read pages, badges, posters, CSV files and
the API all take their words from here, so a result reads the same everywhere.

Functions below turn one service's `Result` into the sentences that carry its
dates and how its record was found ("Stopped counting on 1 July 2026", "Its
head office, X, published a check. It may cover this service."). Every
sentence is checked for reading level by tests/pages/test_reading_level.py: plain
English at grade 6 or below, Easy Read at grade 4 or below.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Look:
    """How one result (or a badge-only state such as 'dormant') is shown."""

    label: str  # short words for a tag, a badge and a CSV cell
    summary: str  # one plain sentence
    tag: str  # NHS.UK tag colour (nhsuk-tag--<tag>)
    badge_colour: str  # the badge's stripe and icon; words are always dark on white
    icon: str  # components/icons/<icon>.svg and images/easy-read/<icon>.svg
    meaning: tuple[str, ...] = ()  # "What this means for you", in plain English
    easy_read: tuple[tuple[str, str], ...] = ()  # (picture, one short sentence)


DORMANT_SENTENCE = "CQC says this service is not providing care at the moment."

LOOKS = {
    "exceeds": Look(
        "Exceeds the standard",
        "This service has a current check. It meets the standard, and an outside expert has tested its computers.",
        "green", "#007f3b", "tick",
        meaning=(
            "The care service has checked how it keeps your information safe. It says it does all the things it must do.",
            "It also has a certificate called Cyber Essentials Plus. To get it, an expert from outside tests how safe its computers are.",
            "This is the best result. You can still ask the service how it looks after your information.",
        ),
        easy_read=(
            ("list", "This care service did its check."),
            ("tick", "It meets the standard."),
            ("computer", "An expert from outside tested its computers too."),
            ("question", "You can still ask how it keeps your information safe."),
        ),
    ),
    "meets": Look(
        "Meets the standard",
        "This service has a current check. It says it meets the standard for keeping information safe.",
        "green", "#007f3b", "tick",
        meaning=(
            "The care service has checked how it keeps your information safe. It says it does all the things it must do.",
            "This is a good sign. The service checks itself, so the result is its own answer.",
            "You can still ask the service how it looks after your information.",
        ),
        easy_read=(
            ("list", "This care service did its check."),
            ("tick", "It says it meets the standard."),
            ("list", "The standard is a list of ways to keep information safe."),
            ("question", "You can still ask how it keeps your information safe."),
        ),
    ),
    "approaching": Look(
        "Working towards the standard",
        "This service has a current check. It does not meet the standard yet, but it has a plan to get there.",
        "yellow", "#8a6d00", "arrow",
        meaning=(
            "The care service has done the most important checks. It does not do everything it must do yet.",
            "It has a plan to put things right. A service can share this result only once. Its next check must meet the standard.",
            "Ask the service what is in its plan and when it will be done.",
        ),
        easy_read=(
            ("list", "This care service did most of its check."),
            ("arrow", "It has a plan to do the rest."),
            ("calendar", "Next time it must meet the standard."),
            ("question", "You can ask when the plan will be done."),
        ),
    ),
    "not_met": Look(
        "Does not meet the standard",
        "This service has a current check. It says it does not meet the standard for keeping information safe.",
        "red", "#d5281b", "cross",
        meaning=(
            "The care service has checked how it keeps your information safe. It says it does not do all the things it must do.",
            "This does not always mean your information is at risk. But you should ask the service what it is doing about it.",
        ),
        easy_read=(
            ("list", "This care service did its check."),
            ("cross", "It says it does not meet the standard."),
            ("list", "The standard is a list of ways to keep information safe."),
            ("question", "You can ask what it is doing to fix this."),
        ),
    ),
    "out_of_date": Look(
        "Out of date",
        "This service's last check is too old to count. It should have done a new one.",
        "orange", "#b54600", "warning",
        meaning=(
            "Care services should check how they keep your information safe every year. This service's last check is too old to count.",
            "It may have a reason. Ask the service when it will do its next check.",
        ),
        easy_read=(
            ("calendar", "This care service did a check a long time ago."),
            ("warning", "The check is too old now."),
            ("question", "You can ask when it will do a new check."),
        ),
    ),
    "not_published": Look(
        "No current check published",
        "This service should do the check every year, but it has not shared a check that is up to date.",
        "grey", "#4c6272", "dash",
        meaning=(
            "This care service is on the list of services that should do the check. But it has not shared a check that is up to date.",
            "Ask the service if it has done the check, and when it will share the result.",
        ),
        easy_read=(
            ("dash", "This care service has not shared a new check."),
            ("question", "You can ask if it has done the check."),
        ),
    ),
    "unknown": Look(
        "Result we cannot explain",  # short enough for the badge; the summary says it in full
        "We cannot say what this result means. Its words are shown as they were published.",
        "white", "#4c6272", "question",
        meaning=(
            "The care service shared a check, but its result uses words we cannot explain.",
            "This can happen with old results. We show the words as they were shared.",
            "Ask the service what the result means, and when it will do a new check.",
        ),
        easy_read=(
            ("question", "We cannot say what this check result means."),
            ("people", "You can ask the care service what it means."),
        ),
    ),
    "not_found": Look(
        "No record found",
        "We could not find this service in the DSPT data.",
        "white", "#4c6272", "question",
        meaning=(
            "We could not find this care service in the list of checks.",
            "It may have done the check under another name or code. Or it may not have done it.",
            "Ask the service if it has done the check. It is called the Data Security and Protection Toolkit.",
        ),
        easy_read=(
            ("search", "We could not find a check for this care service."),
            ("question", "You can ask if it has done the check."),
        ),
    ),
    # Badge-only states: shown instead of a result.
    "deregistered": Look("No longer registered with CQC",
                         "This care service is no longer on the Care Quality Commission's list.",
                         "grey", "#4c6272", "dash"),
    "dormant": Look("Not providing care just now", DORMANT_SENTENCE, "grey", "#4c6272", "dash"),
    # Shown by a badge while our database cannot be reached (dsptlookup/middleware.py).
    "unavailable": Look("Result not available just now",
                        "We cannot show the result at the moment. Try again later.",
                        "grey", "#4c6272", "question"),
}
RESULT_CODES = [code for code in LOOKS if code not in ("deregistered", "dormant", "unavailable")]

# The same as DORMANT_SENTENCE, in Easy Read: a picture for each short sentence.
DORMANT_EASY_READ = (("house", "This care service is not giving care just now."),
                     ("search", "The Care Quality Commission says so."))
DEREGISTERED_EASY_READ = ("dash", "This care service is closed now.")
MAY_COVER_EASY_READ = ("question", "Ask if the check covers this service.")


@dataclass(frozen=True)
class MatchWords:
    """How one way of finding a service's DSPT record (a Location.DsptMatch value) is said everywhere."""

    label: str  # short words: a download's cell, the admin's filter
    sentence: str  # the page's sentence; {publisher} is the DSPT organisation's name
    easy_read: tuple[str, str] | None = None  # one Easy Read line, when the check is not the service's own
    whose: str = ""  # whose check it is, on the badge's small line, when not the service's own


# In the order the matching ladder tries them (providers/register/matching.py).
MATCHES = {
    "location": MatchWords("Its own code", "This is the care service's own record, under its own code."),
    "head_office": MatchWords(
        "Its head office (NHS ODS care home list)",
        "Its head office, {publisher}, published a check. It may cover this service. Ask the service.",
        ("people", "We show the check of its head office."), "head office"),
    "provider": MatchWords(
        "Its provider's code",
        "The company that runs it, {publisher}, published a check. It may cover this service. Ask the service.",
        ("people", "We show the check of the group that runs it."), "provider"),
    "name": MatchWords(
        "Matched by name",
        "We matched it by name. The company that runs it, {publisher}, published a check. "
        "It may cover this service. Ask the service.",
        ("people", "We show the check of the group that runs it."), "provider"),
    # Not a match: its own ODS code is also used by another provider's service.
    "shared_code": MatchWords(
        "Unclear: another company's service uses its code",
        "Another company's care service uses the same NHS code as this one, so we cannot tell "
        "which check belongs to this service. Ask the service."),
    "": MatchWords("No record found", ""),
}


def present(code: str) -> Look:
    """The Look of a result code (or 'deregistered' / 'dormant')."""
    return LOOKS[code]


def day(date: dt.date) -> str:
    """1 July 2026 (no leading zero)."""
    return f"{date.day} {date:%B %Y}"


def dates_sentence(result) -> str:
    """The dates that tell how old a result is, in one or two short sentences."""
    code = result.code
    if code == "not_found":
        return ""
    if code == "not_published":
        return f"Last published on {day(result.published_on)}." if result.published_on else "Never published."
    published = f"Published on {day(result.published_on)}." if result.published_on else "No date published."
    if code == "out_of_date" and result.stopped_counting_on:
        return f"{published} Stopped counting on {day(result.stopped_counting_on)}."
    if result.counts_until:
        return f"{published} Counts until {day(result.counts_until)}."
    return published


def match_words(match: str) -> MatchWords:
    return MATCHES.get(match, MATCHES[""])


def match_sentence(result) -> str:
    """Who published the record we show, and what that does and does not tell us."""
    return match_words(result.match).sentence.format(publisher=result.publisher)


def match_easy_read(result) -> tuple[str, str] | None:
    """The same in one short Easy Read line with a picture, or None for the service's own check."""
    return match_words(result.match).easy_read


def unknown_words(result) -> str:
    """For a status we cannot explain: its words as published."""
    return f"The result was published as: {result.status_text}" if result.code == "unknown" and result.status_text else ""


def status_for_badge(result) -> str:
    """The code a badge shows: a result, or instead of it 'deregistered' or 'dormant'."""
    if not result.registered:
        return "deregistered"
    if result.dormant:
        return "dormant"
    return result.code


def easy_read_lines(result) -> list[tuple[str, str]]:
    """Every Easy Read line for one service's result, in reading order."""
    lines = []
    if not result.registered:
        lines.append(DEREGISTERED_EASY_READ)
    elif result.dormant:
        lines.extend(DORMANT_EASY_READ)
    status_lines = list(present(result.code).easy_read)
    match = match_easy_read(result)
    if match and result.code != "not_found":
        # "This care service did its check" is not true of a head office's check: say whose it is instead.
        status_lines = [match, *status_lines[1:-1], MAY_COVER_EASY_READ, status_lines[-1]]
    return lines + status_lines


def distance_words(distance: float) -> str:
    """1.234 -> '1.2 miles'; 0.04 -> 'less than 0.1 miles'."""
    if distance < 0.1:
        return "less than 0.1 miles"
    value = f"{distance:.1f}"
    return f"{value} mile" if value == "1.0" else f"{value} miles"


def search_status(*, count: int, query: str = "", place_label: str = "", radius: int | None = None,
                  page_number: int = 1, pages: int = 1) -> str:
    """'12 care services found for ‘oak’, page 1 of 2': a search's title, heading and spoken update."""
    found = {0: "No care services found", 1: "1 care service found"}.get(count, f"{count:,} care services found")
    if place_label:
        found += f" within {radius} miles of {place_label}"
    elif query:
        found += f" for ‘{query}’"
    return found + (f", page {page_number} of {pages}" if pages > 1 else "")
