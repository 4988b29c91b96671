"""What every staff page shares: templates, UI strings, security headers, how errors are answered.

Every response under ``/staff/`` gets a strict Content-Security-Policy (no inline script, no
framing by other sites), ``X-Frame-Options: DENY``, ``Referrer-Policy: no-referrer``,
``nosniff`` and ``Cache-Control: no-store``. Message HTML (previews, captured mail) is served
by its own routes with a ``sandbox`` policy and shown in a sandboxed ``<iframe>``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import pycountry
from fastapi import Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from mailer.app import App
from mailer.core.deadlines import format_deadline
from mailer.core.languages import AUTONYMS
from mailer.errors import InvalidValue
from mailer.render import catalogs
from mailer.render.compiled import CompiledTemplates
from mailer.web.limits import FailureBackoff, RateLimit
from mailer.web.staff.words import STAFF

# the pages' templates compiled once for the process (every web app builds this environment)
_COMPILED = CompiledTemplates()

WEB = Path(__file__).resolve().parent.parent
PREFIX = "/staff"
LOGIN = f"{PREFIX}/login"
UPLOADS = f"{PREFIX}/subscribers/import"  # the one staff form that takes a file
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
# message HTML: no script at all, its own origin, inline styles and remote images allowed
MESSAGE_POLICY = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
)
HEADERS = {
    "Content-Security-Policy": PAGE_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SignedOut(Exception):
    """The request has no valid session: the staff face answers with the login page."""


class CsrfRejected(Exception):
    """A POST without the form's CSRF token, or with a wrong one: 403."""


