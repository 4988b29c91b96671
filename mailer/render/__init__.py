"""Adapter: Jinja2 (sandboxed), Markdown, MJML and premailer. The only package that imports them."""
