"""The issue editor sets an item's kind and an event's or a call's times (a plain form post,
as a browser without JavaScript sends it); lint's problems show beside the fields."""

from __future__ import annotations

import asyncio
from html import unescape

from mailer import issues
from mailer.app import App
from tests.web.test_staff_editor import _FORM, EDIT, _encode, app, form_of
from tests.web.test_staff_support import SLUG, signed_in

__all__ = ["app"]  # the fixture

EVENT = [
    ("items.2.kind", "event"),
    ("items.2.starts_at", "2027-01-20T14:00"),
    ("items.2.ends_at", "2027-01-20T15:30"),
    ("items.2.timezone", "Europe/Belgrade"),
    ("items.2.registration", "https://example.org/register"),
    ("items.2.deadline", "2027-02-01T12:00"),  # a call's field: dropped for an event
]


def with_kind(fields: list[tuple[str, str]], extra: list[tuple[str, str]]) -> list[tuple[str, str]]:
    names = {name for name, _ in extra}
    return [*(f for f in fields if f[0] not in names), *extra]


def test_staff_make_an_item_an_event_and_see_its_mistakes(app: App) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            page = await http.get(EDIT)
            assert 'name="items.2.kind"' in page.text
            fields = form_of(page.text)
            saved = await http.post(EDIT, content=_encode(with_kind(fields, EVENT)), headers=_FORM)
            assert saved.status_code == 303, saved.text
            item = issues.get_issue(app.issue_desk(), SLUG).document["items"][2]
            assert item["kind"] == "event"
            assert item["starts_at"] == "2027-01-20T14:00"
            assert item["timezone"] == "Europe/Belgrade"
            assert item["registration"] == "https://example.org/register"
            assert "deadline" not in item
            again = unescape((await http.get(EDIT)).text)
            assert '<option value="event" selected>' in again
            assert 'value="2027-01-20T15:30"' in again

            backwards = with_kind(
                form_of(again),
                [
                    *EVENT[:2],
                    ("items.2.ends_at", "2027-01-20T13:00"),
                    ("items.2.timezone", "Europe/Belgrade"),
                    ("items.2.registration", "https://example.org/register"),
                ],
            )
            answer = await http.post(EDIT, content=_encode(backwards), headers=_FORM)
            shown = unescape((await http.get(answer.headers["location"])).text)
            assert "is not after starts_at; an event must end after it starts" in shown

            back = with_kind(form_of(shown), [("items.2.kind", "approach")])
            assert (await http.post(EDIT, content=_encode(back), headers=_FORM)).status_code == 303
            plain = issues.get_issue(app.issue_desk(), SLUG).document["items"][2]
            assert not {"kind", "starts_at", "timezone"} & set(plain)

    asyncio.run(scenario())


def test_the_russian_page_names_the_kinds(app: App) -> None:
    async def scenario() -> None:
        async with signed_in(app) as (http, _):
            page = await http.get(EDIT, headers={"Accept-Language": "ru"})
            assert "Мероприятие (вебинар, встреча)" in page.text
            assert "Часовой пояс организатора" in page.text

    asyncio.run(scenario())
