"""The secret the subscription service and the digest sender share (MASTHEAD_SUBSCRIPTION_SECRET):
it signs the links in every email and the VERP return paths. Here, apart from the token code, so
the sender needs none of the service's packages to read it."""

from __future__ import annotations

import os

from ..errors import MastheadError

SECRET_VARIABLE = "MASTHEAD_SUBSCRIPTION_SECRET"
MIN_SECRET_LENGTH = 32


def secret_from_environment(environ=os.environ) -> str:
    secret = environ.get(SECRET_VARIABLE, "")
    if len(secret) < MIN_SECRET_LENGTH:
        raise MastheadError(
            f"{SECRET_VARIABLE} must hold a secret of at least {MIN_SECRET_LENGTH} characters, the same for the "
            "subscription service and `masthead digest send`; make one with: "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'")
    return secret
