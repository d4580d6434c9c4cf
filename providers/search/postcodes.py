"""UK postcodes: tidy them, and tell a postcode from a name.

A full postcode is an outward code (L8, LS1, SW1A) and an inward code (1AA).
People type them in any case and spacing ("l81aa", "L8  1AA"); we store and
compare them in one form: capitals with one space, "L8 1AA".
"""

import re

_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_INWARD = r"[0-9][A-Z]{2}"
_FULL = re.compile(rf"^({_OUTWARD})({_INWARD})$")
_OUTWARD_ONLY = re.compile(rf"^{_OUTWARD}$")
_SECTOR = re.compile(rf"^({_OUTWARD})([0-9])$")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", str(text or "")).upper()


def normalise_postcode(text: str) -> str | None:
    """Return a full postcode as 'L8 1AA', or None if it is not one."""
    squashed = _squash(text)
    match = _FULL.match(squashed)
    if not match:
        return None
    return f"{match.group(1)} {match.group(2)}"


def parse_partial_postcode(text: str) -> tuple[str, str] | None:
    """Recognise what someone typed as a postcode, whole or in part.

    Returns (kind, value) where kind is 'full' ('L8 1AA'), 'sector' ('L8 1')
    or 'district' ('L8'); or None if the text is not a postcode.
    """
    cleaned = str(text or "").strip().upper()
    squashed = _squash(cleaned)
    if not squashed or len(squashed) > 8:
        return None
    full = normalise_postcode(squashed)
    if full:
        return "full", full
    # "L8 1" needs the space to be told apart from the district "L81".
    parts = cleaned.split()
    if len(parts) == 2 and _OUTWARD_ONLY.match(parts[0]) and re.fullmatch(r"[0-9]", parts[1]):
        return "sector", f"{parts[0]} {parts[1]}"
    if _OUTWARD_ONLY.match(squashed):
        return "district", squashed
    return None


def district_of(postcode: str) -> str:
    """'L8 1AA' -> 'L8'."""
    return postcode.split(" ")[0]


def sector_of(postcode: str) -> str:
    """'L8 1AA' -> 'L8 1'."""
    outward, inward = postcode.split(" ")
    return f"{outward} {inward[0]}"
