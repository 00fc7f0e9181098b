"""The command line's work: parse the arguments, generate, compare or update the output folder.

Exit codes: 0 done (or up to date), 1 `--check` found stale output, 2 bad spec, usage or output
folder. Ctrl-C is turned into exit code 130 by `generator.__main__`.

`python -m generator audit ...` and `python -m generator changes ...` are the maintainer's
other two commands; each lives in its own package and parses its own arguments.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from generator.cache import NO_CACHE, Cache
from generator.config import PROJECT_ROOT, load_config
from generator.destination import check_destination
from generator.interrupts import Interrupted
from generator.pipeline import generate
from generator.problems import GeneratorError
from generator.write import check_folder, unified_diff, update_folder

EXIT_OK, EXIT_STALE, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        """Report bad usage in one line with exit code 2 (argparse prints its usage as well)."""
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message} (see --help)\n")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line as a namespace."""
    parser = _Parser(prog="python -m generator", description="Generate the client, docs and tests from spec/.")
    parser.add_argument(
        "--spec", type=Path, default=PROJECT_ROOT / "spec", help="a spec file or folder (default: spec/)"
    )
    parser.add_argument(
        "--out", type=Path, default=PROJECT_ROOT / "generated", help="output folder (default: generated/)"
    )
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 and print a diff if --out is stale")
    parser.add_argument(
        "--force",
        action="store_true",
        help="write even into a folder that holds project sources or files the generator did not write, "
        "and overwrite such files at generated paths",
    )
    parser.add_argument("--no-cache", action="store_true", help="ignore and do not fill the cache (.cache/generator)")
    parser.add_argument("--config", type=Path, default=PROJECT_ROOT / "pyproject.toml", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


SUBCOMMANDS = ("audit", "changes")
"""The first word of a command line that runs another command than generation."""


def run(argv: list[str] | None = None) -> int:
    """Run the generator (or the subcommand `argv` names) with the command line `argv`; returns
    the exit code."""
    words = sys.argv[1:] if argv is None else argv
    if words and words[0] == "audit":
        from generator.audit import run_audit

        return run_audit(words[1:])
    if words and words[0] == "changes":
        from generator.changes import run_changes

        return run_changes(words[1:])
    return _run(parse_args(words))


def _run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    out = args.out.resolve()
    try:
        if not args.spec.exists() and not args.spec.is_symlink():
            raise GeneratorError(f"{args.spec}: no such file or folder")
        config = load_config(args.config)
        if not args.check:
            check_destination(out, args.spec, config, args.config, force=args.force)
        files = generate(args.spec, config, NO_CACHE if args.no_cache else Cache.default())
        if args.check:
            comparison, interrupted = check_folder(out, files)
            if interrupted:
                print(
                    f"generator: a run was killed while updating {out}; run the generator to repair it", file=sys.stderr
                )
                return EXIT_STALE
            changes = comparison.changes
            if changes.stale:
                sys.stdout.write(unified_diff(out, comparison))
                names = ", ".join((*changes.added, *changes.changed, *changes.removed))
                print(f"generator: {out} is stale: {names}; run `make generate`", file=sys.stderr)
                return EXIT_STALE
            print(f"generator: {out} is up to date ({len(files)} files)", file=sys.stderr)
            return EXIT_OK
        changes = update_folder(out, files, force=args.force)
    except Interrupted:
        raise  # the caller reports it, with its own exit code
    except GeneratorError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:  # a person gets one line, never a traceback
        if os.environ.get("GENERATOR_DEBUG"):
            raise
        print(
            f"generator: internal error: {type(exc).__name__}: {exc} (set GENERATOR_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    elapsed = time.perf_counter() - started
    print(
        f"generator: {len(changes.added)} added, {len(changes.changed)} changed, {len(changes.removed)} removed, "
        f"{changes.unchanged} unchanged in {out} ({elapsed:.2f}s)",
        file=sys.stderr,
    )
    return EXIT_OK
