"""Lists and interests are words staff manage, not raw data: a subscriber sees titles in their
language, an import's new interest stays off the forms, renaming and merging keep subscribers."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import datetime
from pathlib import Path

from mailer.core.links import preferences_url
from mailer.db import Database, saved_segments
from mailer.importer import import_file
from mailer.importer.apply import ImportOptions
from mailer.subscriptions import audience, interests, people
from tests.conftest import TEST_SECRET, Cli, link_nonce
from tests.web.conftest import BASE, Clock, body, public_site

CHECKBOX = re.compile(r'name="(interests|lists)" value="([^"]+)"[^>]*>\s*<label[^>]*>([^<]+)<')
GEORGIAN = {
    "fatherhood": "მამობა",
    "violence prevention": "ძალადობის პრევენცია",
    "youth": "ახალგაზრდობა",
}


def offered(html: str) -> list[tuple[str, str, str]]:
    """(field, value, label) of every checkbox of the form."""
    return CHECKBOX.findall(html)


def subscribe_page(db_url: str, query: str = "lang=en") -> str:
    async def scenario() -> str:
        async with public_site(db_url, Clock()) as site:
            return (await site.client.get(f"/subscribe?{query}")).text

    return asyncio.run(scenario())


def import_rows(db: Database, tmp_path: Path, rows: str) -> list[str]:
    path = tmp_path / "people.csv"
    path.write_text("email,name,interests\n" + rows, encoding="utf-8")
    report = import_file(db, path, ImportOptions(list_name="monthly"), now=Clock())
    assert not report.invalid, report.invalid
    return report.new_interests


def test_an_import_naming_an_unknown_interest_reports_it_and_leaves_the_form_unchanged(
    public_db: Database, db_url: str, tmp_path: Path
) -> None:
    before = offered(subscribe_page(db_url))
    new = import_rows(
        public_db, tmp_path, "ana@example.org,Ana,new topic; Fatherhood\nbo@example.org,Bo,\n"
    )
    after = offered(subscribe_page(db_url))

    assert new == ["new topic"]
    assert after == before
    assert ("interests", "fatherhood", "Fatherhood") in after
    assert people.count(public_db, segment='interest = "new topic"') == 1  # kept, privately
    words = {word.slug: word for word in interests.list_interests(public_db)}
    assert not words["new topic"].public

    interests.set_titles(public_db, "new topic", {"en": "New topic"})
    interests.publish(public_db, "new topic")
    assert ("interests", "new topic", "New topic") in offered(subscribe_page(db_url))


def test_rename_and_merge_keep_every_subscriber(public_db: Database, tmp_path: Path) -> None:
    import_rows(
        public_db,
        tmp_path,
        "ana@example.org,Ana,fatherhod\nbo@example.org,Bo,fatherhood;fatherhod\n"
        "cy@example.org,Cy,youth\n",
    )
    kept, moved = interests.merge(public_db, "fatherhod", "fatherhood")
    assert (kept.slug, kept.subscribers, moved) == ("fatherhood", 2, 1)
    assert people.count(public_db, segment="interest = fatherhood") == 2
    assert "fatherhod" not in {word.slug for word in interests.list_interests(public_db)}

    renamed = interests.rename(public_db, "youth", "youth engagement")
    assert (renamed.slug, renamed.subscribers, renamed.public) == ("youth engagement", 1, True)
    assert people.count(public_db, segment='interest = "youth engagement"') == 1


def test_the_form_in_georgian_shows_georgian_titles_and_no_database_word(
    public_db: Database, db_url: str
) -> None:
    for slug, title in GEORGIAN.items():
        interests.set_titles(public_db, slug, {"ka": title, "sr": "Очинство"})
    interests.title_list(
        public_db, "monthly", "ka", title="ყოველთვიური ბიულეტენი", description="ყოველ თვე"
    )
    interests.title_list(public_db, "monthly", "en", title="Monthly newsletter")

    georgian = offered(subscribe_page(db_url, "lang=ka"))
    english = offered(subscribe_page(db_url, "lang=en"))
    latin = offered(subscribe_page(db_url, "lang=sr-Latn"))

    labels = {value: label.strip() for _, value, label in georgian}
    assert {slug: labels[slug] for slug in GEORGIAN} == GEORGIAN
    assert labels["monthly"] == "ყოველთვიური ბიულეტენი"
    assert "monthly" not in {label.strip() for _, _, label in georgian}
    assert ("lists", "monthly", "Monthly newsletter") in english
    assert ("interests", "fatherhood", "Očinstvo") in latin  # Latin made from the Cyrillic


def test_interest_commands_manage_the_vocabulary(cli: Cli) -> None:
    assert cli("interests", "add", "fatherhood", "en=Fatherhood", "--public").exit_code == 0
    hidden = cli("interests", "add", "caregiving")
    assert "caregiving\tprivate" in hidden.stdout
    refused = cli("interests", "publish", "caregiving")
    assert refused.exit_code == 2
    assert "no English title yet" in refused.output
    typo = cli("interests", "title", "fatherhod", "ru=Отцовство")
    assert typo.exit_code != 0
    assert "did you mean 'fatherhood'?" in typo.output
    assert cli("interests", "title", "caregiving", "en=Caregiving", "ka=ზრუნვა").exit_code == 0
    assert cli("interests", "publish", "caregiving").exit_code == 0
    listed = cli("interests", "list").stdout
    assert "caregiving\tpublic \t0 subscribers\ten=Caregiving  ka=ზრუნვა" in listed


def test_saving_preferences_keeps_the_interests_no_form_offers(
    public_db: Database, db_url: str, tmp_path: Path
) -> None:
    import_rows(public_db, tmp_path, "ana@example.org,Ana,new topic;fatherhood\n")
    person = people.show(public_db, "ana@example.org")
    link = preferences_url(BASE, TEST_SECRET, person["id"], link_nonce(public_db, person["id"]))

    async def scenario() -> int:
        async with public_site(db_url, Clock()) as site:
            form = {"interests": ["youth"], "lists": ["monthly"], "language": "ka"}
            saved = await site.client.post(link.removeprefix(BASE), data=form)
            return saved.status_code

    assert asyncio.run(scenario()) in (200, 303)
    assert people.show(public_db, "ana@example.org")["interests"] == ["new topic", "youth"]


def test_the_confirmation_mail_names_the_list_by_its_title_in_the_readers_language(
    public_db: Database, db_url: str
) -> None:
    interests.title_list(public_db, "monthly", "ka", title="ყოველთვიური ბიულეტენი")

    async def scenario() -> str:
        async with public_site(db_url, Clock()) as site:
            answer = await site.subscribe(email="nino@example.ge", language="ka")
            assert answer.status_code == 303
            [message] = site.mailbox.messages
            return body(message, "plain")

    text = asyncio.run(scenario())
    assert "ყოველთვიური ბიულეტენი" in text
    assert "monthly" not in text


def test_list_titles_from_the_command_line(cli: Cli) -> None:
    assert cli("lists", "add", "members").exit_code == 0
    titled = cli("lists", "title", "members", "ka", "ბიულეტენი", "--description", "ყოველ თვე")
    assert titled.exit_code == 0, titled.output
    assert cli("lists", "title", "nothing", "ka", "x").exit_code == 2
    [listed] = [json.loads(line) for line in cli("lists", "list", "--json").stdout.splitlines()]
    assert listed["titles"] == {"ka": {"title": "ბიულეტენი", "description": "ყოველ თვე"}}


def test_saved_segments_follow_a_renamed_or_merged_interest(
    public_db: Database, tmp_path: Path
) -> None:
    """A saved segment names interests by slug: renaming or merging one rewrites the segments
    that name it, so @carers still reaches the same people (it reached nobody before)."""
    import_rows(
        public_db, tmp_path, "ana@example.org,Ana,fatherhod\nbo@example.org,Bo,fatherhood\n"
    )
    now = datetime(2026, 12, 1, 9, 0)
    audience.save_segment(
        public_db,
        "carers",
        "interest in (youth, fatherhod) or interest = fatherhod",
        "",
        by="x",
        now=now,
    )
    audience.save_segment(public_db, "young", "interest = youth", "", by="x", now=now)
    assert people.count(public_db, segment="@carers") == 1

    interests.rename(public_db, "fatherhod", "fatherhood-typo")
    assert people.count(public_db, segment="@carers") == 1
    interests.merge(public_db, "fatherhood-typo", "fatherhood")
    assert people.count(public_db, segment="@carers") == 2
    with public_db.read() as conn:
        texts = {saved.name: saved.expression for saved in saved_segments.all_saved(conn)}
    assert texts == {
        "carers": "interest in (youth, fatherhood) or interest = fatherhood",
        "young": "interest = youth",
    }
