"""Problems found in a spec, and the generator's exception hierarchy.

While a stage collects problems it returns them as values (`Problem`), so that every problem in
a spec is reported in one run. At the edges the pipeline raises:

- `GeneratorError`: base of everything the generator raises on purpose.
  - `SpecError`: the spec is broken; carries every `Problem` found (exit code 2).
  - `UsageError`: bad command line or configuration (exit code 2).
  - `OutputError`: the output directory could not be read or written (exit code 2).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a spec, located by file, line and JSON pointer (None: no node)."""

    file: str
    line: int
    message: str
    pointer: str | None = None

    def sort_key(self) -> tuple[str, int, str, str]:
        """Problems are reported by file, then line."""
        return (self.file, self.line, self.pointer or "", self.message)

    def __str__(self) -> str:
        where = "" if self.pointer is None else f" (at {self.pointer or '/'})"
        return f"{self.file}:{self.line}: {self.message}{where}"


class GeneratorError(Exception):
    """Base class of the errors the generator reports to its user."""


class SpecError(GeneratorError):
    """The spec has one or more problems; all of them are in `problems`."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems), key=Problem.sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(GeneratorError):
    """The command line or the configuration is wrong."""


class OutputError(GeneratorError):
    """The output directory could not be read or written."""
