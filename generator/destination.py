"""Refuse an output folder that would mix generated files with the project's own.

`--out .` from the project root, or `--out ..`, would put `client/`, `docs/` and `tests/` among
the spec, the templates and the generator's sources. Such a folder is refused before anything is
read or written, unless the run is told `--force`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from generator.config import Config
from generator.problems import UsageError

GENERATOR_PACKAGE = Path(__file__).resolve().parent


def check_destination(out: Path, spec: Path, config: Config, config_file: Path, *, force: bool) -> None:
    """Raise `UsageError` (one line: why, and how to force it) if `out` holds or sits in project sources."""
    if force:
        return
    out = out.resolve()
    guarded = [
        ("the spec", spec.resolve()),
        ("the configuration", config_file.resolve()),
        ("the generator's sources", GENERATOR_PACKAGE),
        *(("the templates", t.templates.resolve()) for t in config.targets),
    ]
    held = _unique(what for what, path in guarded if _within(path, out))
    inside = _unique(what for what, path in guarded if path.is_dir() and _within(out, path) and out != path)
    if not held and not inside:
        return
    reasons = []
    if held:
        reasons.append(f"it holds {_join(held)}")
    if inside:
        reasons.append(f"it is inside {_join(inside)}")
    raise UsageError(
        f"generator: refusing --out {out}: {' and '.join(reasons)}, so generated files would mix with the "
        "project's own; choose another folder, or pass --force to write there anyway"
    )


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
