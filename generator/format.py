"""Format generated Python with black, in-process, with one pinned configuration.

black is imported only when a file is not already in the cache, and a large batch of files is
formatted by one worker process per core.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from generator.cache import NO_CACHE, Cache, digest
from generator.problems import GeneratorError
from generator.render import RenderedFile
from generator.workers import map_batches, worker_count

if TYPE_CHECKING:
    from black.mode import Mode

LINE_LENGTH = 100
TARGET = "PY310"
# Everything that shapes black's output besides its version; the cache key is made from it.
MODE_SETTINGS = {"target_versions": TARGET, "line_length": LINE_LENGTH, "string_normalization": True}
PARALLEL_FROM = 8  # files to format before forking workers pays off


class GeneratedCodeError(GeneratorError):
    """A template produced Python that does not parse: a template bug, reported with the file."""


def black_mode() -> Mode:
    """The one black configuration (with black's exact version pinned in pyproject.toml)."""
    from black.mode import Mode, TargetVersion

    return Mode(
        target_versions={TargetVersion[TARGET]},
        line_length=LINE_LENGTH,
        string_normalization=bool(MODE_SETTINGS["string_normalization"]),
    )


def _cache_key(source: str) -> str:
    from importlib.metadata import version

    return digest("black", version("black"), repr(sorted(MODE_SETTINGS.items())), source)


def format_python(path: str, source: str) -> str:
    """`source` formatted by black; code that does not parse is a `GeneratedCodeError`."""
    import black
    from black.parsing import InvalidInput

    try:
        ast.parse(source, filename=path)
        return black.format_str(source, mode=black_mode())
    except SyntaxError as exc:
        raise GeneratedCodeError(f"{path}:{exc.lineno}: generated code does not parse: {exc.msg}") from None
    except InvalidInput as exc:
        raise GeneratedCodeError(f"{path}: black cannot format the generated code: {exc}") from None


def __getattr__(name: str) -> object:
    # BLACK_MODE is built on first use, so that importing this module does not import black.
    if name == "BLACK_MODE":
        return black_mode()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _format_batch(batch: list[tuple[str, str]]) -> list[str]:
    return [format_python(path, source) for path, source in batch]


def format_files(files: list[RenderedFile], cache: Cache = NO_CACHE) -> list[RenderedFile]:
    """`files` with every Python file formatted, reusing cached results where the input is known."""
    result = list(files)
    pending: list[tuple[int, str]] = []
    keys: dict[int, str] = {}
    for index, rendered in enumerate(files):
        if not rendered.path.endswith(".py") or rendered.verbatim:
            continue
        key = _cache_key(rendered.content)
        cached = cache.get("black", key)
        text = _text_or_none(cached)
        if text is not None:
            result[index] = RenderedFile(rendered.path, text)
        else:
            pending.append((index, rendered.content))
            keys[index] = key
    formatted = _format_all([(files[i].path, source) for i, source in pending])
    for (index, _), content in zip(pending, formatted, strict=True):
        result[index] = RenderedFile(files[index].path, content)
        cache.put("black", keys[index], content.encode("utf-8"))
    return result


def _text_or_none(entry: bytes | None) -> str | None:
    if entry is None:
        return None
    try:
        return entry.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _format_all(jobs: list[tuple[str, str]]) -> list[str]:
    workers = worker_count()
    if len(jobs) < PARALLEL_FROM or workers < 2:
        return _format_batch(jobs)
    import black  # noqa: F401 - imported once here, inherited by every forked worker

    # Interleave so each worker gets a similar mix of large and small files.
    batches = [jobs[i::workers] for i in range(workers)]
    parts = map_batches(_format_batch, batches)
    out: list[str] = [""] * len(jobs)
    for i, part in enumerate(parts):
        out[i::workers] = part
    return out
