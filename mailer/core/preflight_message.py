"""``bounce.mx`` and the ``message.*`` checks of one issue: size, unsubscribe headers, From."""

from __future__ import annotations

from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import parseaddr

from mailer.core.preflight import FAIL, PASS, WARN, Check, Lookup, joined, unanswered
from mailer.core.spf import mx_hosts

GMAIL_CLIP_BYTES = 102 * 1024
# mailbox providers' own domains: mail "from" them sent by anyone else fails their DMARC
# (yahoo.com, aol.com, mail.ru, yandex.ru … publish p=reject; gmail.com and outlook.com are
# moving there), so it is rejected or junked
_PROVIDERS = (
    "gmail.com googlemail.com yahoo.com ymail.com rocketmail.com aol.com outlook.com "
    "hotmail.com live.com msn.com icloud.com me.com mac.com mail.ru inbox.ru list.ru bk.ru "
    "internet.ru yandex.ru yandex.com ya.ru rambler.ru gmx.com gmx.net gmx.de web.de proton.me "
    "protonmail.com zoho.com ukr.net i.ua mail.az yahoo.co.uk"
)
MAILBOX_PROVIDERS = frozenset(_PROVIDERS.split())


def bounce_mx_check(domain: str, lookup: Lookup, *, receiver_host: str) -> Check:
    answer = lookup(domain, "MX")
    if answer.failed:
        return unanswered("bounce.mx", f"MX {domain}", answer)
    hosts = mx_hosts(answer)
    publish = f"publish {domain}. IN MX 10 {receiver_host}. (the host running `mailer serve`)"
    if not hosts:
        detail = (
            f"{domain} has no MX: bounces then come back only through the mailbox "
            "([bounce_mailbox]) or the webhooks"
        )
        return Check("bounce.mx", WARN, detail, publish)
    return Check("bounce.mx", PASS, f"{domain} receives mail at {joined(hosts)}")


def from_check(sender: str) -> Check:
    address = parseaddr(sender)[1]
    domain = address.rpartition("@")[2].lower()
    if domain in MAILBOX_PROVIDERS:
        detail = (
            f"From {address} is at a mailbox provider: {domain} lets only its own servers "
            "pass DMARC, so the issue is rejected or lands in spam"
        )
        fix = "send from an address at your organisation's own domain (sender.from, or from in "
        return Check("message.from", FAIL, detail, fix + "campaign.toml)")
    return Check("message.from", PASS, f"From {address} is not at a mailbox provider's domain")


def size_check(sizes: list[tuple[str, int]]) -> Check:
    """``sizes``: (variant, bytes of HTML with personal fields) for every variant."""
    over = [(name, size) for name, size in sizes if size > GMAIL_CLIP_BYTES]
    if over:
        listed = joined(f"{name} {size / 1024:.0f} KB" for name, size in over)
        detail = f"Gmail clips messages over 102 KB of HTML (the unsubscribe link too): {listed}"
        return Check("message.size", FAIL, detail, "shorten the text or show fewer items")
    largest = max((size for _, size in sizes), default=0)
    detail = f"{len(sizes)} variant(s), the largest {largest / 1024:.0f} KB (Gmail clips at 102 KB)"
    return Check("message.size", PASS, detail)


def unsubscribe_check(message: bytes, *, signed: bool) -> Check:
    """List-Unsubscribe (an https URL) and List-Unsubscribe-Post, covered by DKIM (RFC 8058)."""
    headers = BytesHeaderParser(policy=compat32).parsebytes(message)
    listed = str(headers.get("List-Unsubscribe", ""))
    post = str(headers.get("List-Unsubscribe-Post", "")).strip()
    urls = [part.strip(" <>") for part in listed.split(",") if part.strip()]
    if not listed or post != "List-Unsubscribe=One-Click":
        detail = (
            "List-Unsubscribe and List-Unsubscribe-Post: List-Unsubscribe=One-Click are missing"
        )
        return Check("message.unsubscribe", FAIL, detail, "use a template of templates/")
    if not any(url.startswith("https://") for url in urls):
        shown = joined(url.split("/u/")[0] + "/…" if "/u/" in url else url for url in urls)
        detail = f"the unsubscribe URL is not https ({shown}): Gmail and Yahoo want https"
        return Check("message.unsubscribe", FAIL, detail, "set web.base_url to an https:// URL")
    if not signed:
        detail = "the unsubscribe headers are present, but not DKIM-signed (dkim.key)"
        return Check("message.unsubscribe", FAIL, detail, "configure DKIM (see dkim.key)")
    signature = str(headers.get("DKIM-Signature", ""))
    covered = _signed_headers(signature)
    missing = [h for h in ("list-unsubscribe", "list-unsubscribe-post") if h not in covered]
    if missing:
        detail = f"the DKIM signature does not cover {', '.join(missing)}"
        return Check("message.unsubscribe", FAIL, detail, "sign them (mailer.smtp.dkim)")
    detail = "one-click unsubscribe over https, both headers covered by the DKIM signature"
    return Check("message.unsubscribe", PASS, detail)


def _signed_headers(signature: str) -> set[str]:
    for part in "".join(signature.split()).split(";"):
        name, _, value = part.partition("=")
        if name == "h":
            return {header.strip().lower() for header in value.split(":")}
    return set()


def languages_check(languages: tuple[str, ...], problems: list[str]) -> Check:
    """``problems``: the issue's errors about its texts (missing translations, empty fields)."""
    if problems:
        detail = f"{len(problems)} text problem(s): {joined(problems, limit=2)}"
        return Check("message.languages", FAIL, detail, "complete them (`mailer campaign lint`)")
    detail = f"every language is complete: {', '.join(languages)}"
    return Check("message.languages", PASS, detail)


def not_built(detail: str) -> Check:
    return Check("message.build", FAIL, detail, "fix the issue (`mailer campaign lint`)")


def skipped_unsubscribe(reason: str) -> Check:
    return Check("message.unsubscribe", WARN, reason)
