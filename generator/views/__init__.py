"""Views: the model as each output target prints it, every value already safe for its place.

A target names its view in `[tool.generator] targets` (`view = "python"`); the view is built once
per run and is all its templates see. Adding a target is a template folder, one line of config,
and at most a view module here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.config import Config
from generator.model.ir import Api
from generator.runtime_facts import RuntimeFacts
from generator.views.docs import docs_view
from generator.views.python import python_view
from generator.views.tests import tests_view

View = Callable[[Api, Config, RuntimeFacts], Any]

VIEWS: dict[str, View] = {"python": python_view, "docs": docs_view, "tests": tests_view}
"""The views by the name a target gives in the configuration."""
