"""What every public page shares: templates, UI strings per language, security headers.

The words come from the ``mailer`` gettext catalog (``mailer/locale``, keys in ``words.py``).
The page language is ``?lang=`` when the site has it (remembered in the ``lang`` cookie), else
that cookie, else the best match of the browser's ``Accept-Language``, else English.
Every page gets a Content-Security-Policy without any script (the pages need none),
``X-Frame-Options: DENY``, ``Referrer-Policy: no-referrer`` (the token in the
address never leaks to a linked site) and ``nosniff``.
"""

from __future__ import annotations

import gettext
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import pycountry
from fastapi import Depends, Request, Response
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from mailer.app import App
from mailer.core.languages import AUTONYMS, Editions, autonym, direction, resolve_language
from mailer.core.owners import Owner, read_confirm, read_subscriber
from mailer.core.segment_builder import NETWORK_COUNTRIES
from mailer.core.subscribers import EXTRA_ALPHA2
from mailer.core.tokens import read_token
from mailer.dispatch.transactional import TransactionalMail
from mailer.errors import StorageError
from mailer.render import catalogs
from mailer.render.compiled import CompiledTemplates
from mailer.subscriptions.links import link_owner
from mailer.web.limits import RateLimit
from mailer.web.public.forms import FormTooLarge, FormUnreadable
from mailer.web.public.words import PUBLIC

# the pages' templates compiled once for the process (every web app builds this environment)
_COMPILED = CompiledTemplates()

log = logging.getLogger(__name__)
WEB = Path(__file__).resolve().parent.parent
DEFAULT_LANGUAGE = "en"
DOMAIN = "mailer"  # the gettext domain of the public pages and system mails
PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": PAGE_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
PRIVATE = {"Cache-Control": "no-store, private"}
HOUR = 3600.0
YEAR = 365 * 24 * 3600
LANGUAGE_COOKIE = "lang"  # the language a visitor chose with the switcher; nothing else
EDITIONS_SECONDS = 60.0  # how long the form trusts the languages of the newest issue
ARCHIVE_PAGES = 64  # archive pages kept (issues × languages)


def accept_language(header: str) -> list[str]:
    """The tags of an ``Accept-Language`` header, best first (``q=0`` dropped)."""
    weighted = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, position, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]


@lru_cache(maxsize=16)
def countries(language: str, kosovo: str = "Kosovo") -> tuple[tuple[str, str], ...]:
    """(ISO code, name in ``language``) of every country: the network's first, then the
    others, each sorted by that name; Kosovo, not in
    ISO 3166 and so not in its translations, is named by the caller."""
    translation = gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )
    names = {str(c.alpha_2): translation.gettext(str(c.name)) for c in pycountry.countries}
    names.update({code: kosovo for code in EXTRA_ALPHA2})
    ordered = sorted(names.items(), key=lambda pair: pair[1].casefold())
    first = [pair for pair in ordered if pair[0] in NETWORK_COUNTRIES]  # the network's first
    return tuple(first + [pair for pair in ordered if pair[0] not in NETWORK_COUNTRIES])


