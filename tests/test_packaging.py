"""What each kind of newsroom installs: a build needs none of the extras, and a command that needs
one says which in one line; the service's WSGI entry needs no Pelican."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from conftest import SUBSCRIPTION_SECRET

OPTIONAL = ("boto3", "botocore", "s3transfer", "dkim", "css_inline", "email_validator", "idna", "waitress",
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
