"""One exception tree for the whole service.

Every error a user can hit says what was wrong, where (file, row, field, column) and, where it
helps, what to do. Adapters translate third-party errors into these at the boundary; HTTP
statuses and exit codes are chosen only in ``mailer.web`` and ``mailer.cli``.
"""

from __future__ import annotations

from collections.abc import Sequence


class MailerError(Exception):
    """Base of every error the service raises on purpose."""


class ConfigError(MailerError):
    """A setting is unknown, of the wrong type, or unusable."""

    def __init__(self, message: str, *, source: str | None = None, key: str | None = None) -> None:
        self.source = source
        self.key = key
        where = ", ".join(part for part in (source, key and f"key {key!r}") if part)
        super().__init__(f"{where}: {message}" if where else message)


class InvalidValue(MailerError):
    """One value given by a user failed validation; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class SegmentSyntaxError(MailerError):
    """A segment expression could not be parsed; ``column`` is 1-based."""

    def __init__(self, text: str, column: int, message: str) -> None:
        self.text = text
        self.column = column
        self.message = message
        pointer = " " * (column - 1) + "^"
        super().__init__(f"segment, column {column}: {message}\n  {text}\n  {pointer}")


class ImportFileError(MailerError):
    """An import file could not be read at all (missing, empty, undecodable, no email column)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class NotFound(MailerError):
    """A named thing (list, subscriber, campaign ...) does not exist."""

    def __init__(self, kind: str, key: str) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"no {kind} {key!r}")


class Conflict(MailerError):
    """The request contradicts what is stored (e.g. removing a list that still has members)."""


class PeriodMismatch(Conflict):
    """Scheduling was refused until confirmed: the issue is written for ``period`` but the
    chosen date falls in ``date_period``."""

    def __init__(self, slug: str, period: str, date_period: str, when: str) -> None:
        self.slug = slug
        self.period = period
        self.date_period = date_period
        super().__init__(
            f"{slug} is the issue for {period}, but {when} falls in {date_period}. "
            "Check the date, or confirm that this issue should go out then."
        )


class StaleRevision(Conflict):
    """A save (or import) started from revision ``base`` of an issue (or of another
    ``noun``: an approach), but revision ``current``
    was saved since (by ``current_by``); nothing was stored. The web answers 412."""

    def __init__(
        self,
        slug: str,
        *,
        base: int,
        current: int,
        current_by: str,
        hint: str = "",
        noun: str = "issue",
    ) -> None:
        self.slug = slug
        self.noun = noun
        self.base = base
        self.current = current
        self.current_by = current_by
        message = (
            f"{noun} {slug!r}: this change started from revision {base}, but revision {current} "
            f"(saved by {current_by}) is newer; nothing was saved"
        )
        super().__init__(f"{message}: {hint}" if hint else message)


class NotAllowed(MailerError):
    """The person may not do this (their role, or four eyes: the author of a revision cannot
    approve it); ``action`` names what was refused. The web answers 403."""

    def __init__(self, action: str, who: str, reason: str) -> None:
        self.action = action
        self.who = who
        self.reason = reason
        super().__init__(f"{who} may not {action}: {reason}")


class StorageError(MailerError):
    """The database failed or is unreachable; the message says which and why."""


class DatabaseUnavailable(StorageError):
    """The database could not be reached or was busy (a restart, a lost connection, a lock):
    the same work may succeed when tried again. Any other ``StorageError`` (a value too long,
    a constraint) fails the same way every time."""


class SchemaOutOfDate(StorageError):
    """The database schema is behind the code; run ``mailer db upgrade``."""


class InvalidRecord(MailerError):
    """A record (an import row, a form) has one or more invalid fields; nothing of it is stored."""

    def __init__(self, problems: list[InvalidValue]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


class TemplateError(MailerError):
    """A template or its rendering failed: syntax, an unknown field, a sandbox violation, MJML."""


class CampaignInvalid(MailerError):
    """A campaign folder has errors; ``problems`` lists each with its file and key."""

    def __init__(self, path: str, problems: list[object]) -> None:
        self.path = path
        self.problems = problems
        listed = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{path} has errors (run `mailer campaign lint`):\n{listed}")


class DnsError(MailerError):
    """A DNS question got no usable answer: a timeout, SERVFAIL, a refusal, no server at all.

    ``server`` names who was asked (``127.0.0.1:53``, or ``the system resolver``).
    """

    def __init__(
        self, name: str, rdtype: str, server: str, reason: str, *, unreachable: bool = False
    ) -> None:
        self.name = name
        self.rdtype = rdtype
        self.server = server
        self.reason = reason
        self.unreachable = unreachable  # no point asking this server again soon
        super().__init__(f"{rdtype} {name}: {reason} ({server})")


class PreflightFailed(Conflict):
    """Sending or scheduling was refused: preflight found failing checks (``failures``)."""

    def __init__(self, slug: str, failures: list[str]) -> None:
        self.slug = slug
        self.failures = failures
        listed = "; ".join(failures)
        super().__init__(
            f"{slug}: preflight found {len(failures)} failing check(s): {listed} "
            "(`mailer preflight` prints the records to publish)"
        )


class SeriesInvalid(MailerError):
    """A series file has errors; ``problems`` lists each with its file and key."""

    def __init__(self, path: str, problems: Sequence[object]) -> None:
        self.path = path
        self.problems = list(problems)
        listed = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{path} has errors (see docs/campaigns.md, Series):\n{listed}")


class HeaderInjection(MailerError):
    """A header value carried a line break: it would have started a new header."""


class BounceRefused(MailerError):
    """A returned message refused unread (too big or too deeply nested)."""


class MailboxError(MailerError):
    """The bounce mailbox could not be read: ``step`` says what failed, ``reason`` what the
    server or the network said. Messages recognised before the failure have been removed."""

    def __init__(self, protocol: str, address: str, username: str, step: str, reason: str) -> None:
        self.address = address
        self.step = step
        self.reason = reason
        user = f" as {username!r}" if username else ""
        super().__init__(f"{protocol} mailbox {address}{user}: {step}: {reason}")


class MailboxLoginError(MailboxError):
    """The server refused the username or password (check ``bounce_mailbox`` settings)."""


class WebhookError(MailerError):
    """A webhook request could not be accepted; ``provider`` names who (claims to have) sent it."""

    def __init__(self, provider: str, message: str) -> None:
        self.provider = provider
        self.message = message
        super().__init__(f"{provider} webhook: {message}")


class WebhookAuthError(WebhookError):
    """Not proven to come from the provider: bad or missing signature or credentials, a stale
    timestamp, a replayed token, a certificate URL or topic that is not allowed (401/403)."""


class WebhookPayloadError(WebhookError):
    """The body cannot be read as the provider's documented format (400)."""


class WebhookTooLarge(WebhookPayloadError):
    """The body is over the size cap, or holds more events than allowed (413)."""


class CertificateUnavailable(WebhookError):
    """The SNS signing certificate could not be fetched; SNS retries, so answer 5xx."""
