"""Validate every spec file against the OpenAPI specification, skipping files already known good.

A file's result depends only on its text, the texts of the files its `$ref`s reach, the
validator's version and our checking code, so it is cached under a digest of all of those
(`generator.cache`). Only files not in the cache are checked (`generator.oas_check`).
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

from generator.cache import NO_CACHE, Cache, digest
from generator.loader import SpecSet, referenced_files
from generator.problems import Problem

# The code that shapes a file's findings: a change to any of it makes cached findings stale.
_CHECKER_SOURCES = tuple(
    Path(__file__).with_name(name) for name in ("oas_check.py", "validator_speedups.py", "loader.py", "refs.py")
)


def validate_spec(spec: SpecSet, cache: Cache = NO_CACHE) -> list[Problem]:
    """Every OpenAPI violation in every file of `spec`, each located by file and line."""
    salt = digest(
        "openapi-spec-validator", version("openapi-spec-validator"), *(path.read_bytes() for path in _CHECKER_SOURCES)
    )
    links = {path: set(referenced_files(doc.data, path.parent)) for path, doc in spec.documents.items()}
    keys = {path: digest(salt, *_digests(spec, links, path)) for path in spec.documents}
    findings: dict[Path, list[tuple[int, str, str | None]]] = {}
    missing: list[Path] = []
    for path in sorted(spec.documents):
        cached = _findings(cache.get("validate", keys[path]))
        if cached is None:
            missing.append(path)
        else:
            findings[path] = cached
    if missing:
        from generator.oas_check import check_documents

        for path, found in check_documents(spec, missing).items():
            findings[path] = found
            cache.put("validate", keys[path], json.dumps(found).encode("utf-8"))
    return [
        Problem(spec.documents[path].display, line, message, pointer)
        for path in sorted(findings)
        for line, message, pointer in findings[path]
    ]


def _findings(entry: bytes | None) -> list[tuple[int, str, str | None]] | None:
    """A cache entry read back as findings; None for no entry or one of the wrong shape."""
    if entry is None:
        return None
    try:
        return [
            (line, message, pointer)
            for line, message, pointer in json.loads(entry)
            if isinstance(line, int) and isinstance(message, str) and (pointer is None or isinstance(pointer, str))
        ]
    except (ValueError, TypeError):
        return None


def _digests(spec: SpecSet, links: dict[Path, set[Path]], start: Path) -> list[str]:
    """The digests of `start` and of every loaded file its `$ref`s reach (`links`), in a stable order."""
    seen = {start}
    queue = [start]
    while queue:
        for target in links.get(queue.pop(), ()):
            if target not in seen and target in spec.documents:
                seen.add(target)
                queue.append(target)
    return [spec.documents[p].digest for p in sorted(seen)]
