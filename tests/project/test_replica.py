"""A read replica in a real second process: public reads go to it, the admin's to the primary, and when
it stops (between requests, or in the middle of one) pages keep answering from the primary, then use
it again when it is back, without a restart.

The "replica" is the test database reached through a small TCP relay that the test can cut, as a
replica server stopping would: dsptlookup/replica.py cannot tell the difference.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import SAMPLE_DSPT, SAMPLE_ODS

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT = r'''
import glob, json, os, socket, threading, time

class Relay:
    """TCP on 127.0.0.1 to the database; stop() cuts every connection, as a server stopping does."""
    def __init__(self, target):
        self.target, self.conns = target, []
        self.listener = socket.socket(); self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0)); self.port = self.listener.getsockname()[1]
        self.start()
    def start(self):
        if self.listener.fileno() == -1:
            self.listener = socket.socket(); self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(16)
        threading.Thread(target=self.accept, args=(self.listener,), daemon=True).start()
    def connect(self):
        if isinstance(self.target, str):
            s = socket.socket(socket.AF_UNIX); s.connect(self.target); return s
        return socket.create_connection(self.target)
    def accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = self.connect(); self.conns += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self.pipe, args=(a, b), daemon=True).start()
    def pipe(self, a, b):
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        for s in (a, b):
            try: s.shutdown(socket.SHUT_RDWR)
            except OSError: pass
    def stop(self):
        try: self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread waiting in accept()
        except OSError: pass
        self.listener.close()
        for s in self.conns:
            try: s.shutdown(socket.SHUT_RDWR); s.close()
            except OSError: pass
        self.conns = []

primary = json.loads(os.environ["PRIMARY"])
if primary["HOST"].startswith("/"):
    target = glob.glob(os.path.join(primary["HOST"], ".s.PGSQL.*"))[0]
else:
    target = (primary["HOST"] or "127.0.0.1", int(primary["PORT"] or 5432))
relay = Relay(target)
os.environ["DATABASE_REPLICA_URL"] = f"postgresql://{primary['USER']}@127.0.0.1:{relay.port}/{primary['NAME']}"

import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dsptlookup.settings")
django.setup()
from django.db import connections
from django.test import Client

used = {"default": 0, "replica": 0}
def counter(alias):
    def wrapper(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("SELECT"):
            used[alias] += 1
        return execute(sql, params, many, context)
    return wrapper
for alias in used:
    connections[alias].execute_wrappers.append(counter(alias))

client, page, out = Client(), "/services/1-545611283/", {}
def visit(name, path=page):
    for alias in used: used[alias] = 0
    started = time.monotonic()
    status = client.get(path).status_code
    out[name] = {"status": status, "seconds": round(time.monotonic() - started, 2), **used}

visit("replica up")
visit("admin", "/admin/login/")
relay.stop()                       # the replica stops, between two checks of it
visit("replica stopped mid-request")
visit("replica stopped")
relay.start()                      # and comes back
time.sleep(1.2)                    # one REPLICA_CHECK_SECONDS later
visit("replica back")

# Another thread sees the replica stop just after this request began reading from it: the request's own
# query then fails while the replica is already marked down. It must still run again on the primary.
from dsptlookup import replica
cut = {"armed": True}
def seen_down_elsewhere(execute, sql, params, many, context):
    if cut["armed"]:
        cut["armed"] = False
        replica.health.healthy, replica.health.checked_at = False, time.monotonic()
        relay.stop()
    return execute(sql, params, many, context)
connections["replica"].execute_wrappers.append(seen_down_elsewhere)
visit("replica marked down elsewhere mid-request")
print("RESULT " + json.dumps(out))
'''


def test_reads_go_to_the_replica_and_fall_back_to_the_primary_without_a_restart():
    from providers.imports.sources import import_cqc_file, import_dspt_file

    assert import_cqc_file(path=SAMPLE_ODS).state == "succeeded"
    assert import_dspt_file(path=SAMPLE_DSPT).state == "succeeded"
    primary = {key: str(connection.settings_dict[key] or "") for key in ("HOST", "PORT", "USER", "NAME")}
    host = primary["HOST"] or "127.0.0.1"
    url = (f"postgresql://{primary['USER']}@/{primary['NAME']}?host={host}" if host.startswith("/") else
           f"postgresql://{primary['USER']}@{host}:{primary['PORT'] or 5432}/{primary['NAME']}")
    env = {**{k: v for k, v in os.environ.items() if k not in {"SECRET_KEY"}},
           "DEBUG": "1", "DATABASE_URL": url, "PRIMARY": json.dumps(primary), "REQUEST_LOG": "0",
           "REPLICA_CHECK_SECONDS": "1", "LOG_LEVEL": "ERROR", "ALLOWED_HOSTS": "testserver"}
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env,
                            cwd=Path(settings.BASE_DIR), timeout=120)
    line = next((line for line in result.stdout.splitlines() if line.startswith("RESULT ")), None)
    assert line, result.stdout[-2000:] + result.stderr[-4000:]
    visits = json.loads(line[7:])
    up, admin = visits["replica up"], visits["admin"]
    assert up["status"] == 200 and up["replica"] > 0 and up["default"] == 0, visits
    assert admin["status"] == 200 and admin["replica"] == 0, visits
    for name in ("replica stopped mid-request", "replica stopped"):
        assert visits[name]["status"] == 200 and visits[name]["seconds"] < 3, visits
        assert visits[name]["default"] > 0, visits
    assert visits["replica stopped"]["replica"] == 0, visits
    back = visits["replica back"]
    assert back["status"] == 200 and back["replica"] > 0 and back["default"] == 0, visits
    elsewhere = visits["replica marked down elsewhere mid-request"]
    assert elsewhere["status"] == 200 and elsewhere["default"] > 0, visits