def _when(value: datetime | str | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value.replace("T", " ").removesuffix("Z") + " UTC"
    return f"{value:%Y-%m-%d %H:%M} UTC"


DOMAIN = "staff"  # the gettext catalog of the staff UI: mailer/locale/<locale>/LC_MESSAGES/staff.po
LANGUAGES = ("en", "ru")  # English (the msgids) and every language with a staff catalog
LANGUAGE_COOKIE = "mailer_staff_lang"
YEAR = 365 * 24 * 3600


@cache  # one dict of dicts per language and process; the catalogs change only with a release
def _strings(language: str = "en") -> dict[str, dict[str, str]]:
    return {table: catalogs.words(DOMAIN, language, keys) for table, keys in STAFF.items()}


def staff_language(header: str) -> str:
    """The staff page language for an ``Accept-Language`` header: the first of its tags we
    have strings in (``ru-RU`` counts as ``ru``), else English."""
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        if params.strip().replace(" ", "") in {"q=0", "q=0.0", "q=0.00", "q=0.000"}:
            continue
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES:
            return primary
    return "en"


def request_language(request: Request) -> tuple[str, bool]:
    """The language of the staff pages for ``request`` and whether the request chose it:
    ``?ui=`` (the switcher; then kept in a cookie) > that cookie > ``Accept-Language``.
    Not ``?lang=``: on the preview pages that names the language of the issue shown."""
    asked = request.query_params.get("ui", "")
    if asked in LANGUAGES:
        return asked, True
    kept = request.cookies.get(LANGUAGE_COOKIE, "")
    if kept in LANGUAGES:
        return kept, False
    return staff_language(request.headers.get("accept-language", "")), False


def sentence(exc: Exception) -> str:
    """What went wrong, as a sentence for the page: a staff form's own message (already a
    sentence, in the staff member's language) as it is; any other error with its field,
    a capital letter and a full stop ("Send_at: …" reads "Send at: …")."""
    if isinstance(exc, InvalidValue) and exc.message[:1].isupper():
        return exc.message
    text = str(exc).strip()
    if "\n" in text:  # a segment error with its caret line: shown as written
        return text
    field, colon, rest = text.partition(": ")
    if colon and "_" in field and " " not in field:
        text = f"{field.replace('_', ' ')}: {rest}"
    first = text.split(" ", 1)[0].rstrip(":")
    if first.isalpha():  # not a file name (names.csv) or a key (items[2]) people typed
        text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else f"{text}."


@cache
def country_name(code: str) -> str:
    """The English name of an ISO 3166-1 alpha-2 code (the code itself when unknown)."""
    found = pycountry.countries.get(alpha_2=code)
    return str(getattr(found, "common_name", None) or found.name) if found else code


def country_names(codes: Iterable[str]) -> dict[str, str]:
    """``GE · Georgia`` for each code, for chart labels."""
    return {code: f"{code} · {country_name(code)}" if code != "-" else "-" for code in codes}


def all_countries(known: Iterable[str], current: str | None = None) -> list[str]:
    """Every ISO country code: those of the network and the ones people have first (``known``,
    in that order), then the rest alphabetically by name."""
    first = list(dict.fromkeys([*known, *([current] if current else [])]))
    rest = sorted(
        (str(c.alpha_2) for c in pycountry.countries if str(c.alpha_2) not in first),
        key=country_name,
    )
    return first + rest


@dataclass
class Site:
    """The staff UI bound to one ``App``: templates, strings and login rate limits.
    ``create_app`` makes one per app; a route reaches it as ``SiteDep``."""

    app: App
    strings: dict[str, dict[str, str]] = field(default_factory=_strings)  # English
    env: Environment = field(init=False)
    # sign-in: attempts per client address, and failures per (account, client address)
    login_per_ip: RateLimit = field(init=False)
    login_failures: FailureBackoff = field(init=False)

    def __post_init__(self) -> None:
        clock = self.seconds
        self.login_per_ip = RateLimit(limit=20, window=300, clock=clock)
        self.login_failures = FailureBackoff(free=5, first_wait=1, longest=900, clock=clock)
        self.env = Environment(
            loader=FileSystemLoader(WEB / "templates" / "staff"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            bytecode_cache=_COMPILED,
        )
        self.env.filters["when"] = _when
        self.env.filters["duration"] = format_deadline
        self.env.filters["country_name"] = country_name
        self.env.globals["country_names"] = country_names
        self.env.globals["all_countries"] = all_countries
        self.env.filters["q"] = lambda value: quote(str(value), safe="")
        self.env.globals["t"] = self.strings
        self.env.globals["outbox_on"] = bool(self.app.settings.web.outbox)
        self.env.globals["autonyms"] = AUTONYMS

    def texts(self, language: str) -> dict[str, dict[str, str]]:
        """The strings of the staff pages in ``language`` (English for a key it lacks)."""
        return _strings(language if language in LANGUAGES else "en")

    def words(self, request: Request) -> dict[str, dict[str, str]]:
        """The strings of the staff pages in the language of ``request``."""
        session = getattr(request.state, "staff", None)
        language = getattr(session, "language", None) or request_language(request)[0]
        return self.texts(language)

    def seconds(self) -> float:
        """The app's clock in seconds (the limits follow it, so tests can move it)."""
        return self.app.clock().replace(tzinfo=UTC).timestamp()

    @property
    def secure_cookies(self) -> bool:
        return self.app.settings.web.base_url.startswith("https://")

    def page(
        self,
        template: str,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        **context: Any,
    ) -> HTMLResponse:
        session = context.get("session")
        language = context.pop("language", None) or getattr(session, "language", "en")
        chosen = context.pop("language_chosen", False) or getattr(session, "chosen", False)
        context.setdefault("t", self.texts(language))
        context.setdefault("lang", language)
        context.setdefault("staff_languages", [(tag, AUTONYMS[tag]) for tag in LANGUAGES])
        html = self.env.get_template(template).render(**context)
        response = HTMLResponse(html, status_code=status, headers=headers)
        if chosen:  # the switcher chose it: the next pages keep it
            response.set_cookie(
                LANGUAGE_COOKIE,
                language,
                max_age=YEAR,
                httponly=True,
                samesite="lax",
                secure=self.secure_cookies,
                path=PREFIX,
            )
        return response

    def error(self, request: Request, status: int, message: str, **context: Any) -> HTMLResponse:
        session = getattr(request.state, "staff", None)
        language, chosen = request_language(request)
        return self.page(
            "error.html.j2",
            status=status,
            message=message,
            session=session,
            language=getattr(session, "language", None) or language,
            language_chosen=chosen,
            **context,
        )

    def body_refused(self, request: Request, status: int, max_bytes: int) -> Response:
        """The page for a body refused unread (mailer/web/bodies.py): 413, 415 or 400."""
        errors = self.words(request)["errors"]
        if status == 413:
            message = errors["too_large"].format(limit=f"{max_bytes:,}")
        else:
            message = errors["multipart"] if status == 415 else errors["unreadable"]
        response = self.error(request, status, message)
        response.headers.update(HEADERS)
        return response


def staff_site(request: Request) -> Site:
    """The staff site of the app serving ``request`` (set by ``create_app``)."""
    site = request.app.state.staff_site
    assert isinstance(site, Site), "create_app sets state.staff_site"
    return site


SiteDep = Annotated[Site, Depends(staff_site)]


ERRORS = (SignedOut, CsrfRejected)


def answer(request: Request, exc: Exception) -> Response:
    """The staff pages' answer to what one of their routes raised: the login page for a
    request without a session, 403 for a bad CSRF token (the face adds the headers)."""
    if isinstance(exc, SignedOut):
        return RedirectResponse(login_url(request), status_code=303)
    if isinstance(exc, CsrfRejected):
        site = staff_site(request)
        return site.error(request, 403, site.words(request)["errors"]["csrf"])
    raise exc


def login_url(request: Request) -> str:
    """The login page, coming back to this page (GET only) once signed in."""
    if request.method != "GET":
        return LOGIN
    wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"{LOGIN}?next={quote(wanted, safe='')}"


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a staff page of this site, never another site."""
    if (
        value
        and value.startswith(f"{PREFIX}/")
        and not any(bad in value for bad in ("//", "\\", "\n", "\r"))
    ):
        return value
    return f"{PREFIX}/"
