"""Which column of someone's list holds what: guessed from its heading and what is in it, or as they chose.

A council's list has its own column names ("Provider/Home", "CQC Reg No", "Post Code"), so each column is
scored for each role by its heading's words and by how many of its first values look the part (a CQC ID,
an ODS code, a postcode), and each role goes to the column that scores best for it, a column to one role.
"""

from __future__ import annotations

import re

from providers.search.finder import CQC_ID, ODS_CODE
from providers.search.postcodes import normalise_postcode

ROLES = {
    "location_id": "CQC location ID",
    "ods_code": "ODS code",
    "name": "Name of the care service",
    "postcode": "Postcode",
    "town": "Town or city",
}
# Heading words for each role, and how much each says (a heading is compared as lower-case words).
HEADINGS = {
    "location_id": {"location id": 3, "cqc id": 3, "cqc location": 3, "cqc registration": 3, "cqc reg": 3,
                    "cqc number": 3, "cqc ref": 3, "cqc": 2, "registration id": 2, "location ref": 2},
    "ods_code": {"ods": 3, "nacs": 3, "organisation code": 2.5, "org code": 2.5, "dspt code": 3, "ods code": 3},
    "name": {"service name": 3, "location name": 3, "home name": 3, "name of service": 3, "care home": 2.5,
             "establishment": 2.5, "service": 1.5, "home": 1.5, "name": 2, "provider": 1, "supplier": 1},
    "postcode": {"postcode": 3, "post code": 3, "postal code": 3, "zip": 2},
    "town": {"town": 3, "city": 3, "locality": 2.5, "post town": 3, "place": 1.5, "area": 1},
}
# A value that looks the part counts this much per share of a column's values.
CONTENT_WEIGHT = {"location_id": 4, "ods_code": 3, "postcode": 4, "name": 1.5, "town": 0.5}
GUESS_FROM = 1.5  # a column scoring less than this for a role is not guessed for it
SAMPLE_ROWS = 200
_WORDS = re.compile(r"[^a-z0-9]+")


def guess(headings: list[str], rows: list[list[str]]) -> dict[str, int | None]:
    """{role: column position, or None}: the best column for each role, each column used once."""
    sample = rows[:SAMPLE_ROWS]
    scores = []
    for position, heading in enumerate(headings):
        values = [row[position].strip() for row in sample if position < len(row) and row[position].strip()]
        for role in ROLES:
            points = heading_points(role, heading) + CONTENT_WEIGHT[role] * share_looking_like(role, values)
            if points >= GUESS_FROM:
                scores.append((points, role, position))
    chosen: dict[str, int | None] = dict.fromkeys(ROLES)
    used = set()
    for points, role, position in sorted(scores, key=lambda s: (-s[0], s[2])):
        if chosen[role] is None and position not in used:
            chosen[role] = position
            used.add(position)
    return chosen


def heading_points(role: str, heading: str) -> float:
    """The most any of the role's heading phrases says of this heading (0 if none is in it)."""
    words = f" {' '.join(_WORDS.split(str(heading).casefold())).strip()} "
    return max((points for phrase, points in HEADINGS[role].items() if f" {phrase} " in words), default=0)


def share_looking_like(role: str, values: list[str]) -> float:
    """The share (0 to 1) of a column's values that look like a value of this role."""
    if not values:
        return 0.0
    return sum(1 for value in values if _looks_like(role, value)) / len(values)


def _looks_like(role: str, value: str) -> bool:
    code = "".join(value.split()).upper()
    if role == "location_id":
        return bool(CQC_ID.match(code))
    if role == "ods_code":
        return bool(ODS_CODE.match(code)) and not CQC_ID.match(code) and any(ch.isdigit() for ch in code) \
            and normalise_postcode(code) is None
    if role == "postcode":
        return normalise_postcode(value) is not None
    letters = sum(ch.isalpha() for ch in value)
    if role == "name":
        return letters >= 4 and letters >= len(value) * 0.6 and len(value.split()) >= 2
    return 0 < len(value.split()) <= 3 and letters == len(value.replace(" ", "").replace("-", ""))
