"""An SMTP server for tests: aiosmtpd on 127.0.0.1, keeping every message it accepts.

Recipients choose the answer: 'tempfail-...' gets 451, 'bounce-...' gets 550. `hold_after(n)`
makes the server wait, before accepting message n+1, until `release()` (to kill a sender there).
"""

from __future__ import annotations

import asyncio
import email
import threading
from email import policy

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.received: list[bytes] = []  # each accepted message's bytes, exactly as they came
        self._hold_after: int | None = None
        self.holding = threading.Event()
        self._released = threading.Event()

    def hold_after(self, count: int) -> None:
        self._hold_after = count

    def release(self) -> None:
        self._released.set()

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
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for rcpts, m in self.messages if address in rcpts]


def start_smtp(smtputf8: bool = False) -> tuple[Controller, Recorder, int]:
    """`smtputf8`: the server offers SMTPUTF8 (RFC 6531) and takes internationalized addresses."""
    from seaweed import free_ports

    recorder = Recorder()
    port = free_ports(1)[0]
    controller = Controller(recorder, hostname="127.0.0.1", port=port, enable_SMTPUTF8=smtputf8)
    controller.start()
    return controller, recorder, port
