"""Migration 0007 on a database with people and mail already sent (SQLite and PostgreSQL).

Links in mail sent before it carry no nonce (``s<id>``, ``d<id>``): they keep working for
the people still here, and never for an id handed out after the upgrade (on SQLite an id
erased just before it comes back once: the rows that held it are gone).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from mailer.app import App
from mailer.bounces.simulate import delivery_report
from mailer.core.tokens import make_token
from mailer.db import Database, migrate
from mailer.subscriptions import people
from tests.conftest import POSTGRES_URL, TEST_SECRET, settings_for
from tests.web.conftest import Clock, prepare_lists, public_site

NOW = datetime(2026, 11, 1, 9, 0)
TABLES = ("subscriber", "delivery", "campaign", "staff_user", "bounce_event")


@pytest.fixture
def empty_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the parametrised backend (PostgreSQL: a database of its own)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    name = POSTGRES_URL.rsplit("/", 1)[1] + "_link_migration"
    admin = sa.create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://"))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


def at_0005_with_mail_sent(url: str) -> Database:
    """carol (id 1) and alice (id 2) got issue 1 (deliveries 1 and 2); then alice was erased."""
    database = Database(url)
    migrate.upgrade(database.engine, "0005")
    prepare_lists(database, NOW)
    person = (
        "INSERT INTO subscriber (id, email, email_key, name, status, attributes, created_at,"
        " updated_at) VALUES (:id, :email, :email, '', 'active', '{}', :now, :now)"
    )
    joined = (
        "INSERT INTO subscription (subscriber_id, list_id, status, created_at, updated_at)"
        " SELECT :id, id, 'active', :now, :now FROM list WHERE name = 'monthly'"
    )
    sent = (
        "INSERT INTO delivery (id, campaign_id, subscriber_id, state, attempts, next_attempt_at,"
        " created_at, updated_at, sent_at) VALUES (:id, 1, :id, 'sent', 1, :now, :now, :now, :now)"
    )
    with database.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO campaign (id, slug, state, source, source_hash, created_at,"
                " updated_at) VALUES (1, 'issue-1', 'sent', :source, 'h', :now, :now)"
            ),
            {"now": NOW, "source": 'lists = ["monthly"]'},
        )
        for id_, email in ((1, "carol@example.org"), (2, "alice@example.org")):
            for statement in (person, joined, sent):
                conn.execute(sa.text(statement), {"id": id_, "email": email, "now": NOW})
    with database.engine.begin() as conn:  # erased: her subscriptions and deliveries go too
        conn.exec_driver_sql("DELETE FROM subscriber WHERE id = 2")
    if database.dialect == "postgresql":  # sequences as the inserts would have left them
        with database.engine.begin() as conn:
            for table in ("subscriber", "delivery", "campaign"):
                conn.exec_driver_sql(f"SELECT setval('{table}_id_seq', 2)")
    return database


def legacy(purpose: str, subject: str) -> str:
    """A token as mail sent before the upgrade carries it: no nonce."""
    return make_token(TEST_SECRET, purpose, subject)


def test_old_links_work_for_people_still_here_and_never_for_new_ids(
    backend: str, empty_url: str
) -> None:
    database = at_0005_with_mail_sent(empty_url)
    before, after = migrate.upgrade(database.engine)
    assert (before, after) == ("0005", migrate.head())
    with database.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM subscription").scalar() == 1
        assert conn.exec_driver_sql("SELECT count(*) FROM delivery").scalar() == 1
        assert conn.exec_driver_sql("SELECT link_nonce FROM subscriber").scalar()
        if backend == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            for table in TABLES:
                found = conn.execute(
                    sa.text("SELECT sql FROM sqlite_master WHERE name = :t"), {"t": table}
                ).scalar_one()
                assert "AUTOINCREMENT" in found, table
    with database.engine.connect() as conn:  # a new connection: foreign keys are on again
        if backend == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1

    clock = Clock()

    async def scenario() -> None:
        async with public_site(empty_url, clock) as site:
            carol = await site.client.get("/preferences/" + legacy("preferences", "s1"))
            assert carol.status_code == 200
            assert "carol@example.org" in carol.text
            await site.subscribe(email="bob@example.org")
            # SQLite gives bob alice's id, erased just before the upgrade; PostgreSQL did not
            assert bob_id(database) == (2 if backend == "sqlite" else 3)
            for purpose, prefix in (
                ("preferences", "/preferences/"),
                ("unsubscribe", "/u/"),
                ("confirm", "/confirm/"),
            ):
                alice = await site.client.get(prefix + legacy(purpose, "s2"))
                assert alice.status_code == 404, purpose
                assert "bob@example.org" not in alice.text

    asyncio.run(scenario())

    # a new delivery for bob: on SQLite it gets the id of alice's erased one
    with database.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO delivery (campaign_id, subscriber_id, state, attempts,"
                " next_attempt_at, created_at, updated_at, sent_at)"
                " VALUES (1, :bob, 'sent', 1, :now, :now, :now, :now)"
            ),
            {"bob": bob_id(database), "now": NOW},
        )
    app = App(settings_for(empty_url), clock=clock)
    ingest = app.bounce_ingest()
    for token, address in (
        (legacy("bounce", "d2"), "alice@example.org"),
        (legacy("bounce", "d1"), "carol@example.org"),
    ):
        report = delivery_report(
            b"Subject: issue 1\r\n\r\n",
            return_path=f"bounces+{token}@x",
            recipient=address,
            status="5.1.1",
            diagnostic="550 5.1.1 unknown",
            date=NOW,
        )
        ingest.message(report, source="receiver", envelope_token=token)
    app.close()
    assert people.show(database, "bob@example.org")["status"] == "unconfirmed"
    assert people.show(database, "carol@example.org")["status"] == "bounced"  # d1 still hers
    database.dispose()


def bob_id(database: Database) -> int:
    return int(people.show(database, "bob@example.org")["id"])
