"""Shared test set-up. Every test runs against real PostgreSQL (embedded, or DATABASE_URL)."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SAMPLE_ODS = FIXTURES / "16_November_2026_HSCA_Active_Locations.ods"
SAMPLE_XLSX = FIXTURES / "16_November_2026_HSCA_Active_Locations.xlsx"
SAMPLE_CQC_CSV = FIXTURES / "cqc_active_locations.csv"
SAMPLE_DIRECTORY = FIXTURES / "16_November_2026_CQC_directory.csv"
SAMPLE_DSPT = FIXTURES / "DSPT search results 20_11_2026 09_15_02.csv"
SAMPLE_DSPT_2022 = FIXTURES / "DSPT search results 2022 format.csv"


@pytest.fixture(scope="session", autouse=True)
def collected_static(tmp_path_factory):
    """Build the static files as production does, so pages render with whitenoise's manifest."""
    call_command("collectstatic", "--noinput", verbosity=0)
    yield


@pytest.fixture
def sample_files(tmp_path):
    """Copies of the sample files that a test may change freely."""
    copies = {}
    for path in (SAMPLE_ODS, SAMPLE_XLSX, SAMPLE_CQC_CSV, SAMPLE_DIRECTORY, SAMPLE_DSPT, SAMPLE_DSPT_2022):
        target = tmp_path / path.name
        shutil.copy(path, target)
        copies[path.name] = target
    return copies


@pytest.fixture
def write_file(tmp_path):
    """Write text or bytes to a file in a temporary folder and return its path."""

    def _write(name: str, content, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding=encoding, newline="")
        return path

    return _write


@pytest.fixture
def sample_loaded(db):
    """The sample CQC and DSPT data, imported through the real importers."""
    from providers.services.cqc_import import import_cqc_file
    from providers.services.dspt_import import import_dspt_file

    assert import_cqc_file(path=SAMPLE_ODS).state == "succeeded"
    assert import_dspt_file(path=SAMPLE_DSPT).state == "succeeded"
