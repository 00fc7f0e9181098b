"""`python -m generator audit SPEC PAGE` and `audit SPEC_FOLDER DOCS_FOLDER`.

Prints every difference as `file:line: method: key: message`, sorted by file and line (accepted
ones only with `--show-accepted`), then a summary on stderr. Exit codes: 0 the spec and the
pages agree (after the accepted differences), 1 they differ (or an acceptance is stale), 2 bad
usage or input that cannot be read: a spec with problems, a page that cannot be read (no
parameter table, a broken table, a missing system-error include), an unusable accepted file.
Pages that can be read are still compared, and their differences printed, when another cannot.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

from generator.audit.accepted import FILE_NAME, Acceptance, judge, load_acceptances
from generator.audit.compare import Difference, compare_method
from generator.audit.page import page_method_name, read_method_page
from generator.audit.pairing import index_pages
from generator.audit.spec_side import SchemaReader, SpecMethod, spec_methods
from generator.loader import load_spec
from generator.problems import Problem
from generator.refs import check_refs
from generator.spec_files import display_path

EXIT_AGREE, EXIT_DIFFER, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        """Bad usage in one line, exit code 2."""
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message} (see --help)\n")


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = _Parser(
        prog="python -m generator audit",
        description="Compare spec files with the vendor's pages: arguments, types, required-ness, nested fields, "
        "result fields and error codes.",
    )
    parser.add_argument("spec", type=Path, help="a spec file, or the spec folder")
    parser.add_argument("page", type=Path, help="the method's vendor page, or the folder of vendor pages")
    parser.add_argument(
        "--accepted",
        type=Path,
        help=f"the accepted differences (default: {FILE_NAME} in the spec's folder, if there is one)",
    )
    parser.add_argument("--show-accepted", action="store_true", help="also print the accepted differences")
    return parser.parse_args(argv)


@dataclass
class _Report:
    differences: list[Difference] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)


def run_audit(argv: list[str]) -> int:
    """Run the audit with the command line `argv` (the words after `audit`); returns the exit code."""
    args = _parse(argv)
    spec, page = args.spec, args.page
    for path in (spec, page):
        if not path.exists():
            print(f"audit: {path}: no such file or folder", file=sys.stderr)
            return EXIT_BAD_INPUT
    if spec.is_dir() != page.is_dir():
        print("audit: give a spec file and its page, or a spec folder and a docs folder", file=sys.stderr)
        return EXIT_BAD_INPUT
    accepted_path = args.accepted or (spec if spec.is_dir() else spec.parent) / FILE_NAME
    acceptances: list[Acceptance] = []
    report = _Report()
    if args.accepted is not None or accepted_path.is_file():
        acceptances, problems = load_acceptances(accepted_path)
        report.problems.extend(problems)
    _audit(spec, page, report)
    verdict = judge(report.differences, acceptances, frozenset(report.methods), whole_spec=spec.is_dir())
    shown = [*verdict.open, *verdict.stale]
    lines = [(d.sort_key(), str(d)) for d in shown]
    lines += [(p.sort_key(), str(p)) for p in report.problems]
    if args.show_accepted:
        lines += [(d.sort_key(), f"{d} (accepted: {a.reason})") for d, a in verdict.accepted]
    for _, line in sorted(lines):
        print(line)
    counts = (
        _count(len(report.methods), "method"),
        _count(len(shown), "difference"),
        f"{len(verdict.accepted)} accepted",
        _count(len(report.problems), "problem") + " reading the input",
    )
    print("audit: " + ", ".join(counts), file=sys.stderr)
    if report.problems:
        return EXIT_BAD_INPUT
    return EXIT_DIFFER if shown else EXIT_AGREE


def _audit(spec: Path, docs: Path, report: _Report) -> None:
    """Compare every method of `spec` with its page (`docs` itself, or the page found in it)."""
    spec_set, problems = load_spec(spec)
    problems += check_refs(spec_set) if not problems else []
    if problems:
        report.problems.extend(problems)
        return
    reader = SchemaReader(spec_set)
    methods = [m for entry in spec_set.entries for m in spec_methods(reader, entry)]
    report.methods.extend(m.name for m in methods)
    if not methods:
        report.problems.append(Problem(display_path(spec), 1, "no method (no paths) in the spec"))
        return
    if docs.is_dir():
        pages, problems = index_pages(docs, frozenset(report.methods))
        report.problems.extend(problems)
    else:
        named, problem = page_method_name(docs)
        if problem is not None:
            report.problems.append(problem)
            return
        pages = {m.name: docs for m in methods if m.name == named}
        if not pages:
            report.problems.append(
                Problem(display_path(docs), 1, f"the page is for {named}, not for {', '.join(m.name for m in methods)}")
            )
            return
    for method in methods:
        _audit_method(method, pages.get(method.name), reader, report)


def _audit_method(method: SpecMethod, page_path: Path | None, reader: SchemaReader, report: _Report) -> None:
    if page_path is None:
        report.differences.append(
            Difference(method.name, "no-page", method.where, "no vendor page documents this method")
        )
        return
    page, problems = read_method_page(page_path)
    if page is None:
        report.problems.extend(problems)
        return
    report.differences.extend(compare_method(page, method, reader))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
