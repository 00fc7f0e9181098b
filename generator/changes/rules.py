"""The classification table: every kind of change the comparison reports, and what it means for client code.

The verdicts judge the generated Python client, not the HTTP contract: a change is breaking when
code written against the old client may stop working (a name gone, a call refused, a value read
that the old type did not allow), a feature when the client gained something, a fix when only
what a person reads changed.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

Impact = Literal["breaking", "feature", "fix"]
IMPACTS: tuple[Impact, ...] = ("breaking", "feature", "fix")
"""The impacts, worst first."""

Rule = Literal[
    "method-removed",
    "method-renamed",
    "method-added",
    "iterator-removed",
    "iterator-added",
    "item-outcomes-removed",
    "item-outcomes-added",
    "context-removed",
    "context-added",
    "argument-removed",
    "argument-renamed",
    "argument-added-required",
    "argument-added-optional",
    "argument-now-required",
    "argument-now-optional",
    "argument-type-changed",
    "argument-type-narrowed",
    "argument-type-widened",
    "argument-enum-value-removed",
    "argument-enum-value-added",
    "argument-constraint-tightened",
    "argument-constraint-loosened",
    "result-field-removed",
    "result-field-renamed",
    "result-field-added",
    "result-field-now-optional",
    "result-field-now-guaranteed",
    "result-type-changed",
    "result-type-widened",
    "result-type-narrowed",
    "result-enum-value-added",
    "result-enum-value-removed",
    "record-renamed",
    "exception-removed",
    "exception-renamed",
    "exception-base-changed",
    "exception-added",
    "exception-base-added",
    "method-error-added",
    "method-error-removed",
    "deprecated",
    "docs-changed",
    "example-changed",
    "policy-changed",
    "wire-name-changed",
    "detail-changed",
    "spec-changed",
]


class RuleSpec(NamedTuple):
    """What a rule means: its impact and the words a report uses for it."""

    impact: Impact
    says: str


RULES: dict[Rule, RuleSpec] = {
    "method-removed": RuleSpec("breaking", "method removed"),
    "method-renamed": RuleSpec("breaking", "method renamed (same operationId)"),
    "method-added": RuleSpec("feature", "method added"),
    "iterator-removed": RuleSpec("breaking", "page iterator removed"),
    "iterator-added": RuleSpec("feature", "page iterator added"),
    "item-outcomes-removed": RuleSpec("breaking", "per-item outcomes (.failed) removed"),
    "item-outcomes-added": RuleSpec("feature", "per-item outcomes (.failed) added"),
    "context-removed": RuleSpec("breaking", "no longer callable in an auth context"),
    "context-added": RuleSpec("feature", "callable in another auth context"),
    "argument-removed": RuleSpec("breaking", "argument removed"),
    "argument-renamed": RuleSpec("breaking", "argument renamed (same wire name)"),
    "argument-added-required": RuleSpec("breaking", "required argument added"),
    "argument-added-optional": RuleSpec("feature", "optional argument added"),
    "argument-now-required": RuleSpec("breaking", "argument becomes required"),
    "argument-now-optional": RuleSpec("feature", "argument becomes optional"),
    "argument-type-changed": RuleSpec("breaking", "argument type changed"),
    "argument-type-narrowed": RuleSpec("breaking", "argument type narrowed"),
    "argument-type-widened": RuleSpec("feature", "argument type widened"),
    "argument-enum-value-removed": RuleSpec("breaking", "value no longer accepted"),
    "argument-enum-value-added": RuleSpec("feature", "value now accepted"),
    "argument-constraint-tightened": RuleSpec("breaking", "argument check tightened"),
    "argument-constraint-loosened": RuleSpec("feature", "argument check loosened"),
    "result-field-removed": RuleSpec("breaking", "result field removed"),
    "result-field-renamed": RuleSpec("breaking", "result field renamed (same wire name)"),
    "result-field-added": RuleSpec("feature", "result field added"),
    "result-field-now-optional": RuleSpec("breaking", "result field may now be None"),
    "result-field-now-guaranteed": RuleSpec("fix", "result field is now always present"),
    "result-type-changed": RuleSpec("breaking", "result field type changed"),
    "result-type-widened": RuleSpec("breaking", "result field type widened (readers meet new values)"),
    "result-type-narrowed": RuleSpec("fix", "result field type narrowed"),
    "result-enum-value-added": RuleSpec("breaking", "result field may hold a new value"),
    "result-enum-value-removed": RuleSpec("fix", "result field no longer holds a value"),
    "record-renamed": RuleSpec("breaking", "model class renamed"),
    "exception-removed": RuleSpec("breaking", "exception class removed"),
    "exception-renamed": RuleSpec("breaking", "exception class renamed (same error code)"),
    "exception-base-changed": RuleSpec("breaking", "exception class moved to another base"),
    "exception-added": RuleSpec("feature", "exception class added"),
    "exception-base-added": RuleSpec("feature", "exception class gained a base"),
    "method-error-added": RuleSpec("fix", "error documented for the method"),
    "method-error-removed": RuleSpec("fix", "error no longer documented for the method"),
    "deprecated": RuleSpec("fix", "deprecation changed"),
    "docs-changed": RuleSpec("fix", "documentation changed"),
    "example-changed": RuleSpec("fix", "examples changed"),
    "policy-changed": RuleSpec("fix", "scopes or retry policy changed"),
    "wire-name-changed": RuleSpec("fix", "name on the wire changed, the Python name kept"),
    "detail-changed": RuleSpec("fix", "schema detail changed, the Python API kept"),
    "spec-changed": RuleSpec("fix", "spec changed, the generated client's API kept"),
}


def impact_of(rule: Rule) -> Impact:
    """The impact of a change of kind `rule`."""
    return RULES[rule].impact


class Change(NamedTuple):
    """One change as it affects client code."""

    rule: Rule
    symbol: str
    """The Python symbol: `client.imconnector.delete_messages(line=...)`, `errors.ArgumentError`."""
    where: str
    """`file:line` in the new spec (in the old one for a removal)."""
    old: str = ""
    new: str = ""

    @property
    def impact(self) -> Impact:
        """Breaking, feature or fix."""
        return impact_of(self.rule)

    def sort_key(self) -> tuple[int, str, str, str, str]:
        """Worst first, then by symbol (stable output)."""
        return (IMPACTS.index(self.impact), self.symbol, self.rule, self.old, self.new)
