"""A small HTTP proxy on 127.0.0.1 that puts faults in front of a real S3 server.

It forwards each request as it came (the Host header too, so SigV4 signatures still verify) and,
by rule, answers 500 instead or answers late. Used to test retries against SeaweedFS.
"""

from __future__ import annotations

import http.client
import http.server
import threading
import time
from collections import Counter
from urllib.parse import urlsplit


class FaultyProxy:
    def __init__(self, upstream: str, fail_first_puts_of: int = 0, delay: float = 0.0, delay_every: int = 0,
                 hold_deletes: bool = False):
        self.upstream = urlsplit(upstream)
        # hold_deletes: a DeleteObjects request is held (`holding` is set) and, once `released`,
        # dropped unanswered and never forwarded, as if the client died while it was on its way.
        self.hold_deletes = hold_deletes
        self.holding, self.released = threading.Event(), threading.Event()
        self.fail_first_puts_of = fail_first_puts_of  # every Nth key's first PUT gets a 500
        self.delay, self.delay_every = delay, delay_every
        self.faults: Counter[str] = Counter()
        self.seen: list[tuple[str, str, dict]] = []  # (method, path, headers) of every request
        self._seen: Counter[str] = Counter()
        self._lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _forward(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with proxy._lock:
                    proxy.seen.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
                    proxy._seen[self.command] += 1
                    count = proxy._seen[self.command]
                    key_count = proxy._seen[f"{self.command} {self.path}"] = proxy._seen[f"{self.command} {self.path}"] + 1
                if self.command == "PUT" and proxy.fail_first_puts_of and count % proxy.fail_first_puts_of == 0 \
                        and key_count == 1:
                    proxy.faults["500"] += 1
                    self.send_response(500)
                    payload = b"<Error><Code>InternalError</Code><Message>injected</Message></Error>"
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                if proxy.hold_deletes and self.command == "POST" and "delete" in urlsplit(self.path).query:
                    proxy.holding.set()
                    proxy.released.wait(60)
                    self.close_connection = True
                    return
                if proxy.delay_every and count % proxy.delay_every == 0:
                    proxy.faults["slow"] += 1
                    time.sleep(proxy.delay)
                upstream = http.client.HTTPConnection(proxy.upstream.hostname, proxy.upstream.port, timeout=30)
                upstream.request(self.command, self.path, body=body, headers=dict(self.headers.items()))
                answer = upstream.getresponse()
                data = answer.read()
                self.send_response(answer.status, answer.reason)
                for name, value in answer.getheaders():
                    if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                upstream.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
