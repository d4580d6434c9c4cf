"""Characters no address, search or code of ours ever holds, in one place.

The middleware refuses them (dsptlookup/middleware.py, JunkInputMiddleware) and the API's description
says so (providers/councils/api_schemas.py builds its patterns from these), so what the server refuses and
what the OpenAPI allows are the same set.

- In a query string or a form: the control characters, but for the tab and the line breaks people paste
  with text. PostgreSQL cannot store a NUL; the others only ever come from a damaged link or a probe.
- In a path: every control character.
"""

import re

# As a character class, in the escapes Python's re, JSON Schema (ECMA 262) and Rust's regex all read alike.
JUNK_CHARACTER_CLASS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
JUNK_CHARACTERS = re.compile(f"[{JUNK_CHARACTER_CLASS}]")
JUNK_IN_PATH = re.compile(r"[\x00-\x1f\x7f-\x9f]")

# Text without junk; and text without junk that holds at least one character that is not a space.
TEXT_PATTERN = f"^[^{JUNK_CHARACTER_CLASS}]*$"
WORDS_PATTERN = f"^[^{JUNK_CHARACTER_CLASS}]*[^\\s{JUNK_CHARACTER_CLASS}][^{JUNK_CHARACTER_CLASS}]*$"
