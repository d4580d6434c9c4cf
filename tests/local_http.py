"""A real HTTP server on 127.0.0.1 for download tests: serves files we choose, with ETags.

`files` maps a path ('/dspt.csv') to bytes; `headers` adds headers per path;
`requests` records (path, If-None-Match) of each request. Set `delay` to
make the server slow, or `status` to answer with an error. A POST is
answered 200 and its (path, headers, body) kept in `posts` (a CDN's purge API).
"""

from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LocalFileServer:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.headers: dict[str, dict[str, str]] = {}
        self.requests: list[tuple[str, str]] = []
        self.posts: list[tuple[str, dict, bytes]] = []
        self.delay = 0.0
        self.status: int | None = None
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the name http.server calls)
                server.requests.append((self.path, self.headers.get("If-None-Match", "")))
                body = server.files.get(self.path)
                if server.status or body is None:
                    self.send_error(server.status or 404)
                    return
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", "Mon, 30 Nov 2026 08:00:00 GMT")
                for name, value in server.headers.get(self.path, {}).items():
                    self.send_header(name, value)
                self.end_headers()
                for start in range(0, len(body), 64 * 1024):
                    if server.delay:
                        time.sleep(server.delay)
                    try:
                        self.wfile.write(body[start:start + 64 * 1024])
                    except (BrokenPipeError, ConnectionResetError):
                        return

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                server.posts.append((self.path, dict(self.headers), body))
                self.send_response(server.status or 200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def __enter__(self) -> LocalFileServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
