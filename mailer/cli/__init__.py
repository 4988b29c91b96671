"""The ``mailer`` command line. Exit codes: 0 done, 1 storage or internal failure, 2 bad input."""

from __future__ import annotations

from mailer.cli import (
    approaches,
    bounces,
    campaign,
    demo,
    interests,
    issue_folders,
    lists,
    maintenance,
    preflight,
    report,
    schedule,
    sending,
    serve,
    subscribers,
    tokens,
    tracking,
    translations,
    users,
)
from mailer.cli.root import mailer, main

__all__ = [
    "approaches",
    "bounces",
    "campaign",
    "demo",
    "interests",
    "issue_folders",
    "lists",
    "mailer",
    "main",
    "maintenance",
    "preflight",
    "report",
    "schedule",
    "sending",
    "serve",
    "subscribers",
    "tokens",
    "tracking",
    "translations",
    "users",
]
