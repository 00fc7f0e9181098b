"""Derive the client runtime's synchronous modules from its asynchronous ones, as httpcore does.

The asynchronous client (`_runtime/_async/`) is the one source; unasync removes `async` and
`await` and renames what differs (the names below), then black formats the result with the
generated package's settings. Both trees are committed, so each is plain Python where it
stands; `python -m generator.sync_twins` rewrites `_sync/`, `--check` fails if it is stale
(`make lint` runs it, and a test does).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from generator.config import PROJECT_ROOT, load_config

RENAMES = {
    "AsyncBaseClient": "BaseClient",
    "AsyncClient": "Client",
    "AsyncBaseTransport": "BaseTransport",
    "AsyncLock": "Lock",
    "async_sleep": "sleep",
    "async_in_thread": "in_thread",
    "async_resolve": "resolve",
    "async_running_loop": "running_loop",
    "AsyncCalls": "Calls",
    "AsyncListItems": "ListItems",
    "AsyncIterator": "Iterator",
    "aclose": "close",
    "aread": "read",
    "aiter_raw": "iter_raw",
}
"""Asynchronous names and their synchronous twins (unasync's own list adds `__aenter__` and co.)."""


def derive(runtime: Path) -> dict[Path, str]:
    """The synchronous twin of every module under `runtime/_async`, by its path under `runtime/_sync`."""
    import unasync  # type: ignore[import-untyped]  # a development tool without type hints

    from generator.format import format_python

    sources = sorted(p for p in (runtime / "_async").glob("*.py") if p.name != "__init__.py")
    twins: dict[Path, str] = {}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "_async"
        folder.mkdir()
        copies = [str(Path(shutil.copy(source, folder))) for source in sources]
        unasync.unasync_files(copies, [unasync.Rule("/_async/", "/_sync/", additional_replacements=RENAMES)])
        for source in sources:
            text = (Path(scratch) / "_sync" / source.name).read_text(encoding="utf-8")
            target = runtime / "_sync" / source.name
            twins[target] = format_python(str(target), text)
    return twins


def main(argv: list[str] | None = None) -> int:
    """Rewrite the `_sync` modules, or with `--check` exit 1 if any is stale."""
    parser = argparse.ArgumentParser(prog="python -m generator.sync_twins", description=__doc__)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if _sync/ is stale")
    args = parser.parse_args(argv)
    runtime = load_config(PROJECT_ROOT / "pyproject.toml").runtime
    stale = [path for path, text in derive(runtime).items() if not path.exists() or path.read_text() != text]
    if args.check:
        for path in stale:
            print(f"{path}: stale; run `python -m generator.sync_twins`", file=sys.stderr)
        return 1 if stale else 0
    for path, text in derive(runtime).items():
        path.write_text(text, encoding="utf-8")
    print(f"sync_twins: {len(stale)} rewritten", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
