"""Digests through Amazon SES (API v2, raw message).

There is no SES to run on 127.0.0.1; moto's server stands in for it: a real HTTP server that
speaks the sesv2 wire protocol, checks the sender identity like SES and keeps what it accepted.
boto3 reaches it through `endpoint_url`, exactly as it would reach SES.
"""

from __future__ import annotations

import email
import email.policy

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.server import ThreadedMotoServer
from moto.ses.models import ses_backends

from masthead.build import load_settings
from masthead.config import site_config
from masthead.digest.send import send_digests
from masthead.digest.ses import SESSender, sort_ses_error
from masthead.digest.smtp import PermanentFailure, SenderUnusable, TemporaryFailure
from masthead.digest.transports import sender_factory
from masthead.errors import MastheadError

from conftest import THEME, link_token
from seaweed import free_ports
from test_digest_send import NOW, newsroom_with_readers

REGION = "eu-west-1"


@pytest.fixture
def ses(monkeypatch):
    port = free_ports(1)[0]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_DEFAULT_REGION", REGION)):
        monkeypatch.setenv(name, value)
    endpoint = f"http://127.0.0.1:{port}"
    yield endpoint, ses_backends[DEFAULT_ACCOUNT_ID][REGION]
    server.stop()
    ses_backends[DEFAULT_ACCOUNT_ID][REGION].reset()


def send_through_ses(room, store, endpoint):
    config = site_config(load_settings(room.settings_file))
    lines = []
    report = send_digests("daily", NOW, room.output, store, config, THEME,
                          lambda: SESSender(REGION, endpoint_url=endpoint), say=lines.append)
    return report, lines


def received(backend) -> dict[str, email.message.EmailMessage]:
    return {message.destinations[0]: email.message_from_string(message.raw_data, policy=email.policy.default)
            for message in backend.sent_messages}


def test_digests_go_through_ses_as_raw_messages_exactly_once(tmp_path, ses):
    endpoint, backend = ses
    room, store = newsroom_with_readers(tmp_path, 1, {"all@example.org": {}, "europe@example.org": {"sections": ["Europe"]}})
    boto3.session.Session().client("sesv2", region_name=REGION, endpoint_url=endpoint).create_email_identity(EmailIdentity="news.example")

    report, _ = send_through_ses(room, store, endpoint)
    assert (report.sent, report.deferred, report.bounced, report.stopped) == (2, 0, 0, "")
    messages = received(backend)
    assert sorted(messages) == ["all@example.org", "europe@example.org"]
    everything = messages["all@example.org"]
    assert everything["From"] == "The Gazette <digest@news.example>"
    assert everything["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"token={link_token(store.get('all@example.org').token)}" in everything["List-Unsubscribe"]
    assert "گفت‌وگوها از سر گرفته شد" in everything.get_body(("plain",)).get_content()
    assert "Talks resume" not in messages["europe@example.org"].get_body(("plain",)).get_content()

    again, _ = send_through_ses(room, store, endpoint)
    assert again.sent == 0 and again.skipped_already_sent == 2 and len(backend.sent_messages) == 2


def test_an_unverified_sender_stops_the_run_without_bouncing_anyone_and_the_next_run_sends(tmp_path, ses):
    endpoint, backend = ses
    room, store = newsroom_with_readers(tmp_path, 1, {f"r{n}@example.org": {} for n in range(12)})

    report, lines = send_through_ses(room, store, endpoint)
    assert report.sent == 0 and report.bounced == 0 and "authority to send from" in report.stopped
    assert report.deferred <= 9 and report.recipients < 12  # what was queued when it stopped; the rest untried
    assert lines[-2].startswith("stopped: SES MessageRejected")
    assert all(store.get(f"r{n}@example.org").bounces == 0 for n in range(12))
    assert backend.sent_messages == []

    boto3.session.Session().client("sesv2", region_name=REGION, endpoint_url=endpoint).create_email_identity(
        EmailIdentity="digest@news.example")
    report, _ = send_through_ses(room, store, endpoint)
    assert report.sent == 12 and report.stopped == ""
    assert sorted(received(backend)) == sorted(f"r{n}@example.org" for n in range(12))


def test_the_cli_sends_through_ses_and_says_why_it_stopped(tmp_path, ses):
    from click.testing import CliRunner

    from masthead.cli import main

    endpoint, backend = ses
    room, store = newsroom_with_readers(tmp_path, 1, {"all@example.org": {}})
    store.close()
    settings = room.settings_file.read_text().replace(
        "'smtp': {'host': '127.0.0.1', 'port': 1, 'security': 'none'}",
        f"'ses': {{'region': '{REGION}', 'endpoint_url': '{endpoint}'}}")
    assert "'ses'" in settings
    room.settings_file.write_text(settings)
    run = CliRunner().invoke(main, ["digest", "send", "--settings", str(room.settings_file), "--now", NOW.isoformat()])
    assert run.exit_code == 1
    assert "error: sending stopped, nothing more was sent: SES MessageRejected" in run.output
    assert "sent by the next run once this is put right" in run.output

    boto3.session.Session().client("sesv2", region_name=REGION, endpoint_url=endpoint).create_email_identity(EmailIdentity="news.example")
    run = CliRunner().invoke(main, ["digest", "send", "--settings", str(room.settings_file), "--now", NOW.isoformat()])
    assert run.exit_code == 0, run.output
    assert ": 1 sent, 0 already sent" in run.output and list(received(backend)) == ["all@example.org"]


@pytest.mark.parametrize("code, message, status, kind", [
    ("TooManyRequestsException", "Maximum sending rate exceeded.", 429, TemporaryFailure),
    ("LimitExceededException", "Daily message quota exceeded.", 400, TemporaryFailure),
    ("InternalFailure", "", 500, TemporaryFailure),
    ("SendingPausedException", "Sending paused for this account.", 400, SenderUnusable),
    ("MessageRejected", "Email address is not verified. The following identities failed the check", 400, SenderUnusable),
    ("UnrecognizedClientException", "The security token included in the request is invalid.", 400, SenderUnusable),
    ("MessageRejected", "Illegal address", 400, PermanentFailure),
    ("BadRequestException", "Invalid recipient", 400, PermanentFailure),
])
def test_each_ses_error_means_retry_give_up_on_the_reader_or_stop(code, message, status, kind):
    error = sort_ses_error(code, message, status)
    assert type(error) is kind and code in str(error)


def test_the_transport_is_chosen_from_the_settings_with_a_message_saying_what_to_set():
    with pytest.raises(MastheadError, match="set MASTHEAD\\['digest'\\]\\['smtp'\\].*or MASTHEAD\\['digest'\\]\\['ses'\\]"):
        sender_factory({})
    with pytest.raises(MastheadError, match="sets both 'smtp' and 'ses'"):
        sender_factory({"smtp": {"host": "mail"}, "ses": {"region": REGION}})
    with pytest.raises(MastheadError, match="the login comes from MASTHEAD_SMTP_USERNAME"):
        sender_factory({"smtp": {"host": "mail", "password": "hunter2"}})
    with pytest.raises(MastheadError, match="takes region, configuration_set, endpoint_url"):
        sender_factory({"ses": {"region": REGION, "key": "x"}})
