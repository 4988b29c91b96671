"""Fetching Amazon SNS signing certificates: https on an SNS host only, no redirects, a size cap,
the last few kept by URL. urllib's errors become ``CertificateUnavailable`` here.
"""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.request
from collections import OrderedDict
from typing import Any
from urllib.parse import urlsplit

from mailer.errors import CertificateUnavailable, WebhookAuthError

PROVIDER = "ses"
_SNS_HOST = re.compile(r"sns\.[a-z0-9-]{3,}\.amazonaws\.com(\.cn)?")


def check_sns_url(url: str, *, certificate: bool = True) -> None:
    """Refuse any URL that is not https on an SNS host (and, for certificates, a .pem path)."""
    shown = url if len(url) <= 200 else url[:200] + "…"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise WebhookAuthError(PROVIDER, f"URL {shown!r} cannot be parsed") from exc
    host = parts.hostname or ""
    if parts.scheme != "https":
        raise WebhookAuthError(PROVIDER, f"URL {shown!r} is not https; refused")
    if not _SNS_HOST.fullmatch(host) or port is not None or "@" in parts.netloc:
        raise WebhookAuthError(
            PROVIDER, f"URL {shown!r} is not on an sns.<region>.amazonaws.com host; refused"
        )
    if certificate and (not parts.path.endswith(".pem") or parts.query or parts.fragment):
        raise WebhookAuthError(PROVIDER, f"SigningCertURL {shown!r} is not a .pem file; refused")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx then raises HTTPError: the certificate is only taken from SNS itself


class SnsCertificateCache:
    """A ``CertLoader`` that downloads SNS signing certificates over verified TLS and keeps
    the last ``max_entries`` by URL (SNS publishes a new URL when it rotates a certificate)."""

    def __init__(
        self, *, timeout: float = 5.0, max_entries: int = 32, max_bytes: int = 65536
    ) -> None:
        self.timeout = timeout
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._opener = urllib.request.build_opener(_NoRedirects())

    def __call__(self, url: str) -> bytes:
        check_sns_url(url)
        with self._lock:
            if url in self._cache:
                self._cache.move_to_end(url)
                return self._cache[url]
        pem = self._download(url)
        with self._lock:
            self._cache[url] = pem
            while len(self._cache) > self.max_entries:
                self._cache.popitem(last=False)
        return pem

    def _download(self, url: str) -> bytes:
        try:
            # the URL was checked above: https on an SNS host only
            with self._opener.open(url, timeout=self.timeout) as response:
                pem: bytes = response.read(self.max_bytes + 1)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise CertificateUnavailable(PROVIDER, f"cannot fetch {url}: {exc}") from exc
        if len(pem) > self.max_bytes:
            raise CertificateUnavailable(PROVIDER, f"{url} is over {self.max_bytes} bytes")
        return pem
