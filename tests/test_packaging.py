"""What each kind of newsroom installs: a build needs none of the extras, and a command that needs
one says which in one line; the service's WSGI entry needs no Pelican."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

from conftest import SUBSCRIPTION_SECRET

OPTIONAL = ("boto3", "botocore", "s3transfer", "cryptography", "css_inline", "email_validator", "idna", "waitress",
            "werkzeug", "itsdangerous")


SERVICE_SETTINGS = textwrap.dedent("""
    MASTHEAD = {**MASTHEAD, "subscriptions": {"url": "https://subscribe.example"},
                "digest": {"from": "Gazette <d@news.example>", "smtp": {"host": "127.0.0.1", "port": 9}}}
    """)


def masthead_without(room, *args, blocked=OPTIONAL):
    """`masthead ARGS` in the newsroom's folder, in a Python where `blocked` cannot be imported."""
    code = (f"import sys\nfor name in {blocked!r}: sys.modules[name] = None\n"
            "from masthead.cli import main\nmain()\n")
    return subprocess.run([sys.executable, "-c", code, *args], cwd=room.root, capture_output=True, text=True,
                          timeout=300)


def test_a_build_and_a_check_need_none_of_the_extras(newsroom):
    newsroom.article("live", title="Live")
    built = masthead_without(newsroom, "build")
    assert built.returncode == 0, built.stderr
    assert (newsroom.output / "2026/11/live/index.html").is_file()
    checked = masthead_without(newsroom, "check")
    assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize("args, extra, missing", [
    (["deploy", "--settings", "pelicanconf.py", "--bucket", "b", "--dry-run"], "deploy", "boto3"),
    (["digest", "send", "--settings", "pelicanconf.py", "--dry-run"], "digest", "css_inline"),
    (["subscribers", "count"], "digest", "email_validator"),
    (["subscriptions", "serve", "--settings", "pelicanconf.py"], "service", "waitress"),
])
def test_a_command_whose_extra_is_missing_names_it_in_one_line(newsroom, args, extra, missing):
    newsroom.settings_file.write_text(newsroom.settings_file.read_text() + SERVICE_SETTINGS)
    newsroom.article("live", title="Live")
    assert masthead_without(newsroom, "build").returncode == 0
    result = masthead_without(newsroom, *args, blocked=(missing,))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: this needs the '{extra}' extra ({missing} is not installed): pip install 'masthead[{extra}]'")
    assert "Traceback" not in result.stderr


def test_the_wsgi_entry_runs_without_pelican(newsroom, tmp_path):
    newsroom.settings_file.write_text(newsroom.settings_file.read_text() + SERVICE_SETTINGS)
    newsroom.article("live", title="Live")
    assert masthead_without(newsroom, "build").returncode == 0
    code = textwrap.dedent("""
        import sys
        sys.modules["pelican"] = None
        from werkzeug.test import Client
        from masthead.subscriptions.wsgi import application
        response = Client(application).get("/healthz")
        print(response.status_code, response.get_data(as_text=True).strip())
        assert not any(name == "pelican" or name.startswith("pelican.") for name in sys.modules if sys.modules[name])
        application.mailer.close()
        """)
    env = {"MASTHEAD_SETTINGS": str(newsroom.settings_file), "MASTHEAD_SUBSCRIPTION_SECRET": SUBSCRIPTION_SECRET,
           "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "200 ok"


# -- the installed toolkit: a wheel, a fresh venv, a new newsroom --------------------------------

@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """masthead's wheel, built from this repository and installed, with its dependencies from the
    package index, into a fresh venv outside the repository, as a second newsroom would."""
    from conftest import REPO

    work = tmp_path_factory.mktemp("installed")
    source = work / "source"  # a copy: setuptools builds in the source tree, and the checkout stays clean
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for rel in filter(None, tracked.decode().split("\0")):
        target = source / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if (REPO / rel).is_symlink():
            target.symlink_to(os.readlink(REPO / rel))
        elif (REPO / rel).is_file():
            shutil.copy2(REPO / rel, target)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(work / "dist"), str(source)], check=True, capture_output=True, timeout=300)
    [wheel] = (work / "dist").glob("masthead-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)], check=True,
                   capture_output=True, timeout=900)
    return wheel, venv / "bin" / "masthead"


