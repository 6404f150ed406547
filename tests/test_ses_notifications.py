"""Amazon SES bounce and complaint notifications through SNS, POSTed to the subscription service
(running under waitress): signed in the test with a certificate the test makes, served from
127.0.0.1 through the setting that names the trusted certificate host (in production AWS's).
Forged, unsigned, replayed, wrong-topic and oversized messages are refused, and each
notification is applied once."""

from __future__ import annotations

import base64
import functools
import http.server
import json
import threading
from datetime import datetime, timedelta, timezone

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from masthead.digest.send import send_digests
from masthead.digest.smtp import SMTPSender
from masthead.subscribers.model import Interests, subscriber_from

from conftest import THEME
from seaweed import free_ports
from test_subscriptions import Clock, start_service, stop_waitress

TOPIC = "arn:aws:sns:eu-west-1:123456789012:masthead-ses-events"


def certificate(key):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    now = datetime.now(timezone.utc)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1))
            .sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM))


class SnsHost:
    """The SNS certificate host and subscription endpoint, on 127.0.0.1: serves the certificate,
    records every request."""

    def __init__(self, folder, pem: bytes):
        (folder / "SimpleNotificationService-test.pem").write_bytes(pem)
        self.requests: list[str] = []
        host = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                host.requests.append(self.path)

        self.port = free_ports(1)[0]
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port),
                                                      functools.partial(Handler, directory=str(folder)))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def netloc(self) -> str:
        return f"127.0.0.1:{self.port}"


