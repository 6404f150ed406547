"""The tokens in subscription links, signed with the service's secret (itsdangerous, HMAC-SHA256).

Two kinds, each with its own salt so one can never stand for the other:
- a *manage* token (unsubscribe and preferences links, in every digest and confirmation email)
  carries the reader's random stored token and never expires: an unsubscribe link must work
  years later; it stops working when the stored token changes (the reader was erased);
- a *confirm* token carries the sign-up's one-time nonce and the moment of the request (signed, so
  its age is known) and expires (48 hours by default); it is good only while that request is
  the pending one, so a replayed link cannot undo a later unsubscribe.
Signatures are checked in constant time by itsdangerous; the secret comes from the environment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer


class InvalidToken(Exception):
    """Forged, damaged or of the wrong kind."""


class ExpiredToken(InvalidToken):
    """Genuine, but older than the confirmation window."""


@dataclass(frozen=True)
class Confirmation:
    token: str  # the sign-up's nonce (used once)
    requested: str  # when the sign-up was asked for (the pending row's `updated`)


class TokenSigner:
    def __init__(self, secret: str):
        self._manage = URLSafeSerializer(secret, salt="masthead.manage")
        self._confirm = URLSafeSerializer(secret, salt="masthead.confirm")

    def manage(self, stored_token: str) -> str:
        return self._manage.dumps(stored_token)

    def read_manage(self, value: str) -> str:
        try:
            found = self._manage.loads(value or "")
        except BadSignature:
            raise InvalidToken("not a link masthead made") from None
        if not isinstance(found, str):
            raise InvalidToken("not a link masthead made")
        return found

    def confirm(self, nonce: str, requested: str) -> str:
        return self._confirm.dumps([nonce, requested])

    def read_confirm(self, value: str, now: datetime, valid_for: timedelta) -> Confirmation:
        """The confirmation, if genuine and younger than `valid_for` (the request time is signed too)."""
        try:
            found = self._confirm.loads(value or "")
        except BadSignature:
            raise InvalidToken("not a link masthead made") from None
        if not (isinstance(found, list) and len(found) == 2 and all(isinstance(part, str) for part in found)):
            raise InvalidToken("not a link masthead made")
        confirmation = Confirmation(*found)
        try:
            requested = datetime.fromisoformat(confirmation.requested)
        except ValueError:
            raise InvalidToken("not a link masthead made") from None
        if not requested <= now < requested + valid_for:
            raise ExpiredToken("this confirmation link has expired")
        return confirmation
