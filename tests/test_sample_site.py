"""The newsroom's own sample content: it must pass the check and show every feature when built."""

from __future__ import annotations

import pytest
from lxml import html

from masthead.build import build_site

from conftest import REPO, SAMPLE_NOW


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    output = tmp_path_factory.mktemp("sample") / "output"
    report = build_site(REPO / "pelicanconf.py", now=SAMPLE_NOW, output=output)
    return report, output


def read(output, rel):
    return html.fromstring((output / rel).read_bytes())


def test_sample_shows_every_feature(sample):
    report, output = sample
    assert (report.published, report.scheduled, report.drafts, report.expired) == (8, 1, 1, 1)
    redirect = output / "2026/11/parliament-approves-windfall-levy/index.html"
    assert b'http-equiv="refresh"' in redirect.read_bytes()  # the renamed article's old address
    expired = output / "2026/11/flood-relief-registration-opens-at-three-peshawar-schools/index.html"
    assert read(output, expired.relative_to(output)).xpath("//p[@class='expired-notice']")
    articles = sorted(p.parent.name for p in output.glob("2026/11/*/index.html") if p not in (redirect, expired))
    assert len(articles) == 8

    pages = {name: read(output, f"2026/11/{name}/index.html") for name in articles}
    persian = pages["iran-pakistan-border-commission-fa"]
    assert (persian.get("lang"), persian.get("dir")) == ("fa", "rtl")
    assert any(page.xpath("//aside[@class='corrections']//li") for page in pages.values())
    assert any(len(page.xpath("//p[@class='byline']/a")) == 2 for page in pages.values())
    assert len(list(output.glob("authors/*/index.html"))) >= 4
    for name, page in pages.items():
        for bio in page.xpath("//section[@class='bio']"):
            assert bio.xpath(".//img[@class='bio-avatar']"), name
    assert sum(bool(page.xpath("//figure[@class='featured']//img[@alt]")) for page in pages.values()) >= 6
    assert len({a for page in pages.values() for a in page.xpath("//p[@class='kicker']/a/text()")}) >= 3
    assert (output / "about/index.html").is_file()

    everything = b"".join(p.read_bytes() for p in output.rglob("*.html"))
    assert b"Muscat" not in everything and b"sanctions package" not in everything
    assert not (output / "images/press-room.jpg").exists()


def test_sample_content_passes_check():
    import os

    from click.testing import CliRunner

    from masthead.cli import main

    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        result = CliRunner().invoke(main, ["check", "--now", SAMPLE_NOW.isoformat()])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    assert "OK: 8 published, 1 scheduled, 1 draft, 1 expired, 5 authors, 2 pages; 0 errors, 0 warnings" in result.output
