"""Taking out of a search's words anything that could identify someone, before it is kept.

An email address, a phone number, a postcode (whole, or its first half), a house number or any other
number, a web address: each goes, whatever is left is kept in lower case. What is left is the name or the
town someone looked for ("oak lodge", "sunny side"), which is what search can learn from.
"""

import re

_EMAIL = re.compile(r"\S+@\S+")
_WEB = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# A UK postcode, whole ('L8 0SY', 'l80sy') or its first half ('L8', 'SW1A').
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?(?:\s*\d[A-Z]{2})?\b", re.IGNORECASE)
# Any number left: a phone number (digits, spaces, +, brackets and dashes), a house number ('12a', 'flat 3').
_NUMBER = re.compile(r"[+(]?\d[\d\s()\-]*[a-z]?\b", re.IGNORECASE)
_LETTERS_ONLY = re.compile(r"[^\w\s'&-]", re.UNICODE)
MAX_WORDS = 8


def scrub(text: str) -> str:
    """The words of a search, safe to keep: '' when nothing is left."""
    text = _EMAIL.sub(" ", text)
    text = _WEB.sub(" ", text)
    text = _POSTCODE.sub(" ", text)
    text = _NUMBER.sub(" ", text)
    text = _LETTERS_ONLY.sub(" ", text)
    words = [word for word in text.lower().split() if any(ch.isalpha() for ch in word)]
    return " ".join(words[:MAX_WORDS])[:200]
