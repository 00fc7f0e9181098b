"""Which vendor page documents which method: a docs folder indexed by the pages' titles.

A method's page is found by its title (`# Update Status to "Read" imconnector.send.status.reading`),
not by its file name, so pages may sit anywhere under the folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from generator.audit.page import page_method_name
from generator.problems import Problem
from generator.spec_files import display_path


def index_pages(docs: Path, wanted: frozenset[str]) -> tuple[dict[str, Path], list[Problem]]:
    """The page of each method in `wanted` found under `docs`; two pages for one method are a problem.

    Pages without a method title (indexes, includes, guides) are not method pages and are skipped.
    """
    found: dict[str, list[Path]] = {}
    for root, dirs, names in os.walk(docs):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if not name.endswith(".md") or name.startswith("."):
                continue
            path = Path(root) / name
            method, _ = page_method_name(path)
            if method in wanted:
                found.setdefault(method, []).append(path)
    pages: dict[str, Path] = {}
    problems: list[Problem] = []
    for method, paths in sorted(found.items()):
        pages[method] = paths[0]
        if len(paths) > 1:
            others = ", ".join(display_path(p) for p in paths[1:])
            problems.append(Problem(display_path(paths[0]), 1, f"{method} has more than one page: also {others}"))
    return pages, problems
