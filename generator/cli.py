"""Command line: `python -m generator [--spec PATH] [--out DIR] [--check]`.

Exit codes: 0 done (or up to date), 1 `--check` found stale output, 2 bad spec or usage.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from generator.cache import NO_CACHE, Cache
from generator.config import PROJECT_ROOT, load_config
from generator.pipeline import generate
from generator.problems import GeneratorError
from generator.write import compare, unified_diff, write_tree

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
    parser.add_argument("--no-cache", action="store_true", help="ignore and do not fill the cache (.cache/generator)")
    parser.add_argument("--config", type=Path, default=PROJECT_ROOT / "pyproject.toml", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the generator; returns the exit code."""
    args = parse_args(argv)
    started = time.perf_counter()
    try:
        if not args.spec.exists():
            raise GeneratorError(f"{args.spec}: no such file or folder")
        config = load_config(args.config)
        files = generate(args.spec, config, NO_CACHE if args.no_cache else Cache.default())
        changes, old, new = compare(args.out, files)
        if args.check:
            if changes.stale:
                sys.stdout.write(unified_diff(args.out, changes, old, new))
                names = ", ".join((*changes.added, *changes.changed, *changes.removed))
                print(f"generator: {args.out} is stale: {names}; run `make generate`", file=sys.stderr)
                return EXIT_STALE
            print(f"generator: {args.out} is up to date ({len(files)} files)", file=sys.stderr)
            return EXIT_OK
        write_tree(args.out, changes, new)
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
        f"{changes.unchanged} unchanged in {args.out} ({elapsed:.2f}s)",
        file=sys.stderr,
    )
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
