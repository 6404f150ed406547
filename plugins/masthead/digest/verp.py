"""VERP: each digest's envelope sender names its reader and edition, signed, so a bounce that
comes back to it is matched without reading the bounce's text.

`bounces+TOKEN@domain` (MASTHEAD["digest"]["return_path"] = "bounces@domain"): TOKEN is the
digest's Message-ID local part (its edition and a hash of the reader's address, see
message.message_id) and a MAC of it made with the subscription service's secret, so nobody can
make one. From, and the DKIM signature's domain, stay as they are.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

_TOKEN = re.compile(r"^(?P<base>[^@+]+)\+(?P<edition>[a-z]+-\d{8}-[0-9a-f]{12})\.(?P<reader>[0-9a-f]{16})"
                    r"\.(?P<mac>[a-z2-7]{8})@(?P<domain>[^@\s>]+)$", re.I)


def _mac(secret: str, edition: str, reader: str) -> str:
    digest = hmac.new(secret.encode(), f"verp|{edition}|{reader}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:5]).decode().lower()


def verp_address(return_path: str, message_id: str, secret: str) -> str:
    """The envelope sender for the digest with this Message-ID ('<EDITION.READER@domain>')."""
    base, _, domain = return_path.partition("@")
    edition, _, reader = message_id.strip("<>").split("@", 1)[0].rpartition(".")
    return f"{base}+{edition}.{reader}.{_mac(secret, edition, reader)}@{domain}"


def verp_message_id(address: str, return_path: str, secret: str, message_domain: str) -> str | None:
    """The Message-ID of the digest a VERP address was made for (its domain: the sender's, as
    message.message_id writes it), when the address is one of ours and its MAC is right; None for
    any other address."""
    found = _TOKEN.match(address.strip().strip("<>"))
    base, _, domain = return_path.partition("@")
    if not found or found["base"].lower() != base.lower() or found["domain"].lower() != domain.lower():
        return None
    edition, reader = found["edition"].lower(), found["reader"].lower()
    if not hmac.compare_digest(found["mac"].lower(), _mac(secret, edition, reader)):
        return None
    return f"<{edition}.{reader}@{message_domain}>"
