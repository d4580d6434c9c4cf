"""Third-party validators and readers, none of them ours, for the tests in tests/test_strict_clients.py.

- The Nu HTML Checker (vnu.jar, from npm: tests/validators/package.json; needs Java);
- feedparser, as feed readers parse Atom;
- LibreOffice (Debian libreoffice-calc-nogui), as councils open spreadsheets.

Each is looked for where `.ci/run` puts it; without it its tests are skipped,
unless REQUIRE_VALIDATORS=1 (CI) makes them fail instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

VALIDATORS = Path(__file__).resolve().parent / "validators"
VNU_JAR = Path(os.environ.get("VNU_JAR", VALIDATORS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"))


def need(tool: str, found: bool) -> None:
    """Skip the test without `tool`, or fail it when CI requires the validators."""
    if found:
        return
    message = f"{tool} is not installed (.ci/run installs it)"
    if os.environ.get("REQUIRE_VALIDATORS") == "1":
        pytest.fail(message)
    pytest.skip(message)


def vnu_errors(files: list[Path]) -> list[str]:
    """Every error the Nu HTML Checker finds in these HTML (or CSS) files, as 'file:line: message'."""
    need("The Nu HTML Checker (vnu.jar) and Java", VNU_JAR.is_file() and shutil.which("java") is not None)
    result = subprocess.run(["java", "-Xss8m", "-jar", str(VNU_JAR), "--errors-only", "--also-check-css", "--format", "json",
                             *map(str, files)], capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m.get('message', '')} "
            f"[{m.get('extract', '').strip()[:80]}]" for m in messages if m.get("type") == "error"]


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    need("LibreOffice (soffice)", path is not None)
    return path


def convert_with_libreoffice(path: Path, to: str, folder: Path, *, export_filter: str = "", infilter: str = "") -> Path:
    """Open a file in LibreOffice, headless, as a council would, and save it as `to` (e.g. 'csv').

    export_filter: how to save ("Text - txt - csv (StarCalc):44,34,76,1" is CSV in UTF-8);
    infilter: how to open ("CSV:44,34,76" is a CSV read as UTF-8, as its import dialog's choice).
    """
    profile = folder / "lo-profile"
    command = [soffice(), f"-env:UserInstallation=file://{profile}", "--headless"]
    if infilter:
        command.append(f"--infilter={infilter}")
    command += ["--convert-to", f"{to}:{export_filter}" if export_filter else to, "--outdir", str(folder / "out"),
                str(path)]
    subprocess.run(command, check=True, capture_output=True, timeout=180)
    return folder / "out" / f"{path.stem}.{to}"
