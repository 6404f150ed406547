"""Sending one message over SMTP: a narrow seam (send one message) with the answers sorted.

One connection is opened and reused for every message; a dropped connection is reopened once.
Where the server offers PIPELINING (RFC 2920), MAIL, RCPT and DATA go in one write and their
answers are read together: two round trips a message instead of four, which is what counts
against a relay in another region.
A 4xx answer is temporary (try again on the next run), a 5xx permanent (the address bounced).
A refused login or a failed TLS handshake stops the run: every message would fail the same way,
and counting them as bounces would unsubscribe readers for the sender's mistake.
"""

from __future__ import annotations

import re
import smtplib
import ssl

_LEADING_DOT = re.compile(rb"(?m)^\.")


class TemporaryFailure(Exception):
    """The server said 'not now' (4xx) or could not be reached: send again later."""


class PermanentFailure(Exception):
    """The server refused the address for good (5xx)."""


class Undeliverable(Exception):
    """This sender cannot carry a message to this reader at all (an internationalized address where
    the server does not offer SMTPUTF8): that reader's message fails, and it is no bounce."""


class SenderUnusable(Exception):
    """The sending account or server cannot send anything (login, TLS, sender identity): stop the run."""


class SMTPSender:
    def __init__(self, host: str, port: int, security: str = "starttls", username: str = "", password: str = "",
                 timeout: float = 30):
        if security not in ("starttls", "tls", "none"):
            raise ValueError("security must be starttls, tls or none")
        self.host, self.port, self.security = host, port, security
        self.username, self.password, self.timeout = username, password, timeout
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self._connection is None:
            context = ssl.create_default_context()
            where = f"{self.host}:{self.port}"
            try:
                if self.security == "tls":
                    connection = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
                else:
                    connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                    if self.security == "starttls":
                        connection.starttls(context=context)
                if self.username:
                    connection.login(self.username, self.password)
            except smtplib.SMTPAuthenticationError as exc:
                raise SenderUnusable(f"{where} refused the login ({exc.smtp_code}): check MASTHEAD_SMTP_USERNAME "
                                     "and MASTHEAD_SMTP_PASSWORD") from None
            except smtplib.SMTPNotSupportedError as exc:
                raise SenderUnusable(f"{where}: {exc}; set 'security' to 'tls' or 'none' in "
                                     "MASTHEAD['digest']['smtp'] if that is what the server speaks") from None
            except ssl.SSLError as exc:
                raise SenderUnusable(f"{where}: TLS failed ({exc.reason or exc}); check the host name, the port "
                                     "and 'security' in MASTHEAD['digest']['smtp']") from None
            self._connection = connection
        return self._connection

    def send(self, message: bytes, sender: str, recipient: str) -> None:
        for attempt in (1, 2):
            try:
                connection = self._connect()
                options = self._international(connection, recipient) if not recipient.isascii() else ()
                connection.ehlo_or_helo_if_needed()
                if connection.has_extn("pipelining"):
                    self._pipelined(connection, sender, recipient, message, options)
                else:
                    connection.sendmail(sender, [recipient], message, mail_options=options)
                return
            except smtplib.SMTPRecipientsRefused as exc:
                code, text = exc.recipients.get(recipient, (550, b""))
                raise self._sorted(code, text) from None
            except smtplib.SMTPResponseException as exc:
                raise self._sorted(exc.smtp_code, exc.smtp_error) from None
            except (smtplib.SMTPServerDisconnected, ConnectionError, OSError) as exc:
                self.close()
                if attempt == 2:
                    raise TemporaryFailure(f"{self.host}:{self.port} unreachable: {exc}") from None

    def _pipelined(self, connection: smtplib.SMTP, sender: str, recipient: str, message: bytes,
                   options: tuple[str, ...]) -> None:
        """MAIL, RCPT and DATA in one write, their three answers read in order (RFC 2920), then
        the message; a refusal is raised as smtplib would, after a RSET that readies the next."""
        encoding = "utf-8" if options else "ascii"
        mail = "MAIL FROM:" + smtplib.quoteaddr(sender) + "".join(" " + option for option in options)
        connection.send(f"{mail}\r\nRCPT TO:{smtplib.quoteaddr(recipient)}\r\nDATA\r\n".encode(encoding))
        answers = [connection.getreply() for _ in range(3)]
        (mail_code, mail_text), (rcpt_code, rcpt_text), (data_code, data_text) = answers
        if data_code == 354 and (mail_code != 250 or rcpt_code not in (250, 251)):
            connection.send(b".\r\n")  # a server that took DATA after a refusal: end the empty message
            connection.getreply()
        if mail_code != 250:
            connection.rset()
            raise smtplib.SMTPSenderRefused(mail_code, mail_text, sender)
        if rcpt_code not in (250, 251):
            connection.rset()
            raise smtplib.SMTPRecipientsRefused({recipient: (rcpt_code, rcpt_text)})
        if data_code != 354:
            connection.rset()
            raise smtplib.SMTPDataError(data_code, data_text)
        data = _LEADING_DOT.sub(b"..", message)  # RFC 5321 4.5.2: a line that starts with '.' gets another
        connection.send(data + (b"" if data.endswith(b"\r\n") else b"\r\n") + b".\r\n")
        code, text = connection.getreply()
        if code != 250:
            raise smtplib.SMTPDataError(code, text)

    def _international(self, connection: smtplib.SMTP, recipient: str) -> tuple[str, ...]:
        """The MAIL options an address with a non-ASCII local part needs (RFC 6531), or Undeliverable."""
        connection.ehlo_or_helo_if_needed()
        if not connection.has_extn("smtputf8"):
            raise Undeliverable(f"the address needs SMTPUTF8 (RFC 6531), which {self.host}:{self.port} does not "
                                "offer: use a relay that does, or ask the reader for another address")
        return ("SMTPUTF8", "BODY=8BITMIME") if connection.has_extn("8bitmime") else ("SMTPUTF8",)

    @staticmethod
    def _sorted(code: int, text) -> Exception:
        detail = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        return (PermanentFailure if 500 <= code < 600 else TemporaryFailure)(f"{code} {detail}")

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._connection = None
