"""Mutation testing for the matching ladder's SQL, which mutmut cannot reach (docs/adr/0024-mutation-testing.md).

mutmut changes Python inside functions; the ladder that decides which DSPT record a care service shows is
one SQL statement (providers/register/matching.py, _LADDER). This makes one mutant per place an operator
fits (a comparison turned round, a condition dropped or negated, a rung of the ladder removed or two
swapped, a label changed), runs the matching tests against each (tests/sql_mutation.py puts it in place),
and writes what survived to mutants/sql-mutants.json for scripts/mutation_scores.py.

    .venv/bin/python scripts/mutate_sql.py            # make mutation runs it
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ("providers.register.matching", "_LADDER")
TESTS = ["tests/register/", "tests/imports/test_dspt_import.py"]
SECONDS_PER_MUTANT = 180
RESULTS = ROOT / "mutants" / "sql-mutants.json"

# (name, pattern, replacement): each is applied at every place it matches, one place per mutant.
OPERATORS = [
    ("= to <>", r"(?<![<>!=])=(?![>=])", "<>"),
    ("<> to =", r"<>", "="),
    ("IS NOT NULL to IS NULL", r"\bIS NOT NULL\b", "IS NULL"),
    ("IS NULL to IS NOT NULL", r"\bIS NULL\b", "IS NOT NULL"),
    ("AND to OR", r"\bAND\b", "OR"),
    ("condition dropped", r"\bAND [a-z_.]+ (?:IS NULL|IS NOT NULL|<> ''|= '[a-z_]+')", ""),
    ("LEFT JOIN to JOIN", r"\bLEFT JOIN\b", "JOIN"),
    ("exactly one to at least one", r"count\(\*\) = 1", "count(*) >= 1"),
    ("more than one to at least one", r"> 1\)", ">= 1)"),
    ("DISTINCT dropped", r"\bDISTINCT ", ""),
    ("min to max", r"\bmin\(", "max("),
    ("rung removed", r"\n\s*WHEN [^\n]*THEN '[a-z_]+'", ""),
    ("label changed", r"THEN '([a-z_]+)'", "THEN 'XX'"),
    ("first two rungs swapped", r"COALESCE\(own\.id, head\.id", "COALESCE(head.id, own.id"),
    ("middle rungs swapped", r"head\.id, by_code\.id", "by_code.id, head.id"),
    ("last rungs swapped", r"by_code\.id, named\.organisation_id", "named.organisation_id, by_code.id"),
]


def mutants(text: str) -> list[dict]:
    found = []
    for name, pattern, replacement in OPERATORS:
        for number, match in enumerate(re.finditer(pattern, text), 1):
            changed = text[:match.start()] + match.expand(replacement) + text[match.end():]
            line = text[:match.start()].count("\n") + 1
            found.append({"id": f"{name} #{number} (line {line} of the SQL)", "text": changed,
                          "line": text.splitlines()[line - 1].strip()})
    return found


def run(mutant: dict) -> str:
    """'killed', 'timeout' or 'survived'."""
    module, name = TARGET
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"module": module, "name": name, "text": mutant["text"]}, handle)
    env = {**os.environ, "SQL_MUTANT_FILE": handle.name, "DATABASE_STATEMENT_TIMEOUT_MS": "60000"}
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "--reuse-db",
               "-p", "tests.sql_mutation", *TESTS]
    try:
        finished = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=SECONDS_PER_MUTANT)
    except subprocess.TimeoutExpired:
        return "timeout"
    finally:
        os.unlink(handle.name)
    return "survived" if finished.returncode == 0 else "killed"


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dsptlookup.settings")
    os.environ.setdefault("SECRET_KEY", "mutation-testing-only")
    import django

    django.setup()
    from importlib import import_module

    module, name = TARGET
    original = getattr(import_module(module), name)
    every = mutants(original)
    print(f"{len(every)} mutants of {module}.{name}")
    results = []
    for number, mutant in enumerate(every, 1):
        started = time.monotonic()
        outcome = run(mutant)
        results.append({"id": mutant["id"], "line": mutant["line"], "outcome": outcome})
        print(f"{number:3}/{len(every)} {outcome:8} {time.monotonic() - started:5.1f}s  {mutant['id']}: {mutant['line']}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"target": f"{module}.{name}", "mutants": results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
