"""The CI workflows and the pre-commit hook: valid YAML, and every masthead command they run exists,
parses with the options given, and is documented in the README."""

from __future__ import annotations

import re
import shlex

import click
import pytest
import yaml

from masthead.cli import main

from conftest import REPO

FILES = [".github/workflows/pull-request.yml", ".github/workflows/publish.yml", ".gitlab-ci.yml",
         ".pre-commit-config.yaml", ".pre-commit-hooks.yaml"]


def commands(node):
    """Every shell line in a workflow (run:, script:, entry:)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("run", "script", "entry", "before_script"):
                for line in (value if isinstance(value, list) else str(value).splitlines()):
                    yield str(line)
            else:
                yield from commands(value)
    elif isinstance(node, list):
        for item in node:
            yield from commands(item)


@pytest.mark.parametrize("name", FILES)
def test_each_masthead_command_exists_parses_and_is_documented(name):
    data = yaml.safe_load((REPO / name).read_text())
    readme = (REPO / "README.md").read_text()
    found = 0
    for line in commands(data):
        match = re.search(r"(?:\.venv/bin/)?\bmasthead\s+(.*)$", line)
        if not match:
            continue
        found += 1
        args = shlex.split(re.sub(r"\$\{?(\w+)\}?", r"VALUE", match.group(1)))
        command, path = main, []
        while isinstance(command, click.Group) and args and args[0] in command.commands:
            path.append(args[0])
            command = command.commands[args.pop(0)]
        assert not isinstance(command, click.Group), f"{name}: 'masthead {' '.join(path)}' is not a command"
        command.make_context(" ".join(path), list(args))  # raises on an unknown option or a bad value
        assert f"masthead {' '.join(path)}" in readme, f"{name}: masthead {' '.join(path)} is not in the README"
    assert found, f"{name} runs no masthead command"


def test_the_schedule_runs_every_quarter_hour_and_publishes_one_at_a_time():
    publish = yaml.safe_load((REPO / ".github/workflows/publish.yml").read_text())
    on = publish[True]  # YAML 1.1 reads the key `on` as true
    assert on["schedule"] == [{"cron": "*/15 * * * *"}] and on["push"] == {"branches": ["main"]}
    assert publish["concurrency"]["cancel-in-progress"] is False
    gitlab = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text())
    assert gitlab["publish"]["resource_group"] == "publish"
