"""Which optional part of masthead needs which packages, and the one line that says what to install.

A newsroom that only builds its site installs `masthead`; deploying, sending digests and running
the subscription service each need more (`masthead[deploy]`, `[digest]`, `[service]`, or `[all]`),
and a subscriber database in PostgreSQL `[postgresql]`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from .errors import MastheadError

# The top-level modules each extra brings, as pyproject.toml's optional dependencies list them.
EXTRAS = {
    "deploy": ("boto3", "botocore", "s3transfer"),
    "digest": ("boto3", "botocore", "dkim", "css_inline", "email_validator", "idna"),
    "service": ("waitress", "werkzeug", "itsdangerous", "css_inline", "email_validator", "idna"),
    "postgresql": ("psycopg", "psycopg_pool", "psycopg_binary"),
    "import": ("markdownify", "bs4", "six", "feedparser", "sgmllib"),
}


class MissingExtra(MastheadError):
    """A command needs packages of an extra that is not installed."""


@contextmanager
def needs(extra: str) -> Iterator[None]:
    """Turn the ImportError of a package that `extra` brings into one line naming the extra."""
    try:
        yield
    except ImportError as exc:
        missing = (exc.name or "").split(".")[0]
        if missing not in EXTRAS[extra]:
            raise
        raise MissingExtra(f"this needs the '{extra}' extra ({missing} is not installed): "
                           f"pip install 'masthead[{extra}]'") from None
