"""A pytest plugin for scripts/mutate_sql.py: puts one mutant of a module's SQL in place for this run.

SQL_MUTANT_FILE names a JSON file: {"module": ..., "name": ..., "text": ...}. Loaded with
`-p tests.sql_mutation`; without the variable it does nothing.
"""

import json
import os
from importlib import import_module


def pytest_sessionstart(session):
    path = os.environ.get("SQL_MUTANT_FILE")
    if not path:
        return
    with open(path) as handle:
        mutant = json.load(handle)
    setattr(import_module(mutant["module"]), mutant["name"], mutant["text"])
