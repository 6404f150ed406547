"""DKIM signatures (RFC 6376) on digests, so receivers can check they come from the domain.

RSA-SHA256 and Ed25519-SHA256 (RFC 8463), signed by OpenSSL through `cryptography`: a fraction of
a millisecond each, where dkimpy's pure-Python RSA took about 9 ms. RFC 8463 recommends signing
with both while receivers learn Ed25519; each key configured adds its own DKIM-Signature header.
Canonicalization is relaxed/relaxed (the header and body rules of RFC 6376 section 3.4); the tests
verify every signature with dkimpy. The signed headers include From, To, Subject, Date,
List-Unsubscribe and List-Unsubscribe-Post: RFC 8058 asks that the one-click headers be covered.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from ..errors import MastheadError

SIGNED = (b"from", b"to", b"subject", b"date", b"message-id", b"list-id", b"list-unsubscribe",
          b"list-unsubscribe-post")
_WSP = re.compile(rb"[ \t]+")
_FOLD = re.compile(rb"\r\n(?=[ \t])")


def relaxed_body(body: bytes) -> bytes:
    """RFC 6376 3.4.4: runs of white space as one space, none at line ends, no empty lines at the end."""
    body = body.replace(b"\t", b" ")
    while b"  " in body:  # each pass halves every run of spaces: a few passes, at C speed
        body = body.replace(b"  ", b" ")
    body = body.replace(b" \r\n", b"\r\n").rstrip(b"\r\n")  # squeezed: white space at a line end is one space
    return body + b"\r\n" if body else b""


def relaxed_header(name: bytes, value: bytes) -> bytes:
    """RFC 6376 3.4.2: the name in lower case, the value unfolded, white space runs as one space."""
    value = _WSP.sub(b" ", _FOLD.sub(b"", value)).strip(b" ")
    return name.strip().lower() + b":" + value + b"\r\n"


def header_fields(head: bytes) -> list[tuple[bytes, bytes]]:
    """(name, raw value with its folds) of each header field, in order."""
    fields: list[tuple[bytes, bytes]] = []
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t") and fields:
            name, value = fields[-1]
            fields[-1] = (name, value + b"\r\n" + line)
        elif b":" in line:
            name, _, value = line.partition(b":")
            fields.append((name, value))
    return fields


@dataclass(frozen=True)
class DkimKey:
    selector: str
    key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey

    @property
    def algorithm(self) -> str:
        return "ed25519-sha256" if isinstance(self.key, ed25519.Ed25519PrivateKey) else "rsa-sha256"

    def signature(self, data: bytes) -> bytes:
        if isinstance(self.key, ed25519.Ed25519PrivateKey):  # RFC 8463: PureEdDSA over the SHA-256 digest
            return self.key.sign(hashlib.sha256(data).digest())
        return self.key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def read_key(path: Path, selector: str) -> DkimKey:
    """A PEM private key (RSA of 1024 bits or more, or Ed25519), named by where to find it."""
    if not path.is_file():
        raise MastheadError(f"DKIM key {path} not found: point MASTHEAD['digest']['dkim'] at the PEM file of the "
                            "private key (kept outside the repository)")
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise MastheadError(f"DKIM key {path}: not an unencrypted PEM private key ({exc}); make one with "
                            "`openssl genpkey -algorithm ed25519` or `openssl genrsa 2048`") from None
    if isinstance(key, rsa.RSAPrivateKey) and key.key_size < 1024:
        raise MastheadError(f"DKIM key {path}: RSA of {key.key_size} bits; receivers refuse fewer than 1024 "
                            "(use 2048)")
    if not isinstance(key, (rsa.RSAPrivateKey, ed25519.Ed25519PrivateKey)):
        raise MastheadError(f"DKIM key {path}: {type(key).__name__}; DKIM signs with RSA or Ed25519 keys")
    return DkimKey(selector, key)


@dataclass(frozen=True)
class DkimSigner:
    domain: str
    keys: tuple[DkimKey, ...]

    @classmethod
    def from_settings(cls, options: dict) -> "DkimSigner | None":
        """From MASTHEAD['digest']['dkim'] = {domain, selector, key_file} (one key), or {domain,
        keys: [{selector, key_file}, ...]} (an RSA and an Ed25519 key, as RFC 8463 recommends).
        None when not set."""
        if not options:
            return None
        given = options.get("keys") or [{"selector": options.get("selector"), "key_file": options.get("key_file")}]
        missing = ["domain"] if not options.get("domain") else []
        missing += [f"{name} (key {n})" for n, key in enumerate(given, 1) for name in ("selector", "key_file")
                    if not (isinstance(key, dict) and key.get(name))]
        if missing:
            raise MastheadError(f"MASTHEAD['digest']['dkim'] needs {', '.join(missing)}")
        return cls(str(options["domain"]), tuple(read_key(Path(key["key_file"]).expanduser(), str(key["selector"]))
                                                 for key in given))

    def sign(self, message: bytes, now: float | None = None) -> bytes:
        """The message with a DKIM-Signature header per key in front of it."""
        head, separator, body = message.partition(b"\r\n\r\n")
        if not separator:
            head, body = message, b""
        fields = header_fields(head)
        names = [name.strip().lower() for name, _ in fields]
        chosen: list[tuple[bytes, bytes]] = []
        signed_names: list[bytes] = []
        for wanted in SIGNED:  # each instance, from the bottom up (RFC 6376 5.4.2)
            for index in reversed([i for i, name in enumerate(names) if name == wanted]):
                chosen.append(fields[index])
                signed_names.append(wanted)
        canonical = b"".join(relaxed_header(name, value) for name, value in chosen)
        body_hash = base64.b64encode(hashlib.sha256(relaxed_body(body)).digest())
        stamp = int(now if now is not None else time.time())
        headers = []
        for key in self.keys:
            value = (f" v=1; a={key.algorithm}; c=relaxed/relaxed; d={self.domain}; s={key.selector};\r\n"
                     f"\tt={stamp}; h={':'.join(n.decode() for n in signed_names)};\r\n"
                     f"\tbh={body_hash.decode()};\r\n\tb=").encode()
            signature = base64.b64encode(key.signature(canonical + relaxed_header(b"DKIM-Signature", value)[:-2]))
            folded = b"\r\n\t".join(signature[i:i + 72] for i in range(0, len(signature), 72))
            headers.append(b"DKIM-Signature:" + value + folded + b"\r\n")
        return b"".join(headers) + message
