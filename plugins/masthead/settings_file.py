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
    """The upper-case names the file sets; sys.path as it was (publishconf.py adds its folder)."""
    settings_file = Path(settings_file).resolve()
    if not settings_file.is_file():
        raise MastheadError(f"{settings_file}: settings file not found (run masthead from the newsroom's folder, "
                            "or pass --settings FILE)")
    saved_path = list(sys.path)
    try:
        values = runpy.run_path(str(settings_file), run_name=settings_file.stem)
    except Exception as exc:  # the settings file is Python: anything can go wrong in it
        raise MastheadError(f"{settings_file}: {type(exc).__name__}: {exc} (fix the settings file)") from None
    finally:
        sys.path[:] = saved_path
    return {key: value for key, value in values.items() if key.isupper()}


def folder_setting(values: dict, name: str, default: str, settings_file: Path) -> Path:
    """A folder the settings name (OUTPUT_PATH, THEME, PATH), absolute, relative to the file."""
    value = values.get(name) or default
    return (Path(settings_file).resolve().parent / str(value)).resolve()
