"""Sending one message through Amazon SES (API v2, raw message): the same seam as SMTPSender.

SES takes the message exactly as built (headers, both parts, DKIM signature if any). Its answers
are sorted like an SMTP server's: throttling and server errors are temporary (the message waits
for the next run), a rejected message is permanent for that reader, and anything that concerns
the whole account (an unverified sender, a paused or suspended account, bad credentials) stops
the run, because every other message would fail the same way.
"""

from __future__ import annotations

from .smtp import PermanentFailure, SenderUnusable, TemporaryFailure, Undeliverable

# Error codes of SendEmail (API reference) and of AWS in general, by what they mean for one message.
TEMPORARY_CODES = {"TooManyRequestsException", "LimitExceededException", "Throttling", "ThrottlingException",
                   "RequestTimeout", "ServiceUnavailable", "InternalFailure"}
ACCOUNT_CODES = {"AccountSuspendedException", "SendingPausedException", "MailFromDomainNotVerifiedException",
                 "NotFoundException", "AccessDeniedException", "UnrecognizedClientException",
                 "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredTokenException"}
# MessageRejected about the From identity ("Email address is not verified", "... authority to send from
# ..."): an account problem, not the reader's.
SENDER_REFUSED = ("not verified", "authority to send from", "not authorized to send from")


def sort_ses_error(code: str, message: str, status: int) -> Exception:
    """What one SES error means for the run: retry later, give up on this reader, or stop."""
    detail = f"SES {code}: {message}".strip()
    if code in ACCOUNT_CODES or (code == "MessageRejected" and any(
            phrase in message.lower() for phrase in SENDER_REFUSED)):
        return SenderUnusable(detail)
    if code in TEMPORARY_CODES or status >= 500:
        return TemporaryFailure(detail)
    return PermanentFailure(detail)


class SESSender:
    """One boto3 sesv2 client per worker (clients are thread-safe, but each keeps its own pool)."""

    def __init__(self, region: str = "", configuration_set: str = "", endpoint_url: str = "", timeout: float = 30):
        import boto3
        from botocore.config import Config

        self.configuration_set = configuration_set
        self.client = boto3.session.Session().client(  # its own session: credentials read now, not cached globally
            "sesv2", region_name=region or None, endpoint_url=endpoint_url or None,
            config=Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=timeout,
                          read_timeout=timeout))

    def send(self, message: bytes, sender: str, recipient: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

        if not recipient.isascii():  # SES takes ASCII local parts only (domains in Punycode)
            raise Undeliverable("Amazon SES does not accept addresses with non-ASCII characters before the @: "
                                "ask the reader for another address")
        request = {"FromEmailAddress": sender, "Destination": {"ToAddresses": [recipient]},
                   "Content": {"Raw": {"Data": message}}}
        if self.configuration_set:
            request["ConfigurationSetName"] = self.configuration_set
        try:
            self.client.send_email(**request)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            raise sort_ses_error(error.get("Code", ""), error.get("Message", ""),
                                 exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 400)) from None
        except NoCredentialsError:
            raise SenderUnusable("no AWS credentials for SES: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
                                 "(or AWS_PROFILE, or an instance role)") from None
        except BotoCoreError as exc:  # the endpoint could not be reached, or answered nonsense
            raise TemporaryFailure(f"SES unreachable: {exc}") from None

    def close(self) -> None:
        self.client.close()
