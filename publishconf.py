"""Production settings: everything in pelicanconf.py, with the public address of the site.

Used by `masthead build --production`.
"""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F403

SITEURL = "https://www.meridian.example"
MASTHEAD = {
    **MASTHEAD,  # noqa: F405
    "subscriptions": {"url": "https://subscribe.meridian.example", "trusted_proxies": 1},
    # `masthead deploy` publishes output/ here; credentials come from the environment only.
    "deploy": {"preset": "aws", "region": "eu-west-1", "bucket": "www.meridian.example"},
    "digest": {"from": "The Meridian <digest@meridian.example>",
               "smtp": {"host": "smtp.meridian.example", "port": 587, "security": "starttls"}},
}
