"""The real worker as its own process (`manage.py run_worker`), against the test database: for tests that
kill it (tests/imports/test_worker.py, tests/following/test_sending_worker.py)."""

import os
import subprocess
import sys
import time
import urllib.parse

import pytest
from django.conf import settings
from django.db import connection


def wait_for(check, *, seconds: float, what: str, every: float = 0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(every)
    raise AssertionError(f"Waited {seconds:g} s for {what}")


def worker_environment(**extra: str) -> dict:
    """The test's settings for a worker process: the same server, the test database."""
    env = {**os.environ, "DEBUG": "0", **extra}
    name = connection.settings_dict["NAME"]
    if settings.USING_EMBEDDED_DATABASE:
        env["EMBEDDED_DATABASE_NAME"] = name
    else:
        parts = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    return env


@pytest.fixture
def start_worker(tmp_path, settings):
    started: list[subprocess.Popen] = []

    def start(**env: str) -> subprocess.Popen:
        log = tmp_path / f"worker-{len(started)}.log"
        process = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--concurrency", "1"], cwd=settings.BASE_DIR,
            env=worker_environment(**env),
            stdout=open(log, "w"), stderr=subprocess.STDOUT,
        )
        process.log = log
        started.append(process)
        wait_for(lambda: "Worker started" in log.read_text() or process.poll() is not None, seconds=60,
                 what="the worker to start")
        assert process.poll() is None, log.read_text()
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
