"""Print each mutated module's score beside its floor, and fail below it (`make mutation`).

Reads what mutmut left in mutants/ (one .meta file a module: each mutant's exit code) and what
scripts/mutate_sql.py left in mutants/sql-mutants.json. A mutant the tests notice (a test fails, or the run
times out) is killed. A survivor judged equivalent (it changes no behaviour anyone could see) is listed, with
why, in docs/adr/0024-mutation-testing.md and counted out; every other survivor is printed to be looked at.

    .venv/bin/python scripts/mutation_scores.py [--only 'providers.results.dspt_status*']
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADR = ROOT / "docs" / "adr" / "0024-mutation-testing.md"
# The rule and the matching ladder decide what a family reads: at least 90% of their mutants must be noticed.
FLOORS = {"providers.results.dspt_status": 90.0, "providers.register.matching": 90.0,
          "providers.register.matching._LADDER (SQL)": 90.0}
NOTICED = {"killed", "timeout", "caught by type check", "segfault"}


def status(exit_code) -> str:
    from mutmut.stats import status_by_exit_code

    return status_by_exit_code[exit_code]


def equivalents() -> set[str]:
    """Mutant names in the ADR's table of equivalent survivors (the first column, in backticks)."""
    return set(re.findall(r"^\|\s*`([^`]+)`", ADR.read_text(), re.M)) if ADR.exists() else set()


def python_results(only: str) -> dict[str, dict[str, str]]:
    results: dict[str, dict[str, str]] = {}
    for meta in sorted((ROOT / "mutants").rglob("*.py.meta")):
        for key, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            if only and not fnmatch.fnmatch(key, only):
                continue
            module = re.split(r"\.x[_ǁ]", key, maxsplit=1)[0]  # mutmut names a mutant <module>.x_<function>__mutmut_N
            results.setdefault(module, {})[key] = status(code)
    return results


def sql_results() -> dict[str, dict[str, str]]:
    path = ROOT / "mutants" / "sql-mutants.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    name = f"{data['target']} (SQL)"
    return {name: {f"{data['target']}: {m['id']}": m["outcome"] for m in data["mutants"]}}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="", help="score only mutants whose names match this pattern")
    only = parser.parse_args().only
    results = {**python_results(only), **({} if only else sql_results())}
    judged = equivalents()
    failed = False
    print(f"{'module':48} {'mutants':>7} {'noticed':>7} {'equiv.':>6} {'score':>6} {'floor':>6}")
    for module, mutants in sorted(results.items()):
        counts = Counter(mutants.values())
        if counts["not checked"]:
            print(f"{module}: {counts['not checked']} mutants were not run")
            failed = True
        noticed = sum(counts[s] for s in NOTICED)
        equivalent = [key for key, s in mutants.items() if s == "survived" and key in judged]
        counted = len(mutants) - len(equivalent) - counts["no tests"] - counts["skipped"]
        score = 100.0 * noticed / counted if counted else 100.0
        floor = FLOORS.get(module)
        below = floor is not None and score < floor
        failed |= below
        print(f"{module:48} {len(mutants):7} {noticed:7} {len(equivalent):6} {score:5.1f}% "
              f"{(f'{floor:.0f}%' if floor else '-'):>6}{'  BELOW THE FLOOR' if below else ''}")
        for key, s in sorted(mutants.items()):
            if s in ("survived", "no tests", "suspicious") and key not in judged:
                print(f"    {s}: {key}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
