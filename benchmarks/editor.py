"""The issue editor's three figures (issue 16, item 7), each beside a baseline from the same run.

- preview: server time of the preview request for the sample issue (a change typed in the ka
  tab, so nothing is cached), target < 300 ms; baseline: the staff campaign preview page of the
  same issue (the folder read, one language), which staff used before the editor;
- save: server time of a save from the page (the whole form, one field changed), target
  < 50 ms; baseline: ``issues.save`` of the same document called directly (no HTTP, no form);
- page: HTML size of the editor for a 12-item, 4-language issue, target < 150 KB; baseline:
  the issue's own campaign.toml.

Requests go over ASGI in process (no sockets), so the times are the server's.

    python benchmarks/editor.py [--rounds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import re
import statistics
import sys
import tempfile
import time
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from mailer import issues
from mailer.access import staff
from mailer.app import App
from mailer.config import load_settings
from mailer.importer import import_file
from mailer.importer.apply import ImportOptions
from mailer.web.app import create_app
from tests.conftest import copy_sample

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "campaigns" / "2026-12-digest"
EMAIL, PASSWORD = "bench@example.org", "benchmark password of some length"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def app_in(root: Path) -> App:
    campaigns = root / "campaigns"
    copy_sample(SAMPLE, campaigns / SAMPLE.name)
    environ = {
        "MAILER_DATABASE__URL": f"sqlite:///{root / 'bench.db'}",
        "MAILER_SECRETS__KEY": "benchmark-secret-key-of-sufficient-length-0123456789",
        "MAILER_PATHS__TEMPLATES": str(REPO / "templates"),
        "MAILER_PATHS__CAMPAIGNS": str(campaigns),
    }
    app = App(load_settings(None, environ=environ)).start()
    import_file(
        app.database, REPO / "subscribers" / "example.csv", ImportOptions("members"), now=app.clock
    )
    staff.add_user(app.database, EMAIL, PASSWORD, now=app.clock(), hasher=app.password_hasher)
    issues.import_folder(app.database, campaigns / SAMPLE.name, now=app.clock())
    return app


def form_fields(html: str) -> list[tuple[str, str]]:
    body = html.split('<form id="editor"', 1)[1].split("<template", 1)[0]
    fields: list[tuple[str, str]] = []
    for tag in re.finditer(r"<(input|textarea)\b([^>]*)>", body):
        name = re.search(r'name="([^"]+)"', tag.group(2))
        attrs = tag.group(2)
        if not name or 'type="radio"' in attrs or 'type="file"' in attrs:
            continue
        if 'type="checkbox"' in attrs and " checked" not in attrs:
            continue
        if tag.group(1) == "textarea":
            value = body[tag.end() : body.index("</textarea>", tag.end())]
        else:
            found = re.search(r'value="([^"]*)"', attrs)
            value = found.group(1) if found else ""
        fields.append((name.group(1), unescape(value)))
    fields.append(("template", "newsletter"))
    return fields


def twelve_items(document: dict[str, object]) -> dict[str, object]:
    bigger = copy.deepcopy(document)
    items = bigger["items"]
    assert isinstance(items, list)
    while len(items) < 12:
        extra = copy.deepcopy(items[len(items) % 8])
        extra["id"] = f"{extra['id']}-{len(items)}"
        items.append(extra)
    return bigger


def ms(seconds: list[float]) -> str:
    return f"{statistics.median(seconds) * 1000:7.1f} ms"


async def measure(app: App, rounds: int) -> None:
    transport = httpx.ASGITransport(app=create_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench.test") as http:
        login = await http.get("/staff/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', login.text).group(1)  # type: ignore[union-attr]
        await http.post("/staff/login", data={"csrf": csrf, "email": EMAIL, "password": PASSWORD})
        edit = "/staff/issues/2026-12-digest/edit"
        fields = form_fields((await http.get(edit)).text)

        preview, before = [], []
        for n in range(rounds):
            typed = [(k, f"{v} {n}" if k == "content.ka.subject" else v) for k, v in fields]
            body = urlencode([*typed, ("preview_lang", "ka")]).encode()
            start = time.perf_counter()
            answer = await http.post(f"{edit}/preview", content=body, headers=FORM)
            preview.append(time.perf_counter() - start)
            assert answer.status_code == 200
            start = time.perf_counter()
            await http.get("/staff/campaigns/2026-12-digest/preview.html?lang=ka")
            before.append(time.perf_counter() - start)
        print(
            f"preview (typed in ka)   {ms(preview)}   staff campaign preview {ms(before)}   "
            f"ratio {statistics.median(preview) / statistics.median(before):.2f}   target < 300 ms"
        )

        saves, direct = [], []
        desk = app.issue_desk()
        actor = issues.Actor(EMAIL, "admin")
        for n in range(rounds):
            current = issues.get_issue(desk, "2026-12-digest")
            typed = [
                ("base_revision", str(current.revision))
                if k == "base_revision"
                else (k, f"{v} {n}" if k == "content.en.preheader" else v)
                for k, v in fields
            ]
            start = time.perf_counter()
            answer = await http.post(
                edit, content=urlencode(typed).encode(), headers=FORM | {"X-Editor": "save"}
            )
            saves.append(time.perf_counter() - start)
            assert answer.status_code == 200, answer.text
            document = copy.deepcopy(dict(issues.get_issue(desk, "2026-12-digest").document))
            document["content"]["en"]["preheader"] += " again"
            start = time.perf_counter()
            issues.save(
                desk,
                "2026-12-digest",
                document,
                base_revision=answer.json()["revision"],
                by=actor,
                now=app.clock(),
            )
            direct.append(time.perf_counter() - start)
        print(
            f"save (from the page)    {ms(saves)}   issues.save directly   {ms(direct)}   "
            f"ratio {statistics.median(saves) / statistics.median(direct):.2f}   target < 50 ms"
        )

        big = twelve_items(dict(issues.get_issue(desk, "2026-12-digest").document))
        issues.create_issue(desk, "twelve-items", big, by=actor, now=app.clock())
        page = await http.get("/staff/issues/twelve-items/edit")
        text = issues.get_issue(desk, "twelve-items").text
        size, toml = len(page.content), len(text.encode())
        print(
            f"editor page, 12 items × 4 languages  {size / 1024:6.1f} KB   its campaign.toml "
            f"{toml / 1024:6.1f} KB   ratio {size / toml:.2f}   target < 150 KB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root:
        app = app_in(Path(root))
        try:
            asyncio.run(measure(app, args.rounds))
        finally:
            app.close()


if __name__ == "__main__":
    main()
