"""The version bump a set of changes calls for.

From 1.0.0 on: breaking -> major, feature -> minor, fix -> patch. Before 1.0.0 (0.y.z), the
usual convention (Cargo's, and semver's own advice that 0.y is for initial development):
breaking -> minor, feature or fix -> patch. No change: no bump.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from generator.changes.rules import Change

Bump = Literal["major", "minor", "patch", "none"]
VERSION = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")


def suggest_bump(changes: Iterable[Change], version: str) -> Bump:
    """The bump of `version` that `changes` call for (a version that is not X.Y.Z is taken as 1.0.0 or later)."""
    impacts = {c.impact for c in changes}
    initial = version.startswith("0.")
    if "breaking" in impacts:
        return "minor" if initial else "major"
    if "feature" in impacts:
        return "patch" if initial else "minor"
    return "patch" if "fix" in impacts else "none"


def bumped(version: str, bump: Bump) -> str | None:
    """`version` after `bump`; None when it is not a plain `X.Y.Z`."""
    match = VERSION.match(version)
    if match is None:
        return None
    major, minor, patch = (int(part) for part in match.groups())
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    if bump == "patch":
        return f"{major}.{minor}.{patch + 1}"
    return version