def sign(message: dict, key, cert_url: str, version: str = "2") -> dict:
    """As SNS signs (docs: "Verifying the signatures of Amazon SNS messages"): the named fields, each
    as 'Name\\nvalue\\n', in this order, then RSA over SHA1 (version 1) or SHA256 (version 2)."""
    names = (["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"] if message["Type"] == "Notification"
             else ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"])
    text = "".join(f"{name}\n{message[name]}\n" for name in names if name in message).encode()
    signature = key.sign(text, padding.PKCS1v15(), hashes.SHA1() if version == "1" else hashes.SHA256())
    return {**message, "SignatureVersion": version, "Signature": base64.b64encode(signature).decode(),
            "SigningCertURL": cert_url}


def notification(kind: str, addresses: list[str], original_id: str, when: datetime, message_id: str,
                 bounce_type: str = "Permanent") -> dict:
    body = {"notificationType": kind,
            "mail": {"messageId": "0102018f-ses-id", "commonHeaders": {"messageId": original_id},
                     "destination": addresses}}
    if kind == "Bounce":
        body["bounce"] = {"bounceType": bounce_type, "bounceSubType": "General",
                          "bouncedRecipients": [{"emailAddress": a, "status": "5.1.1"} for a in addresses]}
    else:
        body["complaint"] = {"complainedRecipients": [{"emailAddress": a} for a in addresses],
                             "complaintFeedbackType": "abuse"}
    return {"Type": "Notification", "MessageId": message_id, "TopicArn": TOPIC, "Message": json.dumps(body),
            "Timestamp": when.isoformat(timespec="milliseconds").replace("+00:00", "Z")}


@pytest.fixture
def world(tmp_path, smtp):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (tmp_path / "sns-host").mkdir()
    sns = SnsHost(tmp_path / "sns-host", certificate(key))
    clock = Clock()
    running, server, thread = start_service(tmp_path, smtp, clock, ses_notifications={
        "topic_arn": TOPIC, "certificate_host": sns.netloc})
    for address in ("gone@example.org", "angry@example.org", "fine@example.org"):
        running.store.add(subscriber_from({"email": address}, Interests(), "test"))
    from masthead.build import load_settings
    from masthead.config import site_config

    port = smtp[0]
    send_digests("daily", clock.now, running.room.output, running.store, site_config(load_settings(
        running.room.settings_file)), THEME, lambda: SMTPSender("127.0.0.1", port, "none"), say=lambda line: None)
    sent = {m["To"]: m["Message-ID"] for _, m in smtp[1].messages}
    yield running, sns, key, clock, sent
    stop_waitress(server, thread)
    running.app.mailer.close()
    sns.server.shutdown()


def post(running, message) -> tuple[int, str]:
    data = message if isinstance(message, bytes) else json.dumps(message).encode()
    status, _, body = running.request("POST", "/notifications/ses", data, {"Content-Type": "text/plain"})
    return status, body.decode()


def test_signed_bounces_and_complaints_are_applied_once(world, caplog):
    running, sns, key, clock, sent = world
    cert_url = f"http://{sns.netloc}/SimpleNotificationService-test.pem"
    bounce = sign(notification("Bounce", ["gone@example.org"], sent["gone@example.org"], clock.now, "n-1"), key,
                  cert_url)
    for _ in range(2):  # SNS delivers at least once: the second is the same notification
        assert post(running, bounce) == (200, "ok\n")
    assert running.store.get("gone@example.org").bounces == 1
    transient = sign(notification("Bounce", ["fine@example.org"], sent["fine@example.org"], clock.now, "n-3",
                                  bounce_type="Transient"), key, cert_url)  # a full mailbox: counted only
    assert post(running, transient)[0] == 200
    assert running.store.get("fine@example.org").bounces == 0 and running.store.get("fine@example.org").status \
        == "active"
    assert running.store.db.execute("SELECT kind FROM reports WHERE report LIKE 'sns:n-3/%'").fetchone()["kind"] \
        == "transient"
    complaint = sign(notification("Complaint", ["angry@example.org"], sent["angry@example.org"], clock.now, "n-2"),
                     key, cert_url, version="1")
    assert post(running, complaint)[0] == 200
    assert running.store.get("angry@example.org").status == "unsubscribed"
    assert sns.requests.count("/SimpleNotificationService-test.pem") == 1  # fetched once, then kept
    assert "gone@example.org" not in caplog.text and "angry@example.org" not in caplog.text


def test_forged_unsigned_replayed_wrong_topic_and_oversized_messages_are_refused(world):
    running, sns, key, clock, sent = world
    cert_url = f"http://{sns.netloc}/SimpleNotificationService-test.pem"
    good = notification("Complaint", ["fine@example.org"], sent["fine@example.org"], clock.now, "n-9")
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cases = {
        "forged": (sign(good, other_key, cert_url), 403, "a signature that does not verify"),
        "changed after signing": ({**sign(good, key, cert_url), "Message": good["Message"].replace("fine", "gone")},
                                  403, "a signature that does not verify"),
        "unsigned": ({**good, "SigningCertURL": cert_url}, 403, "unsigned"),
        "replayed": (sign({**good, "Timestamp": (clock.now - timedelta(hours=2)).isoformat()}, key, cert_url), 403,
                     "outside the timestamp window"),
        "wrong topic": (sign({**good, "TopicArn": TOPIC + "-other"}, key, cert_url), 403, "another topic"),
        "certificate elsewhere": (sign(good, key, "https://evil.example/cert.pem"), 403,
                                  "a signing certificate from somewhere other than"),
        "not JSON": (b"Type=Notification", 400, "not JSON"),
    }
    for name, (message, status, reason) in cases.items():
        answer = post(running, message)
        assert answer[0] == status and reason in answer[1], (name, answer)
    assert post(running, b"{" + b" " * (300 * 1024) + b"}")[0] == 413
    assert running.store.get("fine@example.org").status == "active"  # nothing believed


def test_the_subscription_handshake_is_confirmed_at_the_sns_host_only(world):
    running, sns, key, clock, sent = world
    cert_url = f"http://{sns.netloc}/SimpleNotificationService-test.pem"
    handshake = {"Type": "SubscriptionConfirmation", "MessageId": "c-1", "Token": "tok", "TopicArn": TOPIC,
                 "Message": "You have chosen to subscribe", "Timestamp": clock.now.isoformat(),
                 "SubscribeURL": f"http://{sns.netloc}/?Action=ConfirmSubscription&Token=tok"}
    assert post(running, sign(handshake, key, cert_url)) == (200, "subscribed\n")
    assert "/?Action=ConfirmSubscription&Token=tok" in sns.requests
    elsewhere = sign({**handshake, "SubscribeURL": "https://evil.example/confirm"}, key, cert_url)
    assert post(running, elsewhere)[0] == 403
