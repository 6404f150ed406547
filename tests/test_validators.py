"""The sample site, built for the address it is served at, checked by the standard checkers the
registries carry: the Nu Html Checker (npm `vnu-jar`, on Java) on every page, and Lighthouse (npm,
in headless Chromium) on every page type. `make browser` installs both into .node/."""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import threading

import pytest

from masthead.build import build_site

from conftest import REPO, SAMPLE_NOW
from seaweed import free_ports

NODE = REPO / ".node" / "node_modules"
PAGE_TYPES = {
    "front page": "",
    "article": "2026/11/iran-and-pakistan-revive-joint-border-commission-after-a-year/",
    "article in Persian": "2026/11/iran-pakistan-border-commission-fa/",
    "section": "sections/europe/",
    "tag": "tags/diplomacy/",
    "author": "authors/amira-haddad/",
    "archives": "archives/",
    "page": "about/",
    "digest edition": "digests/2026-11-22/",
    "not found": "404.html",
}


def tool(*parts: str):
    path = NODE.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"{path} is missing: `make browser` installs the validators (make test runs it)")
    return path


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The sample built for http://127.0.0.1:PORT and served there, so canonical URLs are real."""
    port = free_ports(1)[0]
    base = f"http://127.0.0.1:{port}"
    output = tmp_path_factory.mktemp("validated") / "output"
    build_site(REPO / "pelicanconf.py", now=SAMPLE_NOW, output=output, site_url=base)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Quiet, directory=str(output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield output, base
    server.shutdown()
    server.server_close()


def test_every_page_passes_the_nu_html_checker(served):
    output, _ = served
    pages = sorted(str(path) for path in output.rglob("*.html"))
    checked = subprocess.run(["java", "-jar", str(tool("vnu-jar", "build", "dist", "vnu.jar")), "--errors-only",
                              "--format", "json", *pages], capture_output=True, text=True, timeout=600)
    errors = [f"{m.get('url', '').split('/output/')[-1]}:{m.get('lastLine')}: {m['message']}"
              for m in json.loads(checked.stderr or '{"messages": []}')["messages"]]
    assert errors == [] and checked.returncode == 0
    assert len(pages) > 40  # every page of the sample, not a few


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_lighthouse_scores_every_page_type(served, kind, tmp_path):
    """Accessibility, best practices and SEO at 100, performance at 90 or more."""
    output, base = served
    assert (output / PAGE_TYPES[kind] / ("" if PAGE_TYPES[kind].endswith(".html") else "index.html")).is_file()
    report = tmp_path / "lighthouse.json"
    subprocess.run([str(tool(".bin", "lighthouse")), f"{base}/{PAGE_TYPES[kind]}", "--quiet", "--output=json",
                    f"--output-path={report}", "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
                    "--only-categories=accessibility,best-practices,seo,performance"],
                   check=True, capture_output=True, timeout=180,
                   env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")})
    result = json.loads(report.read_text())
    scores = {name: category["score"] for name, category in result["categories"].items()}
    failing = sorted(audit["id"] for audit in result["audits"].values()
                     if audit.get("scoreDisplayMode") == "binary" and audit.get("score") == 0)
    assert (scores["accessibility"], scores["best-practices"], scores["seo"]) == (1, 1, 1), (scores, failing)
    assert scores["performance"] >= 0.9, scores
