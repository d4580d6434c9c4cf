"""Run every benchmark in turn and print their figures.

    .venv/bin/python benchmarks/run_all.py
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["bench_imports.py", "bench_search.py", "bench_councils.py", "load_test.py"]

for script in SCRIPTS:
    print(f"== {script} ==", flush=True)
    subprocess.run([sys.executable, str(HERE / script)], check=True, cwd=HERE.parent)
