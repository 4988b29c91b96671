"""The template folder: a sandboxed Jinja2 environment and the UI strings per language.

The words come from the ``mailer`` gettext catalog (``mailer/render/catalogs.py``); a
``strings.toml`` in the folder may override some of them per language (an operator's own
wording, e.g. a custom greeting), checked when first read."""

from __future__ import annotations

import re
import time
import tomllib
from collections.abc import Callable, Mapping
from functools import cached_property
from pathlib import Path

import jinja2

from mailer.core.languages import truncations
from mailer.errors import TemplateError
from mailer.render.catalogs import words
from mailer.render.compiled import CompiledTemplates
from mailer.render.sandbox import DEFAULT_MAX_SECONDS, CappedSandbox
from mailer.render.words import MAIL

DOMAIN = "mailer"
_COMPILED = CompiledTemplates()  # every TemplateSet's environment is configured alike
MJ_INCLUDE = re.compile(r"<\s*mj-include\b", re.IGNORECASE)
# what a subject may not hold: a line break or control character (a new header) or an RFC 2047
# encoded-word (a reader would decode "=?UTF-8?Q?=0A?=" into a line break)
ONE_LINE_BAD = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]|=\?[^?\s]*\?[bBqQ]\?")


class RefusingLoader(jinja2.FileSystemLoader):
    """Loads templates from one folder and refuses ``mj-include`` (it reads arbitrary files)."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        if MJ_INCLUDE.search(source):
            raise TemplateError(f"templates/{template}: mj-include is not allowed")
        return source, filename, uptodate


class TemplateSet:
    """``templates/``: layouts (``<name>.mjml.j2`` + ``<name>.txt.j2``) and optionally
    ``strings.toml`` (overrides of the catalog's words, one table per language)."""

    def __init__(
        self,
        directory: Path,
        *,
        max_seconds: float = DEFAULT_MAX_SECONDS,
        clock: Callable[[], float] = time.monotonic,  # a render's duration, not a date
    ) -> None:
        self.directory = directory
        self.max_seconds = max_seconds  # wall-clock limit of one render (render.max_seconds)
        self.clock = clock

    @cached_property
    def environment(self) -> CappedSandbox:
        return CappedSandbox(
            loader=RefusingLoader(self.directory),
            undefined=jinja2.StrictUndefined,
            autoescape=jinja2.select_autoescape(enabled_extensions=("mjml.j2", "html.j2")),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            max_seconds=self.max_seconds,
            clock=self.clock,
            bytecode_cache=_COMPILED,
        )

    def exists(self, name: str) -> bool:
        return (self.directory / f"{name}.mjml.j2").is_file() and (
            self.directory / f"{name}.txt.j2"
        ).is_file()

    def layouts(self) -> list[str]:
        """The names an issue's ``template`` may take: layouts with both parts, not partials."""
        names = (path.name.removesuffix(".mjml.j2") for path in self.directory.glob("*.mjml.j2"))
        return sorted(n for n in names if not n.startswith("_") and self.exists(n))

    @cached_property
    def _strings(self) -> dict[str, dict[str, str]]:
        path = self.directory / "strings.toml"
        try:
            with path.open("rb") as handle:
                data = tomllib.load(handle)
        except FileNotFoundError:
            return {}
        except tomllib.TOMLDecodeError as exc:
            raise TemplateError(f"{path}: not valid TOML: {exc}") from None
        for language, values in data.items():
            if not isinstance(values, dict):
                raise TemplateError(f"{path}: [{language}] must be a table of strings")
            for key, value in values.items():
                if key.endswith("_subject") and (
                    not isinstance(value, str) or ONE_LINE_BAD.search(value)
                ):
                    raise TemplateError(
                        f"{path}: [{language}] {key} must be one line of text without "
                        "control characters or encoded-words (=?…?=)"
                    )
        return {language.casefold(): dict(values) for language, values in data.items()}

    def strings(self, language: str) -> Mapping[str, str]:
        """UI strings for ``language`` from the catalog, then the folder's overrides for it (or
        for its truncations: ``sr`` overrides apply to ``sr-RS``)."""
        merged = words(DOMAIN, language, MAIL)
        for candidate in reversed(truncations(language)):
            merged.update(self._strings.get(candidate.casefold(), {}))
        return merged

    def get(self, name: str) -> jinja2.Template:
        try:
            return self.environment.get_template(name)
        except jinja2.TemplateNotFound:
            raise TemplateError(f"no template {self.directory / name}") from None
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(
                f"{exc.filename or name}, line {exc.lineno}: {exc.message}"
            ) from None
