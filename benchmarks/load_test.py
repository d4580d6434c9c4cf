"""Load test: the app under gunicorn on loopback, driven for a bounded time.

    .venv/bin/python benchmarks/load_test.py                       # 10 s per page type, 8 connections
    .venv/bin/python benchmarks/load_test.py --seconds 30 --connections 16 --workers 4
    .venv/bin/python benchmarks/load_test.py --hostile            # normal search alone, then beside 32 attackers
    .venv/bin/python benchmarks/load_test.py --smoke              # a few seconds on 300 services (.ci/run)

Loads England-scale data (30,000 services; --services to change) into its
own database unless it is already there, runs gunicorn with production settings on 127.0.0.1, and drives each
page type with `wrk` if it is installed (apt-get install wrk), otherwise
with a small Python load generator. With nginx installed, the pages again
through nginx's cache (deploy/nginx.conf), beside the app's own figures and the
floor (a bare Django view). Only loopback addresses are used; every run stops
by itself. Prints requests per second, errors and latency; the app's own log
goes to benchmarks/output/load_test-gunicorn.log.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks import nginx  # noqa: E402

HOST = "127.0.0.1"
OUTPUT = ROOT / "benchmarks" / "output"
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def app_environment() -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_ALLOW_ASYNC")}
    env.update({
        "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0",
        "EMBEDDED_DATABASE_NAME": os.environ.get("EMBEDDED_DATABASE_NAME", "dsptlookup_bench"),
        "LOG_LEVEL": "ERROR", "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
        # The load tool stands in for a proxy: it says which client each request is from.
        "TRUSTED_PROXY_COUNT": "1",
    })
    return env


def ensure_data(env: dict, services: int) -> list[str]:
    """Load `services` generated services unless the benchmark database already has that many;
    return some service IDs and postcodes."""
    code = (
        "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'dsptlookup.settings'); django.setup();"
        "from django.core.management import call_command; call_command('migrate', verbosity=0);"
        "call_command('createcachetable', verbosity=0);"
        "from providers.models import ImportRun, Location;"
        "import benchmarks.bench_search as b;"
        "last = ImportRun.objects.filter(kind='cqc', state='succeeded').first();"
        f"(last and last.rows_read == {services}) or b.load({services});"
        "ids = list(Location.objects.registered().exclude(postcode='').order_by('?').values_list('cqc_location_id', 'postcode')[:50]);"
        "print('IDS', ';'.join(f'{i}|{p}' for i, p in ids))"
    )
    result = subprocess.run([PYTHON, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    line = next(line for line in result.stdout.splitlines() if line.startswith("IDS "))
    return [pair.split("|") for pair in line[4:].split(";")]


def largest_area(env: dict) -> str:
    """The slug of the local authority with the most services in the benchmark database."""
    code = ("import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'dsptlookup.settings'); django.setup();"
            "from django.db.models import Count; from django.utils.text import slugify;"
            "from providers.models import Location;"
            "row = Location.objects.registered().values('local_authority').annotate(n=Count('pk')).order_by('-n')[0];"
            "print(slugify(row['local_authority']))")
    return subprocess.run([PYTHON, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()


def start_server(env: dict, port: int, workers: int) -> subprocess.Popen:
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    # The app logs a line per request: to a file, never a pipe nobody reads (it fills, and the server stops).
    log = (OUTPUT / "load_test-gunicorn.log").open("wb")
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-c", "python:dsptlookup.gunicorn", "dsptlookup.wsgi", "--bind", f"{HOST}:{port}",
         "--workers", str(workers), "--log-level", "warning"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("gunicorn did not start: " + (OUTPUT / "load_test-gunicorn.log").read_text()[-2000:])


def start_nginx(port: int) -> tuple[subprocess.Popen, int]:
    """nginx as deploy/nginx.conf sets it, caching in front of the app server."""
    listen = free_port()
    config = nginx.write_config(OUTPUT / "load_test-nginx", [f"{HOST}:{port}"], f"{HOST}:{listen}")
    process = subprocess.Popen(nginx.command(config), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, listen, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process, listen
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("nginx did not start: see benchmarks/output/load_test-nginx/error.log")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()


def etag_of(port: int, path: str) -> str:
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    return response.getheader("ETag", "")


# A wrk script: each request from one of 250 visitors behind the proxy (as many people, not one client).
MANY_VISITORS = """
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", nil, {["X-Forwarded-For"] = "10.1." .. (n % 250) .. ".1"})
end
"""


def drive_with_wrk(port: int, path: str, seconds: int, connections: int, headers: dict) -> dict:
    header_args = [arg for name, value in headers.items() if value != MANY_VISITORS for arg in ("-H", f"{name}: {value}")]
    script_args = []
    if MANY_VISITORS in headers.values():
        script = OUTPUT / "load_test-visitors.lua"
        script.write_text(MANY_VISITORS)
        script_args = ["-s", str(script)]
    result = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency", *header_args,
         *script_args, f"http://{HOST}:{port}{path}"],
        capture_output=True, text=True, timeout=seconds + 60,
    )
    out = result.stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(non_2xx.group(1)) if non_2xx else 0

    def ms(label):
        match = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "requests": requests,
            "errors": errors, "p50": ms("50"), "p95": ms("90")}


def drive_with_python(port: int, path, seconds: int, connections: int, headers: dict) -> dict:
    """Keep-alive connections in threads, each stopping at the deadline. `path` may be a function giving each."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker():
        connection = http.client.HTTPConnection(HOST, port, timeout=10)
        mine = []
        while time.monotonic() < deadline and len(mine) < 100_000:
            started = time.perf_counter()
            try:
                connection.request("GET", path() if callable(path) else path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    with lock:
                        errors[0] += 1
            except OSError:
                with lock:
                    errors[0] += 1
                connection = http.client.HTTPConnection(HOST, port, timeout=10)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    count = len(latencies)
    return {"rps": count / seconds, "requests": count, "errors": errors[0],
            "p50": statistics.median(latencies) if latencies else 0,
            "p95": latencies[int(count * 0.95) - 1] if latencies else 0}


def crafted_query() -> str:
    """A search built to be slow: 40 random 'words' of 4 letters, 200 characters, new every time."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = ["".join(random.choice(letters) for _ in range(4)) for _ in range(40)]
    return "/search/?q=" + "+".join(words)


def hostile_mix(port: int, seconds: int, connections: int, attackers: int, largest_area: str, rounds: int = 2) -> None:
    """Normal searches alone, then beside `attackers` connections of crafted requests, in alternating rounds.

    Alternating (alone, beside, alone, beside) keeps a slow moment of the
    machine from landing on one side only.
    """
    normal = "/search/?q=sunny+side"
    visitors = {"X-Forwarded-For": "198.51.100.7"}  # ordinary visitors
    attacker = {"X-Forwarded-For": "203.0.113.66"}  # one client sending crafted requests as fast as it can
    attack_paths = [crafted_query, lambda: f"/areas/{largest_area}/"]
    alone_rps, beside_rps, attack = [], [], {0: [], 1: []}
    for _ in range(rounds):
        alone = drive_with_python(port, normal, seconds, connections, visitors)
        results: dict = {}

        def run_attack(index):
            results[index] = drive_with_python(port, attack_paths[index], seconds, attackers // 2, attacker)

        threads = [threading.Thread(target=run_attack, args=(index,)) for index in range(2)]
        for thread in threads:
            thread.start()
        beside = drive_with_python(port, normal, seconds, connections, visitors)
        for thread in threads:
            thread.join()
        alone_rps.append(alone["rps"])
        beside_rps.append(beside["rps"])
        for index in (0, 1):
            attack[index].append(results[index])
        print(f"round: normal search alone {alone['rps']:.1f}/s (p50 {alone['p50']:.1f} ms), beside attackers "
              f"{beside['rps']:.1f}/s (p50 {beside['p50']:.1f} ms, p95 {beside['p95']:.1f} ms, errors {beside['errors']})",
              flush=True)
    for index, label in enumerate(["crafted 40-word queries", f"/areas/{largest_area}/"]):
        served = sum(r["rps"] for r in attack[index]) / rounds
        refused = sum(r["errors"] for r in attack[index]) / (rounds * seconds)
        print(f"  attackers, {label}: {served:.1f} answers/s, of which {refused:.1f}/s refused (429)")
    share = sum(beside_rps) / sum(alone_rps) if sum(alone_rps) else 0
    print(f"\nnormal search kept {share:.0%} of its throughput over {rounds} rounds (target: at least 80%)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10, help="how long to drive each page type (max 120)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--services", type=int, default=30000, help="how many care services to load")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1, help="gunicorn worker processes")
    parser.add_argument("--hostile", action="store_true",
                        help="measure normal search alone and beside 32 connections of crafted requests")
    parser.add_argument("--attackers", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of the hostile mix")
    parser.add_argument("--smoke", action="store_true",
                        help="a smoke test: 300 services in a database of their own, 2 seconds a page type")
    args = parser.parse_args()
    if args.smoke:
        args.services, args.seconds, args.workers = 300, 2, 2
        os.environ["EMBEDDED_DATABASE_NAME"] = "dsptlookup_smoke"
    seconds = max(1, min(args.seconds, 120))
    env = app_environment()
    print("Preparing data ...", flush=True)
    samples = ensure_data(env, args.services)
    service_id, postcode = samples[0]
    port = free_port()
    server = start_server(env, port, args.workers)
    tool = "wrk" if shutil.which("wrk") else "python"
    drive = drive_with_wrk if tool == "wrk" else drive_with_python
    scenarios = {
        "search by name": "/search/?q=sunny+side",
        "search by town": "/search/?q=Leeds",
        "search by postcode": f"/search/?q={postcode.replace(' ', '+')}",
        "search, misspelt name": "/search/?q=wilow+cotage",
        "service page": f"/services/{service_id}/",
        "Easy Read service page": f"/services/{service_id}/easy-read/",
        "badge SVG": f"/services/{service_id}/badge.svg",
        "badge SVG, revalidated": (f"/services/{service_id}/badge.svg", "If-None-Match"),
        "badge PNG": f"/services/{service_id}/badge.png",
        "badge PNG, revalidated": (f"/services/{service_id}/badge.png", "If-None-Match"),
        "bare Django view (floor)": "/bare/",
        "search page (same words as the API)": "/search/?q=willow",
        "API search": "/api/v1/services?q=willow",
        "area page (many visitors)": ("/areas/{area}/", "X-Forwarded-For", MANY_VISITORS),
    }
    # The same pages through nginx's cache: what most visitors get once a page is popular.
    cached = {"service page": f"/services/{service_id}/", "search by town": "/search/?q=Leeds",
              "API search": "/api/v1/services?q=willow", "area page": "/areas/{area}/"}
    drive(port, "/search/?q=leeds", 1, args.connections, {})  # a warm-up: every worker process starts
    if args.hostile:
        try:
            print(f"gunicorn: {args.workers} workers; {args.connections} normal connections, "
                  f"{args.attackers} attackers; {seconds}s each\n")
            hostile_mix(port, seconds, args.connections, args.attackers, largest_area(env), rounds=args.rounds)
        finally:
            stop(server)
        return
    area = largest_area(env)
    proxy = None
    try:
        print(f"gunicorn: {args.workers} workers on {HOST}:{port}; load tool: {tool}; "
              f"{args.connections} connections for {seconds}s per page type\n")
        print(f"{'page type':<40} {'requests/s':>11} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p90/p95 ms':>11}")
        own = {}
        for label, path in scenarios.items():
            headers = {}
            if isinstance(path, tuple) and len(path) == 3:  # a header of its own
                path, header, value = path
                headers[header] = value
            elif isinstance(path, tuple):  # a revalidation: the client already has this version (304 Not Modified)
                path, header = path
                headers[header] = etag_of(port, path)
            own[label] = row(label, drive(port, path.format(area=area), seconds, args.connections, headers))
        print()
        office(port, area, 10 if args.smoke else 60)
        if nginx.installed():
            proxy, proxy_port = start_nginx(port)
            print()
            through = {label: row(f"{label}, through nginx's cache",
                                  drive(proxy_port, path.format(area=area), seconds, args.connections, {}))
                       for label, path in cached.items()}
            floor = own["bare Django view (floor)"]
            print(f"\nfloor: the bare view, {floor:,.0f}/s. Through nginx's cache: the service page "
                  f"{through['service page'] / own['service page']:.0f}x the app's own (target at least 10x); "
                  f"the API search {own['API search'] / own['search page (same words as the API)']:.2f}x the search "
                  f"page on the app alone (target at least 1x).")
        else:
            print("\n(nginx is not installed: apt-get install nginx for the figures through its cache.)")
        if tool == "wrk":
            print("\n(wrk reports the 90th percentile; the Python generator the 95th.)")
    finally:
        if proxy is not None:
            stop(proxy)
        stop(server)


def office(port: int, area: str, seconds: int) -> None:
    """A council office: 50 advisers behind one address, each opening an area page every 10 seconds (5 a
    second in all), at the production limits. Prints how many were refused and the slowest answer."""
    statuses, slowest, lock = [], [0.0], threading.Lock()
    started = time.monotonic()

    def adviser(number: int) -> None:
        next_at = started + number * 0.2  # spread over the first 10 seconds
        while next_at < started + seconds:
            time.sleep(max(0.0, next_at - time.monotonic()))
            began = time.monotonic()
            connection = http.client.HTTPConnection(HOST, port, timeout=30)  # (10 s idle: a new connection)
            connection.request("GET", f"/areas/{area}/", headers={"X-Forwarded-For": "192.0.2.10"})
            response = connection.getresponse()
            response.read()
            connection.close()
            with lock:
                statuses.append(response.status)
                slowest[0] = max(slowest[0], time.monotonic() - began)
            next_at += 10

    threads = [threading.Thread(target=adviser, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refused = sum(1 for status in statuses if status == 429)
    print(f"an office: 50 people behind one address, an area page each every 10 s for {seconds} s: "
          f"{len(statuses)} pages, {refused} refused (429), slowest {slowest[0] * 1000:.0f} ms", flush=True)


def row(label: str, figures: dict) -> float:
    print(f"{label:<40} {figures['rps']:>11.1f} {figures['requests']:>9} {figures['errors']:>7} "
          f"{figures['p50']:>8.1f} {figures['p95']:>11.1f}", flush=True)
    return figures["rps"]


if __name__ == "__main__":
    main()
