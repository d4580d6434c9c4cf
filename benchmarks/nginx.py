"""nginx in front of the app, as deploy/nginx.conf sets it up: for load_test.py and topology.py."""

from __future__ import annotations

import getpass
import os
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def installed() -> bool:
    return shutil.which("nginx") is not None


def write_config(run: Path, upstreams: list[str], listen: str) -> Path:
    """deploy/nginx.conf with its ${...} filled in: two app servers (the same one twice, if there is one)."""
    run.mkdir(parents=True, exist_ok=True)
    first, second = (upstreams * 2)[:2]
    values = {"RUN": str(run), "APP1": first, "APP2": second, "LISTEN": listen, "STATIC": str(ROOT / "staticfiles"),
              "USER_LINE": f"user {getpass.getuser()};" if os.geteuid() == 0 else ""}
    config = re.sub(r"\$\{(\w+)\}", lambda m: values[m.group(1)], (ROOT / "deploy" / "nginx.conf").read_text())
    path = run / "nginx.conf"
    path.write_text(config)
    return path


def command(config: Path) -> list[str]:
    return ["nginx", "-c", str(config), "-p", str(config.parent), "-g", "daemon off;"]
