"""Staff pages of stored issues: the list with states, "New issue", the review page (submit,
approve under four eyes, send back, comment, schedule), history, diff and restore; on both
databases, over HTTP in process."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mailer import issues
from mailer.access import staff
from mailer.app import App
from tests.integration.issue_support import Clock, make_app, sample_document
from tests.web.test_staff_support import PASSWORD, client, csrf_of, login, text_of

SLUG = "2027-01-digest"
PAGE = f"/staff/issues/{SLUG}"
WRITER = "eda@example.org"  # an approver who writes too
SECOND = "bo@example.org"  # another approver
JUNIOR = "jo@example.org"  # an editor


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[App]:
    made = make_app(db_url, tmp_path, Clock())
    for email, role in ((WRITER, "approver"), (SECOND, "approver"), (JUNIOR, "editor")):
        staff.add_user(
            made.database, email, PASSWORD, now=made.clock(), hasher=made.password_hasher, role=role
        )
    yield made
    made.close()


def as_(app: App, email: str, steps: object) -> None:
    """Run ``steps(http)`` (a coroutine function) with a client signed in as ``email``."""

    async def run() -> None:
        async with client(app) as http:
            assert (await login(http, email)).status_code == 303
            await steps(http)  # type: ignore[operator]

    asyncio.run(run())


async def post(http: httpx.AsyncClient, path: str, page: str, **data: str) -> httpx.Response:
    form = await http.get(page)
    return await http.post(path, data={"csrf": csrf_of(form.text), **data})


def save(app: App, document: dict[str, object], base: int, email: str = WRITER) -> int:
    return issues.save(
        app.issue_desk(),
        SLUG,
        document,
        base_revision=base,
        by=staff_actor(app, email),
        now=app.clock(),
    ).revision


def test_new_issue_form_makes_a_draft_listed_with_its_state(app: App) -> None:
    async def steps(http: httpx.AsyncClient) -> None:
        empty = await http.get("/staff/issues")
        assert "No issues yet" in text_of(empty.text, "main")
        bad = await post(http, "/staff/issues/new", "/staff/issues/new", slug="Jan 2027", title="x")
        assert bad.status_code == 400
        assert "lower-case letters" in text_of(bad.text, "new-error")
        assert 'value="jan 2027"' in bad.text  # what they typed stays
        made = await post(
            http, "/staff/issues/new", "/staff/issues/new", slug=SLUG, title="January digest"
        )
        assert (made.status_code, made.headers["location"]) == (303, f"{PAGE}?done=created")
        page = await http.get(made.headers["location"])
        assert "Draft created" in text_of(page.text, "notice")
        assert text_of(page.text, "issue-subject") == "January digest"
        assert re.search(r'id="edit-issue"', page.text)
        listed = await http.get("/staff/issues")
        row = text_of(listed.text, f"issue-row-{SLUG}")
        assert "January digest" in row
        assert "draft" in row
        again = await post(http, "/staff/issues/new", "/staff/issues/new", slug=SLUG, title="x")
        assert again.status_code == 409

    as_(app, JUNIOR, steps)


def test_three_saves_diff_first_and_third_restore_first_as_fourth(app: App) -> None:
    issues.start_issue(app.issue_desk(), SLUG, "January", by=staff_actor(app), now=app.clock())
    document = issues.get_issue(app.issue_desk(), SLUG).document
    second = {**document, "content": {"en": {"subject": "January digest", "intro": "Hello all."}}}
    third = {**document, "content": {"en": {"subject": "The February digest", "intro": "Hi."}}}
    save(app, second, 1)
    save(app, third, 2)

    async def steps(http: httpx.AsyncClient) -> None:
        history = await http.get(f"{PAGE}/history")
        rows = [text_of(history.text, f"revision-{n}") for n in (3, 2, 1)]
        assert "current" in rows[0]
        assert WRITER in rows[1]
        assert "new issue" in rows[2]
        diff = await http.get(f"{PAGE}/diff?a=1&b=3")
        assert diff.status_code == 200
        changes = [text_of(diff.text, f"change-{n}") for n in (1, 2)]
        (subject,) = [c for c in changes if c.startswith("Subject")]
        assert "en (changed)" in subject
        assert "January" in subject
        assert "<ins" in diff.text
        assert "<del" in diff.text
        assert "The February digest" in re.findall(r"<ins[^>]*>([^<]*)</ins>", diff.text)
        assert "January" in re.findall(r"<del[^>]*>([^<]*)</del>", diff.text)
        restored = await post(http, f"{PAGE}/restore", f"{PAGE}/history", number="1", base="3")
        assert restored.status_code == 303
        page = await http.get(restored.headers["location"])
        assert "Restored" in text_of(page.text, "notice")
        assert "restored revision 1" in text_of(page.text, "revision-4")
        stale = await post(http, f"{PAGE}/restore", f"{PAGE}/history", number="2", base="3")
        assert stale.status_code == 409
        assert "revision 4" in text_of(stale.text, "action-error")

    as_(app, JUNIOR, steps)
    assert (
        issues.revision(app.issue_desk(), SLUG, 4).document
        == issues.revision(app.issue_desk(), SLUG, 1).document
    )


def staff_actor(app: App, email: str = WRITER) -> issues.Actor:
    (found,) = [a for a in staff.list_users(app.database) if a.email == email]
    return found.actor


def test_the_author_cannot_approve_a_second_approver_does_and_an_edit_returns_to_draft(
    app: App,
) -> None:
    issues.create_issue(
        app.issue_desk(), SLUG, sample_document(), by=staff_actor(app), now=app.clock()
    )

    async def author(http: httpx.AsyncClient) -> None:
        page = await http.get(PAGE)
        assert 'id="approve"' not in page.text
        assert "another approver must approve" in text_of(page.text, "approve-closed")
        forged = await post(http, f"{PAGE}/approve", PAGE, revision="1")
        assert forged.status_code == 403
        assert "may not approve" in text_of(forged.text, "action-error")
        submitted = await post(http, f"{PAGE}/submit", PAGE, revision="1")
        assert submitted.status_code == 303

    async def junior(http: httpx.AsyncClient) -> None:
        forged = await post(http, f"{PAGE}/approve", PAGE, revision="1")
        assert forged.status_code == 403  # an editor's role never approves

    async def second(http: httpx.AsyncClient) -> None:
        page = await http.get(PAGE)
        assert "in review" in text_of(page.text, "issue-state")
        approved = await post(http, f"{PAGE}/approve", PAGE, revision="1")
        assert approved.status_code == 303
        page = await http.get(approved.headers["location"])
        assert "approved" in text_of(page.text, "issue-state")
        assert SECOND in text_of(page.text, "issue-approved-by")
        assert "approved it" in text_of(page.text, "issue-comments")

    as_(app, WRITER, author)
    as_(app, JUNIOR, junior)
    as_(app, SECOND, second)
    changed = sample_document()
    changed["content"]["ru"]["subject"] = "Новая тема"
    save(app, changed, 1, JUNIOR)

    async def after_edit(http: httpx.AsyncClient) -> None:
        page = await http.get(PAGE)
        assert "draft" in text_of(page.text, "issue-state")
        assert "Revision 1 was approved" in text_of(page.text, "returned-to-draft")

    as_(app, SECOND, after_edit)


def test_send_back_keeps_the_comment_with_the_revision(app: App) -> None:
    issues.create_issue(
        app.issue_desk(), SLUG, sample_document(), by=staff_actor(app, JUNIOR), now=app.clock()
    )
    issues.submit_for_review(app.issue_desk(), SLUG, by=staff_actor(app, JUNIOR), now=app.clock())

    async def steps(http: httpx.AsyncClient) -> None:
        empty = await post(http, f"{PAGE}/send-back", PAGE, comment=" ")
        assert empty.status_code == 400
        sent = await post(http, f"{PAGE}/send-back", PAGE, comment="Shorten the ka intro.")
        assert sent.status_code == 303
        page = await http.get(sent.headers["location"])
        assert "draft" in text_of(page.text, "issue-state")
        comments = text_of(page.text, "issue-comments")
        assert "sent it back" in comments
        assert "Shorten the ka intro." in comments
        assert "on revision 1" in comments

    as_(app, SECOND, steps)
    (kept,) = [c for c in issues.comments(app.issue_desk(), SLUG, 1) if c.kind == "sent_back"]
    assert kept.body == "Shorten the ka intro."


def test_scheduling_needs_every_language_complete(app: App) -> None:
    document = sample_document()
    del document["content"]["sr"]["preheader"]
    issues.create_issue(app.issue_desk(), SLUG, document, by=staff_actor(app), now=app.clock())
    issues.approve(app.issue_desk(), SLUG, 1, by=staff_actor(app, SECOND), now=app.clock())

    async def steps(http: httpx.AsyncClient) -> None:
        page = await http.get(PAGE)
        assert 'id="schedule-form"' not in page.text
        assert "sr" in text_of(page.text, "check-complete")
        forged = await post(
            http, f"{PAGE}/schedule", PAGE, send_at="2027-01-05T09:00", timezone="Europe/Belgrade"
        )
        assert forged.status_code == 409
        assert "not complete in every language" in text_of(forged.text, "action-error")

    as_(app, SECOND, steps)
