"""The build's worker pool: large calls travel through a file, which never outlives its call."""

from __future__ import annotations

import pickle
import tempfile
from pathlib import Path

import pytest

from masthead.workers import Workers


def leftovers() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("masthead-job-*.pickle")}


def test_a_large_call_is_made_in_a_worker_and_its_file_removed():
    before = leftovers()
    body = "x" * 5_000_000  # a large site's bodies, in one argument
    with Workers(cores=2) as workers:
        job = workers.submit_large(len, body)
        assert job.result(timeout=60) == 5_000_000
        failing = workers.submit_large(int, "not a number")
        with pytest.raises(ValueError, match="not a number"):
            failing.result(timeout=60)  # the worker's error reaches the caller
    assert leftovers() <= before


def test_arguments_that_cannot_travel_leave_no_file():
    before = leftovers()
    with Workers(cores=1) as workers, pytest.raises((pickle.PicklingError, AttributeError)):
        workers.submit_large(len, lambda: None)  # a function made in place cannot be pickled
    assert leftovers() <= before
