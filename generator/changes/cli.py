"""`python -m generator changes`: what changed between two versions of the spec, for client code.

Exit codes: 0 no breaking change, 1 breaking changes (for CI gates, also with --bump), 2 bad
usage or a side that does not load.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from generator.changes.compare import compare_sides
from generator.changes.release import CHANGELOG_SOURCE, prepend_section, write_version
from generator.changes.report import change_line, changelog_section, summary_line
from generator.changes.semver import bumped, suggest_bump
from generator.changes.sides import Side, SideError, load_revision, load_side
from generator.config import PROJECT_ROOT, Config, load_config
from generator.problems import GeneratorError

EXIT_OK, EXIT_BREAKING, EXIT_BAD_INPUT = 0, 1, 2
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        """Bad usage in one line, exit code 2."""
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message} (see --help)\n")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The command line as a namespace; bad usage exits with code 2."""
    parser = _Parser(
        prog="python -m generator changes",
        description="What changed between two versions of the spec, as it affects code using the generated client.",
    )
    parser.add_argument("sides", nargs="*", type=Path, metavar="OLD NEW", help="two spec folders or files")
    parser.add_argument("--since", metavar="REV", help="compare the spec at git revision REV with the working tree's")
    parser.add_argument("--spec", type=Path, help="with --since: the new side (default: spec/)")
    parser.add_argument("--bump", action="store_true", help="write the suggested version and the changelog section")
    parser.add_argument("--date", help="a date (YYYY-MM-DD) for the changelog heading")
    parser.add_argument("--config", type=Path, default=PROJECT_ROOT / "pyproject.toml", help=argparse.SUPPRESS)
    args = parser.parse_args(list(argv))
    if args.since is None and len(args.sides) != 2:
        parser.error("give OLD and NEW, or --since REV")
    if args.since is not None and args.sides:
        parser.error("give OLD and NEW, or --since REV, not both")
    if args.spec is not None and args.since is None:
        parser.error("--spec goes with --since")
    if args.date is not None and not DATE.match(args.date):
        parser.error(f"--date {args.date!r} is not YYYY-MM-DD")
    return args


def run_changes(argv: list[str]) -> int:
    """Compare, report, and with `--bump` release; returns the exit code."""
    try:
        args = parse_args(argv)
    except SystemExit as exc:  # argparse has printed its one line (or --help)
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    try:
        return _run(args)
    except SideError as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return EXIT_BAD_INPUT
    except GeneratorError as exc:
        print(f"generator changes: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # a person gets one line, never a traceback
        if os.environ.get("GENERATOR_DEBUG"):
            raise
        print(
            f"generator changes: internal error: {type(exc).__name__}: {exc} (set GENERATOR_DEBUG=1)", file=sys.stderr
        )
        return EXIT_BAD_INPUT


def _run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    with tempfile.TemporaryDirectory(prefix="generator-changes-") as scratch:
        old, new = _sides(args, config, Path(scratch))
        changes = compare_sides(old, new)
    bump = suggest_bump(changes, config.version)
    version = bumped(config.version, bump)
    for change in changes:
        print(change_line(change))
    print(f"{old.label} -> {new.label}: {summary_line(changes)}; {_suggestion(config.version, bump, version)}")
    if changes:
        section = changelog_section(version or f"{config.version} ({bump} bump)", changes, args.date)
        if args.bump:
            _release(args.config, config, version, section)
        else:
            print()
            print(section, end="")
    return EXIT_BREAKING if any(c.impact == "breaking" for c in changes) else EXIT_OK


def _sides(args: argparse.Namespace, config: Config, scratch: Path) -> tuple[Side, Side]:
    if args.since is not None:
        new_path = args.spec if args.spec is not None else PROJECT_ROOT / "spec"
        old = load_revision(args.since, new_path, scratch, config)
        return old, load_side(new_path, config)
    return load_side(args.sides[0], config), load_side(args.sides[1], config)


def _suggestion(current: str, bump: str, version: str | None) -> str:
    if bump == "none":
        return f"version stays {current}"
    return f"suggested bump: {bump} ({current} -> {version or '?'})"


def _release(pyproject: Path, config: Config, version: str | None, section: str) -> None:
    current = config.version
    if version is None:
        raise GeneratorError(f"{pyproject}: [tool.generator] version {current!r} is not X.Y.Z; cannot bump it")
    changelog = config.changelog or pyproject.parent / CHANGELOG_SOURCE
    prepend_section(changelog, section)
    write_version(pyproject, current, version)
    print(f"generator changes: version {current} -> {version} in {pyproject}; section prepended to {changelog}")
