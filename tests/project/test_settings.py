"""Settings and database selection: one rule for the app and the tests."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from dsptlookup import embedded_db


def run_settings(env_changes: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG"}}
    env.update(env_changes)
    code = "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','dsptlookup.settings'); django.setup(); " \
           "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'], settings.USING_EMBEDDED_DATABASE)"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          cwd=settings.BASE_DIR, timeout=120)


def test_database_follows_database_url():
    if os.environ.get("DATABASE_URL"):
        assert settings.USING_EMBEDDED_DATABASE is False
    else:
        assert settings.USING_EMBEDDED_DATABASE is True
        assert settings.DATABASES["default"]["HOST"]  # the embedded server's socket folder


@pytest.mark.django_db
def test_the_database_is_real_postgresql_with_search_extensions():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension")
        extensions = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT similarity('sunnyside', 'sunny side'), unaccent('Café')")
        similarity, plain = cursor.fetchone()
    assert {"pg_trgm", "unaccent"} <= extensions
    assert similarity > 0.3 and plain == "Cafe"


def test_a_non_postgresql_database_url_is_refused():
    result = run_settings({"DEBUG": "1", "DATABASE_URL": "sqlite:///db.sqlite3"})
    assert result.returncode != 0
    assert "DATABASE_URL must point at a PostgreSQL server" in result.stderr


def test_a_secret_key_is_required_in_production():
    result = run_settings({"DEBUG": "0", "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"})
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_database_url_is_used_when_set():
    result = run_settings({"DEBUG": "1", "DATABASE_URL": "postgres://someone@db.example:5433/dspt"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "False"]


def test_embedded_server_is_started_once_and_reused():
    if os.environ.get("DATABASE_URL"):
        pytest.skip("this run uses DATABASE_URL, not the embedded server")
    first = embedded_db.ensure_server(settings.EMBEDDED_PGDATA)
    second = embedded_db.ensure_server(settings.EMBEDDED_PGDATA)
    assert first == second
    assert (settings.EMBEDDED_PGDATA / "PG_VERSION").read_text().strip() == "18"


def test_a_new_embedded_server_gets_a_page_cache_for_the_care_service_table(tmp_path):
    import psycopg

    mb = embedded_db.shared_buffers_mb()
    assert 128 <= mb <= 512
    data_dir = tmp_path / "pgdata"
    try:
        socket_dir = embedded_db.ensure_server(data_dir)  # made, started, and restarted once with the setting
        with psycopg.connect(host=str(socket_dir), user="postgres", dbname="postgres") as conn:
            assert conn.execute("SHOW shared_buffers").fetchone()[0] == f"{mb}MB"
        assert embedded_db.ensure_server(data_dir) == socket_dir  # set already: no second restart
    finally:
        embedded_db.stop_server(data_dir)


def test_two_processes_starting_a_new_embedded_server_at_once_both_keep_their_connection(tmp_path):
    data_dir = tmp_path / "pgdata"
    code = ("import sys, time, psycopg; from pathlib import Path; from dsptlookup import embedded_db; "
            "socket = embedded_db.ensure_server(Path(sys.argv[1])); "
            "conn = psycopg.connect(host=str(socket), user='postgres', dbname='postgres'); "
            "first = conn.execute('SHOW shared_buffers').fetchone()[0]; time.sleep(1.5); "
            "print(first, conn.execute('SHOW shared_buffers').fetchone()[0])")
    try:
        runs = [subprocess.Popen([sys.executable, "-c", code, str(data_dir)], cwd=settings.BASE_DIR,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = [run.communicate(timeout=120) for run in runs]
    finally:
        embedded_db.stop_server(data_dir)
    wanted = f"{embedded_db.shared_buffers_mb()}MB"
    for run, (out, err) in zip(runs, outputs):
        assert run.returncode == 0, err[-2000:]
        assert out.split() == [wanted, wanted]  # no restart under a process that had already connected
