"""Hostile files are rejected within a memory and a time limit, with a clear reason and nothing changed.

Each file from tests/hostile_files.py is imported by the real command in a
separate process limited to 512 MB of address space and 10 seconds (as a
web worker would be), against the test database. Before bounded reading,
the smallest of these needed 4.6 GB or never finished.
"""

import os
import resource
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from providers.imports.models import ImportRun
from providers.imports.sources import import_cqc_file, import_dspt_file
from tests.conftest import SAMPLE_DSPT, SAMPLE_ODS
from tests.hostile_files import HOSTILE, SETTINGS_FOR
from tests.imports.test_bad_input_corpus import everything

MEMORY_LIMIT = 512 * 1024 * 1024
TIME_LIMIT = 10

pytestmark = pytest.mark.django_db(transaction=True)


def database_url() -> str:
    """The test database, as a URL another process can use."""
    db = connection.settings_dict
    host = db["HOST"] or "localhost"
    host = quote(host, safe="") if host.startswith("/") else host
    port = f":{db['PORT']}" if db["PORT"] else ""
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{quote(db['USER'])}{password}@{host}{port}/{db['NAME']}"


def limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def import_in_a_limited_process(path, extra_env=None):
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": database_url(), **(extra_env or {})}
    started = time.monotonic()
    result = subprocess.run([sys.executable, "manage.py", "import_cqc", str(path), "--no-progress"],
                            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
                            preexec_fn=limit_memory, timeout=TIME_LIMIT * 3)
    return result, time.monotonic() - started


@pytest.fixture
def existing_data():
    assert import_cqc_file(path=SAMPLE_ODS).state == ImportRun.State.SUCCEEDED
    assert import_dspt_file(path=SAMPLE_DSPT).state == ImportRun.State.SUCCEEDED
    return everything()


@pytest.mark.parametrize("name, make, reason", HOSTILE, ids=[case[0] for case in HOSTILE])
def test_a_hostile_file_is_rejected_within_limits(existing_data, tmp_path, name, make, reason):
    path = make(tmp_path / name)
    result, seconds = import_in_a_limited_process(path, SETTINGS_FOR.get(name))
    said = result.stdout + result.stderr
    assert result.returncode == 1, said
    assert reason in said, said
    assert "Traceback" not in said and "MemoryError" not in said
    assert seconds < TIME_LIMIT, f"took {seconds:.1f} s"
    assert everything() == existing_data
    run = ImportRun.objects.filter(file_name=name).get()
    assert run.state == ImportRun.State.FAILED and reason in run.message


def test_the_limits_are_far_above_real_files(existing_data):
    """The sample CQC file, in a limited process, imports as before (the limits do not bite real data)."""
    result, seconds = import_in_a_limited_process(SAMPLE_ODS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "added: 0, changed: 0" in result.stdout
