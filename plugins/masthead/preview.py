"""`masthead serve`: the built site on 127.0.0.1, rebuilt when a file changes, reloaded in the browser.

The reload script is added to pages as they are served, never written to output/, so what is
previewed is byte for byte what is deployed.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from typing import Callable, Iterable

RELOAD_PATH = "/__masthead/events"
RELOAD_SCRIPT = (
    "<script>new EventSource('" + RELOAD_PATH + "').onmessage = () => location.reload();</script>"
).encode()


class BuildVersion:
    """A counter the rebuild loop bumps and the event streams wait on."""

    def __init__(self) -> None:
        self.number = 0
        self._changed = threading.Condition()

    def bump(self) -> None:
        with self._changed:
            self.number += 1
            self._changed.notify_all()

    def wait_past(self, seen: int, timeout: float) -> int:
        with self._changed:
            self._changed.wait_for(lambda: self.number != seen, timeout=timeout)
            return self.number


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    version: BuildVersion

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path == RELOAD_PATH:
            return self._stream_reloads()
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().do_GET()  # let http.server add the trailing slash
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            return self._send_html(path, 200)
        if not path.exists() and (Path(self.directory) / "404.html").is_file():
            return self._send_html(Path(self.directory) / "404.html", 404)
        return super().do_GET()

    def _send_html(self, path: Path, status: int) -> None:
        body = path.read_bytes()
        at = body.rfind(b"</body>")
        body = body[:at] + RELOAD_SCRIPT + body[at:] if at >= 0 else body + RELOAD_SCRIPT
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _stream_reloads(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = self.version.number
        try:
            while True:
                now = self.version.wait_past(seen, timeout=15)
                self.wfile.write(b"data: reload\n\n" if now != seen else b": keep-alive\n\n")
                self.wfile.flush()
                seen = now
        except (BrokenPipeError, ConnectionResetError):
            return

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (http.server's signature)
        pass  # a preview's request log drowns the build messages that matter


def make_server(output: Path, host: str, port: int, version: BuildVersion) -> http.server.ThreadingHTTPServer:
    handler = type("Handler", (PreviewHandler,), {"version": version})
    server = http.server.ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(output)))
    server.daemon_threads = True
    return server


def watch_and_rebuild(paths: Iterable[Path], rebuild: Callable[[], bool], version: BuildVersion,
                      stop: threading.Event) -> None:
    """Rebuild after each batch of changes; tell browsers to reload when the build succeeded."""
    from watchfiles import watch

    for _changes in watch(*[p for p in paths if p.exists()], stop_event=stop, debounce=300):
        if rebuild():
            version.bump()
