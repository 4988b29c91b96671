"""``/api/v1/docs``: the API reference as one HTML page, made from the OpenAPI document.

Served by us with no script and nothing fetched from elsewhere (Swagger UI would load its
JavaScript from a CDN); the machine-readable document is at ``/api/v1/openapi.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from mailer.web.api.auth import PREFIX

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "api"
METHODS = ("get", "post", "put", "patch", "delete")
POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'"


def _schema_name(schema: dict[str, Any]) -> str:
    ref = schema.get("$ref") or schema.get("items", {}).get("$ref", "")
    name = str(ref).rsplit("/", 1)[-1]
    return f"list of {name}" if "items" in schema and name else name


def operations(spec: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    """The operations under ``prefix`` (and the webhooks) in the order the spec lists them."""
    found = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None or not (path.startswith(prefix) or path.startswith("/webhooks/")):
                continue
            body = op.get("requestBody", {}).get("content", {})
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "body": ", ".join(
                        f"{kind} {_schema_name(v.get('schema', {}))}".strip()
                        for kind, v in body.items()
                    ),
                    "responses": {
                        code: r.get("description", "") for code, r in op["responses"].items()
                    },
                }
            )
    return found


_ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape())
router = APIRouter(include_in_schema=False)


@router.get(f"{PREFIX}/docs")
def docs(request: Request) -> HTMLResponse:
    spec = request.app.openapi()
    schemas = spec.get("components", {}).get("schemas", {})
    html = _ENV.get_template("docs.html.j2").render(
        info=spec.get("info", {}),
        operations=operations(spec, PREFIX),
        prefix=PREFIX,
        schemas={name: json.dumps(s, indent=1) for name, s in schemas.items()},
    )
    return HTMLResponse(html, headers={"Content-Security-Policy": POLICY})
