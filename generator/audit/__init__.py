"""`python -m generator audit`: compare spec files with the vendor's pages for their methods.

The vendor Markdown reader is `markdown`, what a page documents `page`, what a spec says
`spec_side`, the comparison `compare`, the accepted differences `accepted`, the command `cli`.
"""

from generator.audit.cli import run_audit

__all__ = ["run_audit"]
