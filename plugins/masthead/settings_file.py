"""A newsroom's settings file (pelicanconf.py, publishconf.py) run as Python, without Pelican.

The stages that never build (the subscription service's WSGI entry, the "nothing changed" check)
need the values the file sets, not Pelican's settings machinery: this runs the file once and
gives its upper-case names, and the folders it names resolved as Pelican resolves them (relative
to the settings file).
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from .errors import MastheadError


def run_settings_file(settings_file: Path) -> dict:
    """The upper-case names the file sets; sys.path as it was (publishconf.py adds its folder).
    Errors name the file as the user gave it."""
    shown = Path(settings_file)
    settings_file = shown.resolve()
    if not settings_file.is_file():
        raise MastheadError(f"{shown}: settings file not found (run masthead from the newsroom's folder, "
                            "or pass --settings FILE)")
    saved_path = list(sys.path)
    try:
        values = runpy.run_path(str(settings_file), run_name=settings_file.stem)
    except Exception as exc:  # the settings file is Python: anything can go wrong in it
        raise MastheadError(f"{shown}: {type(exc).__name__}: {exc} (fix the settings file)") from None
    finally:
        sys.path[:] = saved_path
    return {key: value for key, value in values.items() if key.isupper()}


def with_absolute_paths(values: dict, settings_file: Path) -> dict:
    """The folders a settings file names, made absolute against its folder, as Pelican's
    read_settings does for a file (THEME only when it is a folder: it may be a theme's name)."""
    folder = Path(settings_file).resolve().parent
    values = dict(values)
    for name in ("PATH", "OUTPUT_PATH", "THEME", "CACHE_PATH"):
        if isinstance(values.get(name), str) and not Path(values[name]).is_absolute():
            absolute = (folder / values[name]).resolve()
            if name != "THEME" or absolute.exists():
                values[name] = str(absolute)
    if isinstance(values.get("PLUGIN_PATHS"), list):
        values["PLUGIN_PATHS"] = [str((folder / p).resolve()) for p in values["PLUGIN_PATHS"]]
    return values
