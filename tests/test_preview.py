"""`masthead serve`'s server on 127.0.0.1: pages get the reload script, browsers hear about rebuilds."""

from __future__ import annotations

import http.client
import threading

import pytest

from masthead.preview import RELOAD_PATH, RELOAD_SCRIPT, BuildVersion, make_server


@pytest.fixture
def server(tmp_path):
    (tmp_path / "index.html").write_text("<html><body><p>Front page</p></body></html>")
    (tmp_path / "404.html").write_text("<html><body>Not here</body></html>")
    (tmp_path / "style.css").write_text("body{}")
    version = BuildVersion()
    srv = make_server(tmp_path, "127.0.0.1", 0, version)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv, version
    srv.shutdown()
    srv.server_close()


def get(srv, path):
    conn = http.client.HTTPConnection("127.0.0.1", srv.server_address[1], timeout=5)
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read()


def test_pages_get_the_reload_script_and_other_files_do_not(server):
    srv, _ = server
    status, body = get(srv, "/")
    assert status == 200 and body.endswith(RELOAD_SCRIPT + b"</body></html>")
    status, body = get(srv, "/style.css")
    assert (status, body) == (200, b"body{}")
    status, body = get(srv, "/missing/")
    assert status == 404 and b"Not here" in body


def test_a_rebuild_tells_open_pages_to_reload(server):
    srv, version = server
    conn = http.client.HTTPConnection("127.0.0.1", srv.server_address[1], timeout=5)
    conn.request("GET", RELOAD_PATH)
    response = conn.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"
    threading.Timer(0.2, version.bump).start()
    assert response.fp.readline() == b"data: reload\n"
    conn.close()


def test_serve_on_another_port_names_that_port_in_every_absolute_address(newsroom):
    """og:url, og:image and JSON-LD point at the server the editor is looking at."""
    import json
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    from lxml import html

    newsroom.article("one", title="Port story", slug="port-story")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-c", "from masthead.cli import main; main()", "serve", "--port",
                               str(port), "--settings", str(newsroom.settings_file)], cwd=newsroom.root,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any("Serving" in line for line in lines):
            lines.append(server.stdout.readline())
        assert f"at http://127.0.0.1:{port}/" in "".join(lines), lines
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/2026/11/port-story/")
        page = html.fromstring(conn.getresponse().read())
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    base = f"http://127.0.0.1:{port}/"
    assert page.xpath("string(//meta[@property='og:url']/@content)") == base + "2026/11/port-story/"
    assert page.xpath("string(//meta[@property='og:image']/@content)").startswith(base)
    data = json.loads(page.xpath("string(//script[@type='application/ld+json'])"))
    [story] = [item for item in (data if isinstance(data, list) else [data]) if item["@type"] == "NewsArticle"]
    assert story["mainEntityOfPage"]["@id"] == base + "2026/11/port-story/" and ":8000" not in json.dumps(data)