@dataclass
class PublicSite:
    """The public pages bound to one ``App``: templates, strings, rate limits, the confirmation
    mail and the archive pages made so far. ``create_app`` makes one per app; a route reaches
    it as ``PublicSiteDep``."""

    app: App
    env: Environment = field(init=False)
    per_ip: RateLimit = field(init=False)
    per_address: RateLimit = field(init=False)
    # sent issues rendered for the archive, by (slug, language); a sent issue never changes
    archive_pages: OrderedDict[tuple[str, str], str] = field(default_factory=OrderedDict)
    _archive_lock: threading.Lock = field(default_factory=threading.Lock)
    _editions: tuple[float | None, Editions | None] = (None, None)

    def __post_init__(self) -> None:
        web = self.app.settings.web
        self.per_ip = RateLimit(limit=web.subscribe_per_ip, window=HOUR)
        self.per_address = RateLimit(limit=web.subscribe_per_address, window=HOUR)
        self.env = Environment(
            loader=FileSystemLoader(WEB / "templates" / "public"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            bytecode_cache=_COMPILED,
        )
        self.env.globals["org"] = self.app.settings.organisation
        self.env.globals["autonyms"] = AUTONYMS

    @cached_property
    def mail(self) -> TransactionalMail:
        """The confirmation mail, built once for the app."""
        return self.app.transactional_mail()

    @property
    def languages(self) -> list[str]:
        """The languages the pages are written in."""
        return list(catalogs.languages(DOMAIN))

    def chosen(self, request: Request) -> str | None:
        """The language ``?lang=`` asks for, when the pages have it."""
        return self._lookup([request.query_params.get("lang", "")])

    def language(self, request: Request) -> str:
        """``?lang=``, else the switcher's cookie, else ``Accept-Language`` (by quality,
        then order), else English; each by RFC 4647 lookup, the same as for issues."""
        wanted = [request.query_params.get("lang", ""), request.cookies.get(LANGUAGE_COOKIE, "")]
        wanted += accept_language(request.headers.get("accept-language", ""))
        return self._lookup(wanted) or DEFAULT_LANGUAGE

    def _lookup(self, wanted: list[str]) -> str | None:
        for tag in filter(None, wanted):
            found = resolve_language(tag[:35], self.languages, fallback={}, default="")
            if found:
                return found
        return None

    def editions(self) -> Editions | None:
        """The languages issues are written in, read at most once a minute."""
        with self._archive_lock:
            at, found = self._editions
        if at is None or time.monotonic() - at > EDITIONS_SECONDS:
            try:
                found = self.app.editions()
            except StorageError:  # the page (perhaps "unavailable") still shows
                found = None
            with self._archive_lock:
                self._editions = (time.monotonic(), found)
        return found

    def language_choice(self, language: str) -> tuple[list[tuple[str, str]], str]:
        """The newsletter languages the form offers, (tag, label), the languages issues are
        written in first; any other says which edition it gets ("Кыргызча → Русский"); and
        the hint under the field, in ``language``."""
        words = self.text(language)
        found = self.editions()
        if found is None:
            return [(tag, name) for tag, name in AUTONYMS.items()], words["hint_language"]
        written = [tag for tag in found.languages if tag in AUTONYMS]
        options = [(tag, AUTONYMS[tag]) for tag in written]
        for tag, name in AUTONYMS.items():
            if tag not in written:
                options.append((tag, f"{name} → {autonym(found.edition_for(tag))}"))
        names = ", ".join(autonym(tag) for tag in found.languages)
        return options, words["editions_hint"].format(languages=names)

    def countries(self, language: str) -> tuple[tuple[str, str], ...]:
        return countries(language, self.text(language)["country_xk"])

    def text(self, language: str) -> dict[str, str]:
        """The UI strings of ``language`` from the catalog, English where it has none."""
        return catalogs.words(DOMAIN, language, PUBLIC)

    def page(
        self,
        request: Request,
        template: str,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        **context: Any,
    ) -> HTMLResponse:
        language = self.language(request)
        options, hint = self.language_choice(language)
        html = self.env.get_template(template).render(
            language_options=options,
            language_hint=hint,
            lang=language,
            dir=direction(language),
            t=self.text(language),
            languages=self.languages,
            path=request.url.path,
            **context,
        )
        response = HTMLResponse(html, status_code=status, headers={**PRIVATE, **(headers or {})})
        if self.chosen(request) == language:  # the switcher (or a mail's link) chose it
            response.set_cookie(
                LANGUAGE_COOKIE,
                language,
                max_age=YEAR,
                httponly=True,
                samesite="lax",
                secure=self.app.settings.web.base_url.startswith("https:"),
            )
        return response

    def notice(
        self,
        request: Request,
        name: str,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        **context: Any,
    ) -> HTMLResponse:
        """A page of one heading and one paragraph: ``<name>_title`` and ``<name>_body``."""
        return self.page(
            request, "notice.html.j2", status=status, headers=headers, name=name, **context
        )

    def body_refused(self, request: Request, status: int, max_bytes: int) -> Response:
        """The page for a body refused unread (mailer/web/bodies.py): 413, 415 or 400."""
        name = "too_large" if status == 413 else "unreadable"
        response = self.notice(request, name, status=status)
        response.headers.update(HEADERS)
        return response

    def invalid_link(self, request: Request) -> HTMLResponse:
        """The one page for every bad token: tampered, unknown key, wrong purpose, erased."""
        return self.notice(request, "invalid", status=404)

    def signed(self, purpose: str, token: str) -> bool:
        """Whether ``token`` is a valid ``purpose`` link of ours, whoever it names, if anyone."""
        return read_subscriber(read_token(self.app.token_keys(), purpose, token)) is not None

    def subscriber_of(self, purpose: str, token: str) -> Owner | None:
        """The subscriber a valid ``purpose`` token names, while they still hold it (see
        ``mailer.core.owners``); ``None`` for a bad token and for nobody (erased). Reads the
        database."""
        named = read_subscriber(read_token(self.app.token_keys(), purpose, token))
        if named is None:
            return None
        return link_owner(self.app.database, named)

    def confirmation_of(self, token: str) -> tuple[Owner, datetime | None] | None:
        """The subscriber a valid confirmation link names, and when it was made (``None``:
        a link from before links said so); ``None`` for a bad token and for nobody. Reads the
        database."""
        found = read_confirm(read_token(self.app.token_keys(), "confirm", token))
        if found is None:
            return None
        owner = link_owner(self.app.database, found[0])
        return None if owner is None else (owner, found[1])

    def archive_page(self, slug: str, language: str, render: Callable[[], str]) -> str:
        """The archive's page of a sent issue in ``language``, made by ``render`` the first
        time (a sent issue never changes); the last ``ARCHIVE_PAGES`` made are kept."""
        key = (slug, language)
        with self._archive_lock:
            html = self.archive_pages.get(key)
        if html is None:
            html = render()
            with self._archive_lock:
                self.archive_pages[key] = html
                while len(self.archive_pages) > ARCHIVE_PAGES:
                    self.archive_pages.popitem(last=False)
        return html

    def expired_link(self, request: Request) -> HTMLResponse:
        """A confirmation link over 7 days old: the way to a new one, in the page's language."""
        link = f"/subscribe?lang={quote(self.language(request))}"
        return self.notice(request, "expired", status=410, link=link)


def public_site(request: Request) -> PublicSite:
    """The public site of the app serving ``request`` (set by ``create_app``)."""
    site = request.app.state.public_site
    assert isinstance(site, PublicSite), "create_app sets state.public_site"
    return site


PublicSiteDep = Annotated[PublicSite, Depends(public_site)]


ERRORS = (FormTooLarge, FormUnreadable, StorageError)


def answer(request: Request, exc: Exception) -> Response:
    """The public pages' answer to what one of their routes raised: a page in the visitor's
    language (the face adds the security headers)."""
    site = public_site(request)
    if isinstance(exc, FormTooLarge):
        return site.notice(request, "too_large", status=413)
    if isinstance(exc, FormUnreadable):
        return site.notice(request, "unreadable", status=400)
    if isinstance(exc, StorageError):  # the database is down or failing
        log.error("public page %s: %s", request.url.path, exc)
        return site.notice(request, "unavailable", status=503)
    raise exc


def client_ip(request: Request) -> str:
    """The visitor's address as the server sees it (uvicorn's --proxy-headers sets it)."""
    return request.client.host if request.client else "unknown"
