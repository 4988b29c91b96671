"""Compiled templates are shared by the environments of one kind; an edited template is
compiled again (``mailer.render.compiled``)."""

from __future__ import annotations

from pathlib import Path

from mailer.render.templates import TemplateSet


def test_a_template_edited_between_two_template_sets_renders_as_edited(tmp_path: Path) -> None:
    page = tmp_path / "note.html.j2"
    page.write_text("Hello {{ name }}!", encoding="utf-8")
    assert TemplateSet(tmp_path).environment.get_template(page.name).render(name="Ana") == (
        "Hello Ana!"
    )
    page.write_text("Goodbye {{ name }}.", encoding="utf-8")
    again = TemplateSet(tmp_path).environment.get_template(page.name)
    assert again.render(name="Ana") == "Goodbye Ana."
