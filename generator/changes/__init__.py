"""`python -m generator changes`: every change between two spec versions, as the generated client's
public API sees it, classified breaking / feature / fix, with the semver bump it calls for.

    sides        load each side (a folder, a file, or the spec at a git revision) through the pipeline
    places       the spec's `file:line` of each symbol
    compare      methods (operations), records (records, fields), exceptions (exceptions)
    rules        the classification table
    semver       the bump rule
    report       the lines and the changelog section
    release      --bump: the version in pyproject.toml, the changelog source
    cli          the command line
"""

from __future__ import annotations

from generator.changes.cli import run_changes

__all__ = ["run_changes"]
