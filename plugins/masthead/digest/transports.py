"""Which way digests leave: SMTP to any relay, or Amazon SES, from MASTHEAD['digest'].

Returns a factory, because each sending worker needs its own connection or client. Secrets come
from the environment, never from the settings file that lives in git.
"""

from __future__ import annotations

import os
from typing import Callable

from ..errors import MastheadError

SMTP_KEYS = ("host", "port", "security")
SES_KEYS = ("region", "configuration_set", "endpoint_url")


def takes_unicode_local_parts(digest: dict) -> bool:
    """Whether the newsroom's way out can carry mail to an address like 'josé@example.org': SMTP
    can (when the relay offers SMTPUTF8, learnt per message); Amazon SES never does."""
    return not digest.get("ses")


def sender_factory(digest: dict) -> Callable:
    """A function making one sender (SMTPSender or SESSender); MastheadError says what to set."""
    smtp, ses = digest.get("smtp") or {}, digest.get("ses") or {}
    if smtp and ses:
        raise MastheadError("MASTHEAD['digest'] sets both 'smtp' and 'ses': keep the one digests should go through")
    if ses:
        if not isinstance(ses, dict) or set(ses) - set(SES_KEYS):
            raise MastheadError(f"MASTHEAD['digest']['ses'] takes {', '.join(SES_KEYS)}; got {ses!r}")
        from .ses import SESSender

        return lambda: SESSender(ses.get("region", ""), ses.get("configuration_set", ""), ses.get("endpoint_url", ""))
    if not isinstance(smtp, dict) or not smtp.get("host"):
        raise MastheadError("no way to send mail: set MASTHEAD['digest']['smtp'] = {'host': ..., 'port': 587, "
                            "'security': 'starttls'} (login in MASTHEAD_SMTP_USERNAME and MASTHEAD_SMTP_PASSWORD), "
                            "or MASTHEAD['digest']['ses'] = {'region': ...} for Amazon SES")
    if set(smtp) - set(SMTP_KEYS):
        raise MastheadError(f"MASTHEAD['digest']['smtp'] takes {', '.join(SMTP_KEYS)}; the login comes from "
                            f"MASTHEAD_SMTP_USERNAME and MASTHEAD_SMTP_PASSWORD; got {sorted(smtp)}")
    from .smtp import SMTPSender

    return lambda: SMTPSender(smtp["host"], int(smtp.get("port", 587)), smtp.get("security", "starttls"),
                              os.environ.get("MASTHEAD_SMTP_USERNAME", ""),
                              os.environ.get("MASTHEAD_SMTP_PASSWORD", ""))
