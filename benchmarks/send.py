"""Sending the sample issue from the ledger to a fast SMTP sink on loopback.

Prints messages/s for this code (SQLite, one process; with and without DKIM) beside three
baselines measured in the same run: the machine's ceiling (Postfix's smtp-source → smtp-sink,
C on both sides, same message size), aiosmtplib alone (a ready message sent over reused
connections: what the SMTP library by itself allows) and a naive sender (MJML + premailer +
EmailMessage + a new aiosmtplib connection per recipient). Needs Debian's postfix package
for smtp-sink and smtp-source (used only as tools; the daemon is not run); without it the
sink is aiosmtpd and the ceiling is skipped.

Also `mailer campaign send --wait` as a whole process (SQLite, its wall time from the command's
start to its exit: import, lint, the ledger written, every message sent), which is how issue 21
states its goal.

    python benchmarks/send.py [--recipients 20000] [--naive 100]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import email.message
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiosmtplib
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from benchmarks.synth import HEADER, rows
from mailer.app import App, utc_now
from mailer.campaigns import lifecycle, source
from mailer.config import load_settings
from mailer.core.subscribers import Recipient
from mailer.db import Database
from mailer.importer import import_file
from mailer.importer.apply import ImportOptions
from mailer.render.compile import render_layout, variant_context
from tests.conftest import copy_sample, sendable_text

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "campaigns" / "2026-12-digest"
SINK = shutil.which("smtp-sink") or "/usr/sbin/smtp-sink"
SOURCE = shutil.which("smtp-source") or "/usr/sbin/smtp-source"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_sink(port: int, seconds: int = 900) -> subprocess.Popen[bytes]:
    """smtp-sink (aiosmtpd without postfix) on loopback; it exits after ``seconds`` at most."""
    if Path(SINK).exists():
        command = ["timeout", str(seconds), SINK, "-4", "-u", "postfix", f"127.0.0.1:{port}", "256"]
    else:
        command = [
            sys.executable,
            "-m",
            "mailer",
            "dev-smtp",
            "--port",
            str(port),
            "--maildir",
            "/dev/null/none",
        ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(1200):  # bounded: a minute, for a busy machine
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.05)
    raise RuntimeError("the sink did not start")


def mailer_environ(url: str, port: int, **extra: str) -> dict[str, str]:
    """The MAILER_* settings of every sender in this benchmark, in-process or a worker."""
    return {
        "MAILER_DATABASE__URL": url,
        "MAILER_SECRETS__KEY": "benchmark-secret-key-0123456789",
        "MAILER_SMTP__HOST": "127.0.0.1",
        "MAILER_SMTP__PORT": str(port),
        "MAILER_SENDING__CONCURRENCY": "16",
        "MAILER_SENDING__BATCH_SIZE": "500",
        "MAILER_PATHS__TEMPLATES": str(REPO / "templates"),
        **{f"MAILER_{k.upper()}": v for k, v in extra.items()},
    }


def app_for(database: Path | str, port: int, **extra: str) -> App:
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    return App(load_settings(environ=mailer_environ(url, port, **extra))).start()


def prepare(database: Path | str, recipients: int, tmp: Path, slug: str) -> App:
    app = populate(database, recipients, tmp)
    start_campaign(app, tmp, slug)
    return app


def populate(database: Path | str, recipients: int, tmp: Path) -> App:
    """An empty schema at ``database``, then ``recipients`` synthetic members imported."""
    people = tmp / "people.csv"
    with people.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(rows(recipients, seed=5))
    if isinstance(database, str):  # PostgreSQL: an empty schema first (whatever was there)
        bare = Database(database)
        with bare.engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        bare.upgrade()
        bare.dispose()
    app = app_for(database, 1)
    import_file(app.database, people, ImportOptions("members", batch_size=5000), now=utc_now)
    people.unlink()
    return app


def start_campaign(app: App, tmp: Path, slug: str) -> int:
    """Starts a copy of the sample issue as ``slug``; returns its deliveries."""
    folder = tmp / slug
    copy_sample(SAMPLE, folder)
    text = sendable_text(folder)
    return lifecycle.start(app.database, source.load_valid(folder), text, now=utc_now())


async def send(app: App) -> tuple[int, float, float, int]:
    """Messages sent, wall seconds, process CPU seconds (every thread), group commits."""
    async with app.relay() as relay:
        dispatcher = app.dispatcher(relay)
        started, cpu = time.perf_counter(), time.process_time()
        await dispatcher.run(asyncio.Event(), until_idle=True)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return dispatcher.sent, seconds, cpu, dispatcher.group_commits


def measure(label: str, tmp: Path, recipients: int, port: int, **extra: str) -> float:
    """One process on SQLite; prints the rate and the sender's CPU a message (a loaded machine
    stretches wall time; CPU time per message says what the code costs)."""
    database = tmp / f"{label}.db"
    prepare(database, recipients, tmp, f"2026-12-{label}")
    sent, seconds, cpu, commits = asyncio.run(send(app_for(database, port, **extra)))
    assert sent == recipients, (sent, recipients)
    rate = sent / seconds
    print(
        f"  {label:10} {sent:,} messages in {seconds:.1f} s = {rate:,.0f} messages/s; "
        f"sender CPU {cpu / sent * 1e6:,.0f} us a message; "
        f"{sent / max(commits, 1):.1f} messages a ledger commit"
    )
    return rate


def measure_command(label: str, tmp: Path, recipients: int, port: int, **extra: str) -> float:
    """`mailer campaign send FOLDER --wait --force` as its own process on SQLite: wall time
    from start to exit, everything included (the people are imported beforehand)."""
    name = label.replace("+", "-")
    database = tmp / f"{name}.db"
    populate(database, recipients, tmp).close()
    folder = tmp / f"2026-12-{name}"
    shutil.copytree(SAMPLE, folder, dirs_exist_ok=True)
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MAILER_")},
        **mailer_environ(f"sqlite:///{database}", port, **extra),
    }
    command = [sys.executable, "-m", "mailer", "campaign", "send", str(folder), "--wait", "--force"]
    started = time.perf_counter()
    done = subprocess.run(
        command, env=environ, cwd=tmp, capture_output=True, text=True, timeout=900
    )
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stderr[-2000:]
    app = app_for(database, port)
    status = lifecycle.status(app.database, folder.name)
    app.close()
    assert status.counts["sent"] == recipients, status.counts
    rate = recipients / seconds
    print(
        f"  {label:10} {recipients:,} messages in {seconds:.1f} s = {rate:,.0f} messages/s "
        "(`mailer campaign send --wait` as a process, start to exit)"
    )
    return rate


def measure_postgres(
    url: str, tmp: Path, recipients: int, port: int, workers: int, **extra: str
) -> float:
    """``workers`` `mailer worker` processes sharing one campaign on PostgreSQL."""
    app = prepare(url, recipients, tmp, "2026-12-pg")
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MAILER_")},
        **mailer_environ(url, port, **extra),
    }
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "mailer", "worker"],
            env=environ,
            cwd=tmp,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    try:
        for _ in range(6000):  # bounded: 10 minutes
            status = lifecycle.status(app.database, "2026-12-pg")
            if status.state == "sent":
                break
            time.sleep(0.1)
        seconds = time.perf_counter() - started
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)
    assert status.counts["sent"] == recipients, status.counts
    rate = recipients / seconds
    label = "pg+dkim" if extra else "pg"
    print(
        f"  {label:10} {recipients:,} messages in {seconds:.1f} s = {rate:,.0f} messages/s "
        f"({workers} worker processes, PostgreSQL)"
    )
    return rate


def ceiling(port: int, size: int, count: int, tmp: Path) -> float:
    message = tmp / "message.eml"
    body = "x" * 76 + "\n"
    message.write_text("Subject: ceiling\nFrom: a@example.org\n\n" + body * (size // len(body)))
    started = time.perf_counter()
    subprocess.run(
        [
            SOURCE,
            "-4",
            "-d",
            "-s",
            "4",
            "-m",
            str(count),
            "-F",
            str(message),
            "-f",
            "news@example.org",
            "-t",
            "member@example.net",
            f"127.0.0.1:{port}",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=300,
    )
    return count / (time.perf_counter() - started)


async def naive(port: int, count: int) -> float:
    campaign = source.load_valid(SAMPLE)
    app = app_for(Path(tempfile.gettempdir()) / "naive.db", port)
    composer = app.composer(campaign)
    started = time.perf_counter()
    for i in range(count):
        person = Recipient(i, f"member{i}@example.org", f"Member {i}", "GE", "ka", frozenset())
        key = composer.variant_key(person)
        context = variant_context(
            campaign,
            key,
            strings=app.templates.strings(key.language),
            organisation=composer.organisation,
            view_online="https://x.example",
        )
        html, text = render_layout(app.templates, campaign.template, context)
        values = composer.personal_values(composer.variant(key), person)
        message = email.message.EmailMessage()
        message["From"], message["To"] = "news@example.org", person.email
        message["Subject"] = campaign.content[key.language].subject
        message.set_content(text.render(values))
        message.add_alternative(html.render(values), subtype="html")
        await aiosmtplib.send(message, hostname="127.0.0.1", port=port)
    return count / (time.perf_counter() - started)


async def aiosmtplib_alone(port: int, count: int, connections: int = 16) -> tuple[float, int]:
    """aiosmtplib by itself: one ready-made copy of the sample issue sent ``count`` times over
    ``connections`` reused connections; no database, no rendering. What the library costs."""
    campaign = source.load_valid(SAMPLE)
    app = app_for(Path(tempfile.gettempdir()) / "alone.db", port)
    composer = app.composer(campaign)
    person = Recipient(1, "member1@example.org", "Member 1", "GE", "ka", frozenset())
    key = composer.variant_key(person)
    variant = composer.variant(key)
    values = composer.personal_values(variant, person)
    message = email.message.EmailMessage()
    message["From"], message["To"] = "news@example.org", person.email
    message["Subject"] = campaign.content[key.language].subject
    message.set_content(variant.text.render(values), cte="8bit")
    message.add_alternative(variant.html.render(values), subtype="html", cte="8bit")
    data = message.as_bytes()

    async def one(share: int) -> None:
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False)
        await client.connect()
        for i in range(share):
            await client.sendmail("bounces@example.org", [f"member{i}@example.org"], data)
        await client.quit()

    started = time.perf_counter()
    await asyncio.gather(*(one(count // connections) for _ in range(connections)))
    return count // connections * connections / (time.perf_counter() - started), len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipients", type=int, default=20_000)
    parser.add_argument("--naive", type=int, default=100)
    args = parser.parse_args()
    port = free_port()
    sink = start_sink(port)
    try:
        with tempfile.TemporaryDirectory() as name:
            tmp = Path(name)
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            pem = tmp / "dkim.pem"
            pem.write_bytes(
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
            print(
                f"sample issue to {args.recipients:,} recipients, SQLite, one process, "
                f"sink: {'smtp-sink' if Path(SINK).exists() else 'aiosmtpd'}"
            )
            # the ceiling before and after: on a shared machine it moves with the load
            ceilings = [ceiling(port, 48_000, 20_000, tmp)] if Path(SOURCE).exists() else []
            plain = measure("plain", tmp, args.recipients, port)
            signed = measure(
                "dkim",
                tmp,
                args.recipients,
                port,
                dkim__selector="bench",
                dkim__domain="example.org",
                dkim__private_key_file=str(pem),
            )
            command = measure_command("cli", tmp, args.recipients, port)
            command_signed = measure_command(
                "cli+dkim",
                tmp,
                args.recipients,
                port,
                dkim__selector="bench",
                dkim__domain="example.org",
                dkim__private_key_file=str(pem),
            )
            rates = [
                ("plain", plain),
                ("dkim", signed),
                ("cli", command),
                ("cli+dkim", command_signed),
            ]
            postgres = os.environ.get("MAILER_TEST_POSTGRES_URL", "")
            if postgres:
                rates.append(("pg", measure_postgres(postgres, tmp, args.recipients, port, 2)))
                rates.append(
                    (
                        "pg+dkim",
                        measure_postgres(
                            postgres,
                            tmp,
                            args.recipients,
                            port,
                            2,
                            dkim__selector="bench",
                            dkim__domain="example.org",
                            dkim__private_key_file=str(pem),
                        ),
                    )
                )
            alone, size = asyncio.run(aiosmtplib_alone(port, args.recipients))
            print(
                f"  aiosmtplib {alone:,.0f} messages/s (the library alone: one ready "
                f"{size // 1000} KB message, 16 reused connections, no database, "
                "no rendering)"
            )
            naive_rate = asyncio.run(naive(port, args.naive))
            print(
                f"  naive      {naive_rate:,.0f} messages/s (MJML + premailer + EmailMessage + "
                "a new connection per recipient)"
            )
            if ceilings:
                ceilings.append(ceiling(port, 48_000, 20_000, tmp))
            top = sum(ceilings) / len(ceilings) if ceilings else 0.0
            if top:
                each = " and ".join(f"{c:,.0f}" for c in ceilings)
                print(
                    f"  ceiling    {top:,.0f} messages/s (smtp-source -> smtp-sink, 48 KB, "
                    f"4 sessions; {each} before and after)"
                )
            for label, rate in rates:
                ratios = f"{rate / naive_rate:,.0f}x naive"
                if top:
                    ratios += f", {rate / top:.2f} of the ceiling"
                ratios += f", {rate / alone:.2f} of aiosmtplib alone"
                print(f"  {label}: {ratios}")
    finally:
        sink.terminate()


if __name__ == "__main__":
    main()
