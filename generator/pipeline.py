"""The whole run: spec folder in, files out. Used by the command line and by the tests."""

from __future__ import annotations

import gc
from pathlib import Path

from generator.cache import NO_CACHE, Cache
from generator.config import Config
from generator.format import format_files
from generator.loader import load_spec
from generator.manifest import MANIFEST_NAME, render_manifest
from generator.model import build_model
from generator.model.ir import Api
from generator.problems import SpecError
from generator.refs import check_refs
from generator.render import RenderedFile, render_all
from generator.runtime_facts import runtime_facts
from generator.validate import validate_spec


def load_api(spec_path: Path, config: Config, cache: Cache = NO_CACHE) -> Api:
    """Load, resolve, validate and model the spec; raises `SpecError` with every problem."""
    spec, problems = load_spec(spec_path)
    problems += check_refs(spec)
    if not problems:
        # The validator follows $refs itself; run it only once they are known to resolve.
        problems += validate_spec(spec, cache)
    if problems:
        raise SpecError(problems)
    api, problems = build_model(spec, runtime_facts(config.runtime))
    if api is None or problems:
        raise SpecError(problems)
    return api


def generate(spec_path: Path, config: Config, cache: Cache = NO_CACHE) -> list[RenderedFile]:
    """Every output file for the spec at `spec_path`, formatted, in a stable order, and the manifest.

    With a `cache`, validation and formatting of inputs seen before are skipped. The garbage
    collector is off meanwhile: a run builds a large, long-lived heap and little cyclic garbage,
    and collections that walk it again and again made every stage superlinear (measured at 1,646
    methods: 44 s with it, 32 s without, the same peak memory).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _generate(spec_path, config, cache)
    finally:
        if collecting:
            gc.enable()


def _generate(spec_path: Path, config: Config, cache: Cache) -> list[RenderedFile]:
    api = load_api(spec_path, config, cache)
    files = format_files(render_all(api, config, runtime_facts(config.runtime), cache), cache)
    manifest = render_manifest({f.path: f.content.encode("utf-8") for f in files})
    return sorted([*files, RenderedFile(MANIFEST_NAME, manifest.decode("utf-8"))], key=lambda f: f.path)
