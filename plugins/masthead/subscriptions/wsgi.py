"""The service as a WSGI `application`, for servers other than waitress (gunicorn, uWSGI, mod_wsgi)
and for function platforms' WSGI adapters.

Settings file from MASTHEAD_SETTINGS (default publishconf.py in the working directory); the
secret from MASTHEAD_SUBSCRIPTION_SECRET.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..config import site_config
from ..settings_file import run_settings_file, with_absolute_paths
from ..subscribers.database import database_target
from ..themes import resolve_theme
from .serve import make_service

# The settings file is run as Python, without Pelican: the service needs its values, not a build.
_settings_file = Path(os.environ.get("MASTHEAD_SETTINGS", "publishconf.py"))
_settings = run_settings_file(_settings_file)
_config = site_config(_settings, source=str(_settings_file))
_folders = with_absolute_paths({"OUTPUT_PATH": "output", **_settings}, _settings_file)
application = make_service(_config, Path(_folders["OUTPUT_PATH"]),
                           resolve_theme(_settings.get("THEME"), _settings_file),
                           database_target(_config.database, _settings_file.resolve().parent))