def run_installed(masthead, *args, cwd):
    return subprocess.run([str(masthead), *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(cwd)})


def test_the_wheel_carries_the_theme_fonts_and_templates(installed):
    import zipfile

    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("masthead/theme/templates/base.html", "masthead/theme/templates/email/digest.html",
                   "masthead/theme/templates/service/page.html", "masthead/theme/static/css/site.css",
                   "masthead/theme/fonts/NotoSans-Bold.ttf", "masthead/theme/fonts/NotoNastaliqUrdu-Bold.ttf",
                   "masthead/newsroom_template/pelicanconf.py.in", "masthead/py.typed"):
        assert needed in names, needed


@pytest.mark.parametrize("language", ["en", "fa", "ar", "ur"])
def test_init_then_build_and_check_in_a_fresh_install(installed, tmp_path, language):
    import json

    from lxml import etree, html
    from PIL import Image

    _, masthead = installed
    made = run_installed(masthead, "init", "harbour", "--name", "The Harbour Times", "--url",
                         "https://www.harbour.example", "--language", language, "--timezone", "Asia/Karachi",
                         "--sections", "City,Port,Opinion", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    room = tmp_path / "harbour"
    for rel in ("pelicanconf.py", "publishconf.py", ".gitignore", "requirements.txt", ".pre-commit-config.yaml",
                ".gitlab-ci.yml", ".github/workflows/publish.yml", ".github/workflows/pull-request.yml",
                "README.md", "content/authors/editor.md", "content/pages/about.md"):
        assert (room / rel).is_file(), rel
    from masthead import __version__

    assert (room / "requirements.txt").read_text().splitlines()[-1] == f"masthead[all]=={__version__}"
    for ignored in ("/output/", "/cache/", "/previews/", "/subscribers.sqlite3*", "/digest-preview/"):
        assert ignored in (room / ".gitignore").read_text().splitlines()
    assert "entry: masthead check --strict" in (room / ".pre-commit-config.yaml").read_text()

    built = run_installed(masthead, "build", cwd=room)
    assert built.returncode == 0, built.stderr + built.stdout
    checked = run_installed(masthead, "check", "--strict", cwd=room)
    assert checked.returncode == 0, checked.stderr + checked.stdout
    page = html.fromstring((room / "output/index.html").read_bytes())
    assert page.get("lang") == language and page.get("dir") == ("ltr" if language == "en" else "rtl")
    article = html.fromstring(next((room / "output").glob("*/*/welcome/index.html")).read_bytes())
    assert "The Harbour Times" in article.xpath("string(//h1)")
    assert article.xpath("//link[@rel='stylesheet']/@href")  # the packaged theme's CSS
    [packaged_css] = installed[1].parent.parent.glob("lib/python*/site-packages/masthead/theme/static/css/site.css")
    assert (room / "output/theme/css/site.css").read_bytes() == packaged_css.read_bytes()
    card = next((room / "output/cards").rglob("*.png"))
    with Image.open(card) as image:
        assert image.size == (1200, 630)
    feed = etree.fromstring((room / "output/feeds/all.atom.xml").read_bytes())
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == 1
    sitemap = etree.fromstring((room / "output/sitemap.xml").read_bytes())
    assert sitemap.tag.endswith("sitemapindex")
    json.loads((room / "output/feeds/all.json").read_text())


def test_overrides_in_the_newsrooms_theme_win_and_everything_else_stays(installed, tmp_path):
    _, masthead = installed
    assert run_installed(masthead, "init", "room", cwd=tmp_path).returncode == 0
    room = tmp_path / "room"
    assert run_installed(masthead, "build", cwd=room).returncode == 0
    before = (room / "output/index.html").read_text()
    (room / "theme/templates/partials").mkdir(parents=True)
    (room / "theme/templates/partials/about.html").write_text(
        '<section class="about" id="our-about">{{ t("about_us") }}: our own words</section>\n')
    (room / "theme/labels.yml").write_text("en:\n  about_us: Who we are\n")
    (room / "theme/templates/partials/retired.html").write_text("old\n")
    built = run_installed(masthead, "build", cwd=room)
    assert built.returncode == 0, built.stderr
    assert "theme/templates/partials/retired.html: overrides no template of masthead's theme" in built.stderr
    from lxml import html

    page = html.fromstring((room / "output/index.html").read_bytes())
    assert page.xpath("string(//section[@id='our-about'])") == "Who we are: our own words"
    after = (room / "output/index.html").read_text()
    assert after.split('<section class="about"')[0] == before.split('<section class="about"')[0]  # the rest as it was


def test_init_never_overwrites_a_file(newsroom, tmp_path):
    from click.testing import CliRunner

    from masthead.cli import main

    folder = tmp_path / "existing"
    folder.mkdir()
    (folder / "pelicanconf.py").write_text("# ours\n")
    (folder / "README.md").write_text("# ours\n")
    result = CliRunner().invoke(main, ["init", str(folder), "--name", "Ours"])
    assert result.exit_code == 0, result.output
    assert (folder / "pelicanconf.py").read_text() == "# ours\n" and (folder / "README.md").read_text() == "# ours\n"
    assert f"kept {folder / 'pelicanconf.py'} (it exists; not overwritten)" in result.output.replace(
        str(folder.resolve()), str(folder))
    assert (folder / "content/authors/editor.md").is_file()
    again = CliRunner().invoke(main, ["init", str(folder)])
    assert again.exit_code == 0 and "Wrote 0 files" in again.output


def test_init_names_a_bad_flag(tmp_path):
    from click.testing import CliRunner

    from masthead.cli import main

    result = CliRunner().invoke(main, ["init", str(tmp_path / "x"), "--timezone", "Mars/Olympus"])
    assert result.exit_code == 1
    assert result.output.strip() == "error: --timezone: a time zone such as Europe/Brussels or Asia/Karachi, not 'Mars/Olympus'"
    assert not (tmp_path / "x").exists()


def test_a_renamed_setting_works_for_a_release_with_a_warning(newsroom, monkeypatch, caplog):
    from masthead import config

    monkeypatch.setattr(config, "RENAMED_KEYS", {"blurb": ("about", "0.4")})
    settings = {"SITENAME": "Gazette", "MASTHEAD": {"blurb": "Our story."}}
    assert config.site_config(settings).about == "Our story."
    assert "pelicanconf.py: MASTHEAD['blurb'] is now MASTHEAD['about']; rename it (the old name stops working " \
           "in masthead 0.4)" in caplog.text


def test_a_misspelled_label_in_the_newsrooms_theme_is_one_line(newsroom, run):
    own = newsroom.root / "own-theme"
    own.mkdir()
    (own / "labels.yml").write_text("en:\n  subscrbe: Join us\n")
    settings = newsroom.settings_file.read_text()
    newsroom.settings_file.write_text(re.sub(r"^THEME = .*$", "THEME = 'own-theme'", settings, flags=re.M))
    newsroom.article("live", title="Live")
    result = run("build")
    assert result.exit_code == 1
    assert result.output.strip() == (f"error: {own / 'labels.yml'}: en: 'subscrbe' is not one of the theme's labels "
                                     "(did you mean 'subscribe'?)")
    (own / "labels.yml").write_text("en:\n  subscribe: Join us\n")
    assert run("build").exit_code == 0
    assert "Join us" in (newsroom.output / "index.html").read_text()
