"""Which release of the app this is: part of every page's validator (providers/edge/caching.py), so a new
release's pages are never answered 304 from the last one's.

RELEASE from the environment (a deployment sets it, say to the git commit); otherwise a fingerprint of the
code and templates, the same on every server running the same files.
"""

import hashlib
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fingerprint() -> str:
    digest = hashlib.sha256()
    for folder, pattern in (("providers", "*.py"), ("dsptlookup", "*.py"), ("templates", "*.html")):
        for path in sorted((ROOT / folder).rglob(pattern)):
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


RELEASE = "".join(c for c in os.environ.get("RELEASE", "") if c.isalnum() or c in "._-")[:40] or fingerprint()
