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
