"""How a stored message leaves: over SMTP (MAIL_SERVER) or, without a mail
server (development), as an .eml file under instance/mail/. Each failure is
sorted into temporary (try again later) or permanent (stop), with a short
reason the admins read on the undelivered mail page."""

from __future__ import annotations

import re
import smtplib
from dataclasses import dataclass
from pathlib import Path

#: An address smtplib may put in RCPT TO: one @, nothing that ends or
#: splits it (spaces, controls, brackets, commas, quotes).
_ADDRESS = re.compile(r"[^@\s\x00-\x1f\x7f<>()\[\],;:\"\\]+@[^@\s\x00-\x1f\x7f<>()\[\],;:\"\\]+")

_CRLF = re.compile(rb"\r?\n")


class DeliveryFailed(Exception):
    """This message did not go; `temporary` says whether to try again."""

    def __init__(self, reason: str, *, temporary: bool):
        super().__init__(reason)
        self.reason, self.temporary = reason[:500], temporary


def address_problem(address: str) -> str | None:
    """Why the address cannot be sent to, or None."""
    if not _ADDRESS.fullmatch(address or ""):
        return f"Malformed address: {address[:100]!r}"
    return None


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    timeout: float
    use_tls: bool = False
    username: str | None = None
    password: str | None = None


class SmtpTransport:
    """One connection for a batch, opened at the first message. Once the
    connection fails, the rest of the batch fails the same way at once (a
    hanging server costs one timeout per round, not one per message)."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        self._broken: str | None = None

    def send(self, envelope_from: str, to: str, message: bytes, message_id: str) -> None:
        if self._broken:
            raise DeliveryFailed(self._broken, temporary=True)
        try:
            # Stored with \n line ends (as .eml files are written); SMTP
            # wants \r\n, and smtplib converts only text, not bytes.
            self._connection().sendmail(envelope_from, [to], _CRLF.sub(b"\r\n", message))
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()), (450, b"refused"))
            raise _refusal(code, text) from exc
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            raise _refusal(exc.smtp_code, exc.smtp_error) from exc
        except (OSError, smtplib.SMTPException) as exc:
            # Refused or dropped connection, timeout, a greeting or login
            # gone wrong: nothing this message can change. Try again later.
            self._broken = _describe(exc)
            self.close()
            raise DeliveryFailed(self._broken, temporary=True) from exc

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            s = self.settings
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            try:
                if s.use_tls:
                    smtp.starttls()
                if s.username:
                    smtp.login(s.username, s.password or "")
            except BaseException:
                smtp.close()
                raise
            self._smtp = smtp
        return self._smtp

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()


class FileTransport:
    """Development: each message as <Message-ID>.eml in a folder. Sending a
    message again rewrites the same file."""

    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, envelope_from: str, to: str, message: bytes, message_id: str) -> None:
        name = message_id.strip("<>").replace("@", "_").replace("/", "_")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / f"{name}.eml").write_bytes(message)
        except OSError as exc:
            raise DeliveryFailed(_describe(exc), temporary=True) from exc

    def close(self) -> None:
        pass


def _refusal(code: int, text: bytes | str) -> DeliveryFailed:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return DeliveryFailed(f"{code} {text}".strip(), temporary=not 500 <= code < 600)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return str(_refusal(exc.smtp_code, exc.smtp_error))
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
        # (smtplib reports a reply that never came as a closed connection)
        return "The mail server did not answer in time (timed out)"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
