"""`--bump`: the new version into pyproject.toml and the changelog section into the changelog source.

The changelog source lives in the project (`CHANGELOG_SOURCE`, beside pyproject.toml); the
generator copies it into the client package, so generated/ stays the generator's output alone.
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.problems import UsageError

CHANGELOG_SOURCE = "client-changelog.md"
"""The client's changelog, newest first, beside the pyproject.toml that holds its version."""
CHANGELOG_TITLE = "# Changelog\n\nWhat changed in the generated client, newest first.\n"
_SECTION = re.compile(r"^\[(?P<name>[^\]]+)\]\s*(#.*)?$")
_VERSION_LINE = re.compile(r'^(?P<lead>\s*version\s*=\s*")(?P<value>[^"]*)(?P<tail>".*)$')


def write_version(pyproject: Path, old: str, new: str) -> None:
    """Set `[tool.generator] version` to `new`, editing that one line; every other byte stays."""
    try:
        text = pyproject.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{pyproject}: cannot read: {exc}") from None
    lines = text.splitlines(keepends=True)
    section = None
    for i, line in enumerate(lines):
        header = _SECTION.match(line.strip())
        if header:
            section = header.group("name").strip()
            continue
        match = _VERSION_LINE.match(line.rstrip("\r\n"))
        if section == "tool.generator" and match:
            if match.group("value") != old:
                raise UsageError(f"{pyproject}:{i + 1}: version is {match.group('value')!r}, expected {old!r}")
            lines[i] = match.group("lead") + new + match.group("tail") + line[len(line.rstrip("\r\n")) :]
            pyproject.write_bytes("".join(lines).encode("utf-8"))
            return
    raise UsageError(f'{pyproject}: no line `version = "..."` in [tool.generator]')


def prepend_section(changelog: Path, section: str) -> None:
    """Put `section` above the newest one, below the file's title (the file is made if missing)."""
    try:
        text = changelog.read_text(encoding="utf-8") if changelog.exists() else CHANGELOG_TITLE
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{changelog}: cannot read: {exc}") from None
    at = re.search(r"^## ", text, flags=re.MULTILINE)
    head, rest = (text[: at.start()], text[at.start() :]) if at else (text.rstrip("\n") + "\n\n", "")
    changelog.write_text(head + section.rstrip("\n") + "\n" + ("\n" + rest if rest else ""), encoding="utf-8")
