"""An SMTP server for tests: aiosmtpd on 127.0.0.1, keeping every message it accepts.

Recipients choose the answer: 'tempfail-...' gets 451, 'bounce-...' gets 550. `hold_after(n)`
makes the server wait, before accepting message n+1, until `release()` (to kill a sender there).
It offers PIPELINING (RFC 2920) as real relays do (Postfix, Exim, Gmail, SES), unless told not
to, and counts the messages whose RCPT and DATA had already arrived when MAIL was answered.
"""

from __future__ import annotations

import asyncio
import email
import threading
from email import policy

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self, pipelining: bool = True):
        self.pipelining = pipelining
        self.pipelined = 0  # MAIL commands that came with their RCPT and DATA in the same write
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.received: list[bytes] = []  # each accepted message's bytes, exactly as they came
        self.envelope_senders: list[str] = []  # each accepted message's MAIL FROM (its return path)
        self._hold_after: int | None = None
        self.holding = threading.Event()
        self._released = threading.Event()

    def hold_after(self, count: int) -> None:
        self._hold_after = count

    def release(self) -> None:
        self._released.set()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        waiting = bytes(getattr(server._reader, "_buffer", b""))  # what the client sent beyond this line
        if b"RCPT TO:" in waiting and b"DATA" in waiting:
            self.pipelined += 1
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local.startswith("tempfail-"):
            return "451 4.3.0 try again later"
        if local.startswith("bounce-"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self._hold_after is not None and len(self.messages) >= self._hold_after:
            self.holding.set()
            while not self._released.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 server going away"
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        self.received.append(envelope.original_content)
        self.envelope_senders.append(envelope.mail_from)
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for rcpts, m in self.messages if address in rcpts]


def start_smtp(smtputf8: bool = False, pipelining: bool = True) -> tuple[Controller, Recorder, int]:
    """`smtputf8`: the server offers SMTPUTF8 (RFC 6531) and takes internationalized addresses."""
    from seaweed import free_ports

    recorder = Recorder(pipelining)
    port = free_ports(1)[0]
    controller = Controller(recorder, hostname="127.0.0.1", port=port, enable_SMTPUTF8=smtputf8)
    controller.start()
    return controller, recorder, port
