"""Optional DKIM signatures (dkimpy), so receivers can check the digest really comes from the domain.

The signed headers include From, To, Subject, Date, List-Unsubscribe and List-Unsubscribe-Post:
RFC 8058 asks that the one-click headers be covered by the signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import dkim

from ..errors import MastheadError

SIGNED = (b"from", b"to", b"subject", b"date", b"message-id", b"list-id", b"list-unsubscribe",
          b"list-unsubscribe-post")


@dataclass(frozen=True)
class DkimSigner:
    selector: str
    domain: str
    private_key: bytes

    @classmethod
    def from_settings(cls, options: dict) -> "DkimSigner | None":
        """From MASTHEAD['digest']['dkim'] = {selector, domain, key_file}; None when not set."""
        if not options:
            return None
        missing = [k for k in ("selector", "domain", "key_file") if not options.get(k)]
        if missing:
            raise MastheadError(f"MASTHEAD['digest']['dkim'] needs {', '.join(missing)}")
        path = Path(options["key_file"]).expanduser()
        if not path.is_file():
            raise MastheadError(f"DKIM key {path} not found: point MASTHEAD['digest']['dkim']['key_file'] at the "
                                "PEM file of the private key (kept outside the repository)")
        return cls(options["selector"], options["domain"], path.read_bytes())

    def sign(self, message: bytes) -> bytes:
        signature = dkim.sign(message, self.selector.encode(), self.domain.encode(), self.private_key,
                              include_headers=list(SIGNED), linesep=b"\r\n")
        return signature + message
