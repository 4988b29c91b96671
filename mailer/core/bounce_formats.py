"""Reading the human-readable side of a bounce: its notice text, status codes, cues, addresses.

Pure helpers for :mod:`mailer.core.bounces`. The notice is the text a mail server wrote, without
the returned original (``message/rfc822``, ``text/rfc822-headers``, or a copy pasted below a
"below this line is a copy of the message" marker), so that addresses and codes quoted from our
own message are not taken for the bounce's.

Every pattern here runs on outside text and is linear in it: repetitions are bounded
(``{1,64}``) or cannot overlap their neighbours, a pattern that scans a run of characters starts
only at the run's first character, and the notice is cut at ``NOTICE_CHARS``. Regular
expressions hold the GIL, so one quadratic pattern on a crafted 200 KB message would stall every
page and worker of the process (a 100 KB word run took 16 s before).
"""

from __future__ import annotations

import html
import re
from email.message import Message
from email.utils import getaddresses

# An RFC 3463 code, not a piece of an IP address or a version number ("194.25.134.9", "2.0.12.3")
STATUS = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?!\.?\d)")
_GENERIC = re.compile(r"[245]\.\d{1,3}\.0$")  # 5.0.0, 5.1.0, 5.2.0: no detail given
_ORIGINAL = re.compile(
    r"^.{0,12}(?:below this line is a copy of the message"
    r"|this is a copy of (?:the|your) message"
    r"|original message (?:follows|attached)|-{1,200} ?original message ?-"
    r"|(?:the )?header of the original message|message header follows|unsent message below"
    r"|returned mail follows|start of returned message|message text follows"
    r"|your message reads|a copy of the original message|the first \d+ lines of your original"
    r"|original message headers|message headers follow|included is a copy of the message"
    r"|a summary of the undelivered message|attachment is a copy of the message"
    r"|original message as received)",
    re.IGNORECASE | re.MULTILINE,
)
# The address was fine; the mailbox was full, the message too big, or the sender gave up retrying
_SOFT = re.compile(
    r"quota|mailbox (?:is |was )?full|mailbox full|mail ?box space|mailfolder is full"
    r"|mailbox exceed|recipient's mailbox exceeded|size limit exceeded|(?:mail|message) size limit"
    r"|too much mail|insufficient (?:disk|storage)|storage (?:space|allocation)"
    r"|(?:maximum|exceeds?|exceeded)[\w ]{0,30}(?:message|mail) size"
    r"|message (?:is )?too (?:large|big)"
    r"|in the queue too long|retry timeout exceeded|not delivered within|allowed queue period"
    r"|delivery failed \d{1,9} attempts|attempt\(s\) to deliver|maximum delivery attempts"
    r"|timed out|aborted after|host not found, try again|try to resend"
    r"|failing for a long time|could not deliver for the last|(?:envelope|message) expired"
    r"|did not accept our requests to connect|despite repeated attempts",
    re.IGNORECASE,
)
# A warning: the server is still trying
_DELAY = re.compile(
    r"this is a warning|warning message only|delivery attempts will continue"
    r"|will continue (?:to try|trying|to attempt|attempting)|has not yet been delivered"
    r"|not yet been delivered|will be retried|has been postponed|been delayed and is still"
    r"|attempts will continue to be made",
    re.IGNORECASE,
)
_DAEMON = re.compile(r"mailer-daemon|postmaster|mail delivery|delivery subsystem", re.IGNORECASE)
_FAILURE_SUBJECT = re.compile(
    r"undeliver|deliver(?:y|ed)? (?:fail|status|problem|report|notification)|returned mail"
    r"|failure notice|non-?delivery|mail delivery failed|could not be delivered",
    re.IGNORECASE,
)
_AUTO_SUBJECT = re.compile(
    r"(?:automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|out of (?:the )?office"
    r"|abwesenheitsnotiz|réponse automatique|risposta automatica|respuesta automática)\b",
    re.IGNORECASE,
)
# an address starts where a run of address characters starts (so a long run is scanned once)
_EMAIL = re.compile(
    r"(?<![\w.+'=-])[\w.+'=-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,16}"
)
_TAG = re.compile(r"<[^<>]*>")  # stops at the next "<": each character is scanned once
NOTICE_CHARS = 64 * 1024  # a mail server's own words are a few KB; the rest is quoted mail
HEADER_CHARS = 2048  # an address header longer than this is not read for addresses
_SKIP = {"message/rfc822", "text/rfc822-headers", "message/delivery-status"}
_SERVICE = re.compile(
    r"^(?:mailer-daemon|postmaster|mail\.delivery\.system|.*-bounces|.*-admin|noreply)\b",
    re.IGNORECASE,
)


