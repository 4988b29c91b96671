"""Queries on the interest vocabulary (slug, titles per language, public or not) and on list
titles. None of them commits; the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from mailer.db.schema import interest, mailing_list, subscriber_interest
from mailer.errors import NotFound


@dataclass(frozen=True)
class InterestWord:
    """One interest: its slug (what segments and imports name), titles by language tag,
    whether the public forms offer it, and how many subscribers (any status) follow it."""

    id: int
    slug: str
    titles: Mapping[str, str]
    public: bool
    subscribers: int


def vocabulary(conn: sa.Connection) -> list[InterestWord]:
    """Reads every interest with its follower count, by slug; locks nothing."""
    followers = (
        sa.select(subscriber_interest.c.interest_id, sa.func.count().label("n"))
        .group_by(subscriber_interest.c.interest_id)
        .subquery()
    )
    query = (
        sa.select(interest, sa.func.coalesce(followers.c.n, 0).label("n"))
        .select_from(interest.outerjoin(followers, followers.c.interest_id == interest.c.id))
        .order_by(interest.c.name)
    )
    return [
        InterestWord(row.id, row.name, dict(row.titles or {}), bool(row.public), int(row.n))
        for row in conn.execute(query)
    ]


def find_interest(conn: sa.Connection, slug: str) -> InterestWord | None:
    """Reads one interest by slug (its follower count included); locks nothing."""
    return next((word for word in vocabulary_of(conn, [slug])), None)


def get_interest(conn: sa.Connection, slug: str) -> InterestWord:
    """Like ``find_interest``; an unknown slug raises ``NotFound``."""
    found = find_interest(conn, slug)
    if found is None:
        raise NotFound("interest", slug)
    return found


def vocabulary_of(conn: sa.Connection, slugs: Iterable[str]) -> list[InterestWord]:
    wanted = set(slugs)
    return [word for word in vocabulary(conn) if word.slug in wanted]


def insert_interest(
    conn: sa.Connection, slug: str, *, titles: Mapping[str, str], public: bool
) -> int:
    """Writes one ``interest`` row; the unique slug makes a concurrent duplicate fail."""
    statement = (
        sa.insert(interest)
        .values(name=slug, titles=dict(titles), public=public)
        .returning(interest.c.id)
    )
    return int(conn.execute(statement).scalar_one())


def update_interest(conn: sa.Connection, interest_id: int, **values: Any) -> None:
    """Writes ``name`` (the slug), ``titles`` or ``public`` of one interest."""
    conn.execute(sa.update(interest).where(interest.c.id == interest_id).values(**values))


def merge_interest(conn: sa.Connection, source_id: int, target_id: int) -> int:
    """Gives every follower of ``source_id`` the interest ``target_id`` (those who had both
    keep one link), then deletes ``source_id``. Returns how many followers were moved."""
    has_target = sa.select(subscriber_interest.c.subscriber_id).where(
        subscriber_interest.c.interest_id == target_id
    )
    moved = conn.execute(
        sa.update(subscriber_interest)
        .where(subscriber_interest.c.interest_id == source_id)
        .where(subscriber_interest.c.subscriber_id.not_in(has_target))
        .values(interest_id=target_id)
    ).rowcount
    conn.execute(
        sa.delete(subscriber_interest).where(subscriber_interest.c.interest_id == source_id)
    )
    conn.execute(sa.delete(interest).where(interest.c.id == source_id))
    return int(moved or 0)


def public_interests(conn: sa.Connection) -> dict[str, dict[str, str]]:
    """Reads the interests the public forms offer: slug → titles; locks nothing."""
    query = sa.select(interest.c.name, interest.c.titles).where(interest.c.public.is_(True))
    return {row.name: dict(row.titles or {}) for row in conn.execute(query)}


def unknown_interests(conn: sa.Connection, slugs: Iterable[str]) -> list[str]:
    """Reads which of ``slugs`` are not interests yet, sorted; locks nothing."""
    wanted = sorted(set(slugs))
    if not wanted:
        return []
    query = sa.select(interest.c.name).where(interest.c.name.in_(wanted))
    known = set(conn.execute(query).scalars())
    return [slug for slug in wanted if slug not in known]


def list_titles(conn: sa.Connection) -> dict[str, dict[str, dict[str, str]]]:
    """Reads every list's titles: name → language tag → {"title", "description"}."""
    query = sa.select(mailing_list.c.name, mailing_list.c.titles)
    return {row.name: dict(row.titles or {}) for row in conn.execute(query)}


def set_list_titles(
    conn: sa.Connection, list_id: int, titles: Mapping[str, Mapping[str, str]]
) -> None:
    """Writes a list's titles (the whole map)."""
    statement = sa.update(mailing_list).where(mailing_list.c.id == list_id)
    conn.execute(statement.values(titles={tag: dict(value) for tag, value in titles.items()}))
