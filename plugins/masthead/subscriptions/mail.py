"""The service's two emails, confirmation and "already subscribed", and the thread that sends them.

Built like the digest (theme/templates/email/notice.*, the same header rules): the name a
visitor typed goes through `one_line` and RFC 2047, so nothing sent to the service becomes a
header. Sending happens on a background thread so every sign-up is answered in the same time,
whether or not the address was known (no enumeration by timing).
"""

from __future__ import annotations

import hashlib
import queue
import threading
from datetime import datetime
from email.utils import parseaddr
from typing import Callable

import css_inline

from ..digest.message import Sender, address_header, assemble, date_header, email_templates, header_text, one_line
from ..i18n import number
from ..themes import Theme
from . import service_log

log = service_log()


def masked(address: str) -> str:
    """What logs may say about an address: its first letter and its domain."""
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}***@{domain}" if local else "***"


def notice(kind: str, *, to: tuple[str, str], action_url: str, sender: Sender, lang: str, when: datetime,
           theme: Theme, confirm_hours: int = 48) -> bytes:
    """`kind` 'confirm' (follow the link to start) or 'known' (already subscribed: manage link)."""
    site = sender.site_name
    words = {"heading": theme.label(f"{kind}_subject", lang).format(site=site),
             "lead": theme.label(f"{kind}_lead", lang).format(site=site),
             "action_label": theme.label("confirm_action" if kind == "confirm" else "manage_action", lang),
             "note": theme.label("confirm_note", lang).format(hours=number(confirm_hours, lang))
             if kind == "confirm" else ""}
    env = email_templates(theme)
    context = dict(site={"name": site, "url": sender.site_url, "about": sender.about}, action_url=action_url,
                   lang=lang, **{key: one_line(value) for key, value in words.items()})
    text = env.get_template("notice.txt").render(**context)
    html = css_inline.inline(env.get_template("notice.html").render(**context))
    address = to[0]
    digest = hashlib.sha256(f"{kind}{address}{when.isoformat()}".encode()).hexdigest()
    headers = [
        ("From", address_header(*parseaddr(sender.address))),
        ("To", address_header(to[1], address)),
        ("Subject", header_text(words["heading"])),
        ("Date", date_header(when)),
        ("Message-ID", f"<{kind}.{digest[:24]}@{sender.domain}>"),
        ("Auto-Submitted", "auto-generated"),
    ]
    return assemble(headers, text, html, "masthead-" + digest[24:48])


class Mailer:
    """One background thread sending what the service queues, through the digest's own transport."""

    def __init__(self, sender_factory: Callable, envelope_from: str):
        self._factory, self._from = sender_factory, envelope_from
        self._queue: queue.Queue = queue.Queue(maxsize=10_000)
        self._thread = threading.Thread(target=self._run, name="masthead-mailer", daemon=True)
        self._thread.start()

    def submit(self, message: bytes, recipient: str) -> None:
        try:
            self._queue.put_nowait((message, recipient))
        except queue.Full:
            log.error("mail queue full; dropped a message to %s", masked(recipient))

    def _run(self) -> None:
        sender = None
        while True:
            item = self._queue.get()
            if item is None:
                break
            message, recipient = item
            try:
                sender = sender or self._factory()
                sender.send(message, self._from, recipient)
                log.info("mail sent to %s", masked(recipient))
            except Exception as exc:  # noqa: BLE001 - a failed mail must never stop the service
                log.error("mail to %s failed: %s", masked(recipient), str(exc).replace(recipient, masked(recipient)))
                if sender is not None:
                    sender.close()
                sender = None
            finally:
                self._queue.task_done()
        if sender is not None:
            sender.close()

    def wait(self) -> None:
        """Until everything queued so far was handed over (tests, and a clean shutdown)."""
        self._queue.join()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)