def status_in(text: str) -> str | None:
    match = STATUS.search(text)
    return ".".join(match.groups()) if match else None


def statuses_in(text: str) -> list[str | None]:
    return list(dict.fromkeys(".".join(match) for match in STATUS.findall(text)))


def auto_reply_subject(subject: str) -> bool:
    return _AUTO_SUBJECT.match(subject.strip()) is not None


def generic(status: str | None) -> bool:
    return status is None or _GENERIC.match(status) is not None


def soft_cue(text: str) -> bool:
    return _SOFT.search(" ".join(text.split())) is not None


def delay_cue(text: str) -> bool:
    return _DELAY.search(" ".join(text.split())) is not None


def _decoded(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        text = payload.decode(charset, errors="replace")
    except LookupError:
        text = payload.decode("utf-8", errors="replace")
    if part.get_content_subtype() == "html":
        text = html.unescape(_TAG.sub("", text.replace("<br>", "\n").replace("<BR>", "\n")))
    return text


def _chunks(part: Message) -> list[str]:
    if part.get_content_type() in _SKIP:
        return []
    if part.is_multipart():
        chunks: list[str] = []
        for sub in part.get_payload():
            if isinstance(sub, Message):
                chunks += _chunks(sub)
        return chunks
    if part.get_content_maintype() == "text":
        return [_decoded(part)]
    return []


def notice(message: Message) -> str:
    """The bounce's own words: its text parts, up to where the returned original starts,
    at most ``NOTICE_CHARS``."""
    text = "\n".join(_chunks(message))[:NOTICE_CHARS]
    match = _ORIGINAL.search(text)
    return text[: match.start()] if match else text


def from_mail_system(message: Message) -> bool:
    """From a mail server, or titled as a delivery failure: not a person's reply."""
    return bool(
        _DAEMON.search(str(message.get("From", "")))
        or _FAILURE_SUBJECT.search(str(message.get("Subject", "")))
    )


def looks_like_bounce(message: Message) -> bool:
    return from_mail_system(message) or str(message.get("Return-Path", "")).strip() == "<>"


def header_addresses(message: Message, *names: str) -> list[str]:
    """The addresses in the named headers, each value cut at ``HEADER_CHARS``; none when the
    stdlib parser gives up (thousands of nested comments exhaust its recursion)."""
    values = [str(v)[:HEADER_CHARS] for name in names for v in message.get_all(name) or []]
    try:
        return [address for _, address in getaddresses(values) if address]
    except (RecursionError, IndexError, ValueError):
        return []


def addresses_in(message: Message, text: str) -> list[str]:
    """Addresses a plain-text bounce names (X-Failed-Recipients first), not its own or ours."""
    failed = header_addresses(message, "X-Failed-Recipients")
    if failed:
        return [a.lower() for a in failed]
    if not looks_like_bounce(message):
        return []
    own = {address.lower() for address in header_addresses(message, "From", "To", "Reply-To")}
    candidates = [a.lower().strip(".") for a in _EMAIL.findall(text)]
    candidates = [a for a in candidates if a not in own]
    # a bounce names its own postmaster for help, unless the postmaster was the recipient
    found = [a for a in candidates if not _SERVICE.match(a)] or candidates
    return list(dict.fromkeys(found))
