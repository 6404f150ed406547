"""The service as a WSGI `application`, for servers other than waitress (gunicorn, uWSGI, mod_wsgi)
and for function platforms' WSGI adapters.

Settings file from MASTHEAD_SETTINGS (default publishconf.py in the working directory); the
secret from MASTHEAD_SUBSCRIPTION_SECRET.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..build import load_settings
from ..config import site_config
from .serve import make_service

_settings_file = Path(os.environ.get("MASTHEAD_SETTINGS", "publishconf.py"))
_settings = load_settings(_settings_file)
_config = site_config(_settings, source=str(_settings_file))
application = make_service(_config, Path(_settings["OUTPUT_PATH"]), Path(_settings["THEME"]),
                           _settings_file.resolve().parent / _config.subscribers)
