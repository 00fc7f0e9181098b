"""The generator's configuration: which client to produce and which template folders to render.

It lives in `[tool.generator]` of the project's pyproject.toml, so that adding an output target
is adding a template folder and one entry under `targets`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.naming import is_safe_module_name
from generator.problems import UsageError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Target:
    """One output: a template folder rendered into a sub-folder of the output directory."""

    name: str
    templates: Path
    out: str
    view: str
    """The view its templates see (`generator.views.VIEWS`)."""


@dataclass(frozen=True)
class Config:
    """What the generator produces, from `[tool.generator]`."""

    package: str
    distribution: str
    version: str
    title: str
    python_requires: str
    targets: tuple[Target, ...]
    runtime: Path
    """The client runtime's source folder: plain Python that the client target copies unchanged."""
    changelog: Path | None = None
    """The client's changelog (`changelog`, a Markdown file beside pyproject.toml), which the
    generator copies into the client package as CHANGELOG.md and `changes --bump` extends."""


def load_config(pyproject: Path) -> Config:
    """Read `[tool.generator]` from `pyproject`; a missing or wrong entry is a `UsageError`."""
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{pyproject}: cannot read configuration: {exc}") from None
    section = data.get("tool", {}).get("generator")
    if not isinstance(section, dict):
        raise UsageError(f"{pyproject}: no [tool.generator] section")
    base = pyproject.parent
    targets = tuple(_target(base, pyproject, entry) for entry in section.get("targets", []))
    if not targets:
        raise UsageError(f"{pyproject}: [tool.generator] lists no targets")
    package = _text(section, "package", pyproject)
    if not is_safe_module_name(package):
        raise UsageError(f"{pyproject}: package {package!r} is not a valid Python package name")
    return Config(
        package=package,
        distribution=_text(section, "distribution", pyproject),
        version=_text(section, "version", pyproject),
        title=_text(section, "title", pyproject),
        python_requires=_text(section, "python_requires", pyproject),
        targets=targets,
        runtime=_folder(base, pyproject, section, "runtime"),
        changelog=_changelog(base, pyproject, section),
    )


def _changelog(base: Path, pyproject: Path, section: dict[str, Any]) -> Path | None:
    value = section.get("changelog")
    if value is None:
        return None
    if not isinstance(value, str) or not value or Path(value).is_absolute() or ".." in Path(value).parts:
        raise UsageError(f"{pyproject}: [tool.generator] 'changelog' must be a file path inside the project")
    return base / value


def _text(section: dict[str, Any], key: str, pyproject: Path) -> str:
    value = section.get(key)
    if not isinstance(value, str) or not value:
        raise UsageError(f"{pyproject}: [tool.generator] needs a non-empty string '{key}'")
    # These go verbatim into TOML, Python strings and docstrings of the generated package.
    if any(c in value for c in '"\\`\n\r') or not value.isprintable():
        raise UsageError(f"{pyproject}: [tool.generator] '{key}' may not contain quotes, backslashes or line breaks")
    return value


def _folder(base: Path, pyproject: Path, section: dict[str, Any], key: str) -> Path:
    value = section.get(key)
    folder = (base / value).resolve() if isinstance(value, str) and value else None
    if folder is None or not folder.is_dir():
        raise UsageError(f"{pyproject}: [tool.generator] '{key}' must name an existing folder")
    return folder


def _target(base: Path, pyproject: Path, entry: Any) -> Target:
    keys = ("name", "templates", "out", "view")
    if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in keys):
        raise UsageError(f"{pyproject}: each [[tool.generator.targets]] needs 'name', 'templates', 'out' and 'view'")
    from generator.views import VIEWS

    if entry["view"] not in VIEWS:
        raise UsageError(f"{pyproject}: target {entry['name']!r}: no view {entry['view']!r}; one of {', '.join(VIEWS)}")
    templates = (base / entry["templates"]).resolve()
    if not templates.is_dir():
        raise UsageError(f"{pyproject}: template folder {entry['templates']!r} does not exist")
    out = Path(entry["out"])
    if out.is_absolute() or ".." in out.parts:
        raise UsageError(f"{pyproject}: target out {entry['out']!r} must be a relative path inside the output folder")
    return Target(name=entry["name"], templates=templates, out=out.as_posix(), view=entry["view"])
