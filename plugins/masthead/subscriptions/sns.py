"""Amazon SES bounce and complaint notifications, as Amazon SNS delivers them to the service.

SES tells of a bounce or complaint only afterwards, through SNS: a signed JSON document POSTed to
`/notifications/ses`. Nothing in it is believed before its signature is checked against the
signing certificate, fetched (once, then kept) only from the SNS certificate host of the
configured topic's region over https; a message for another topic, older than an hour (a replay),
or without a signature is refused. Pure but for the certificate fetch, which the caller gives.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

MAX_BYTES = 256 * 1024  # SNS's own limit for a message
FRESH_FOR = timedelta(hours=1)  # a notification older than this is a replay
SIGNED_NOTIFICATION = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
SIGNED_CONFIRMATION = ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type")


class Refused(Exception):
    """Why a notification is not believed (said in the log, without any address)."""


@dataclass(frozen=True)
class SesEvent:
    kind: str  # 'permanent', 'transient' or 'complaint'
    address: str
    original_id: str  # the Message-ID of the digest it is about
    notification: str  # the SNS MessageId: each notification is applied once


def certificate_host(topic_arn: str) -> str:
    """sns.REGION.amazonaws.com for arn:aws:sns:REGION:ACCOUNT:TOPIC."""
    parts = topic_arn.split(":")
    if len(parts) != 6 or parts[:3] != ["arn", "aws", "sns"] or not parts[3]:
        raise ValueError(f"{topic_arn!r} is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:TOPIC)")
    return f"sns.{parts[3]}.amazonaws.com"


def trusted_url(url: str, host: str) -> bool:
    """An https URL on the trusted host (plain http only when that host is this machine, for tests)."""
    parts = urlsplit(url)
    loopback = (parts.hostname or "") in ("127.0.0.1", "::1", "localhost")
    return parts.netloc == host and (parts.scheme == "https" or (parts.scheme == "http" and loopback))


def string_to_sign(message: dict) -> bytes:
    fields = SIGNED_NOTIFICATION if message.get("Type") == "Notification" else SIGNED_CONFIRMATION
    return "".join(f"{name}\n{message[name]}\n" for name in fields if name in message).encode()


def check(message: dict, topic_arn: str, host: str, certificate: bytes, now: datetime) -> None:
    """Raises Refused unless the message is for the topic, fresh and signed by the certificate."""
    if message.get("TopicArn") != topic_arn:
        raise Refused("another topic")
    try:
        sent = datetime.fromisoformat(str(message["Timestamp"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        raise Refused("no timestamp") from None
    if sent.tzinfo is None or abs(now - sent) > FRESH_FOR:
        raise Refused("outside the timestamp window (a replay?)")
    version = str(message.get("SignatureVersion", ""))
    if version not in ("1", "2") or not message.get("Signature"):
        raise Refused("unsigned")
    try:
        key = x509.load_pem_x509_certificate(certificate).public_key()
        signature = base64.b64decode(str(message["Signature"]), validate=True)
    except (ValueError, TypeError):
        raise Refused("an unreadable signature or certificate") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise Refused("a certificate without an RSA key")
    try:
        key.verify(signature, string_to_sign(message), padding.PKCS1v15(),
                   hashes.SHA1() if version == "1" else hashes.SHA256())  # noqa: S303 - SNS's version 1
    except InvalidSignature:
        raise Refused("a signature that does not verify") from None


def ses_events(message: dict) -> list[SesEvent]:
    """The bounces and complaints an SES notification reports, one per address."""
    try:
        event = json.loads(str(message.get("Message", "")))
    except ValueError:
        return []
    if not isinstance(event, dict):
        return []
    kind = str(event.get("notificationType") or event.get("eventType") or "")
    found_mail = event.get("mail")
    mail: dict = found_mail if isinstance(found_mail, dict) else {}
    found_common = mail.get("commonHeaders")
    common: dict = found_common if isinstance(found_common, dict) else {}
    original = str(common.get("messageId", "")) or next(
        (str(h.get("value", "")) for h in mail.get("headers", []) if isinstance(h, dict)
         and str(h.get("name", "")).lower() == "message-id"), "")
    notification = str(message.get("MessageId", ""))
    if kind == "Bounce" and isinstance(event.get("bounce"), dict):
        bounce = event["bounce"]
        found = "permanent" if bounce.get("bounceType") == "Permanent" else "transient"
        people = bounce.get("bouncedRecipients", [])
    elif kind == "Complaint" and isinstance(event.get("complaint"), dict):
        found, people = "complaint", event["complaint"].get("complainedRecipients", [])
    else:
        return []
    return [SesEvent(found, str(person["emailAddress"]).lower(), original, notification)
            for person in people if isinstance(person, dict) and person.get("emailAddress")]
