"""Compiled Jinja2 templates kept for the life of the process.

Every ``TemplateSet`` and every web app builds its own Jinja environment, and each compiled
every template again the first time it rendered it: the Python source generated and compiled
for each page, each issue, each command. A ``CompiledTemplates`` lets the environments of one
kind share the result. Jinja checks each entry against the template's source (a checksum)
before using it, so an edited template is compiled again. One instance per kind of environment:
the code depends on the environment's options and class (the sandbox rewrites loops).
"""

from __future__ import annotations

import jinja2


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's bytecode cache, in memory (Jinja ships file and memcached ones)."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()
