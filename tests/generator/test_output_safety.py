"""The generator never destroys or corrupts a maintainer's files.

Faults a maintainer or CI meets, each done for real: a wrong `--out`, files of the user's at
generated paths, a folder in the way, I/O errors at the k-th file, SIGKILL and Ctrl-C sent to a
real child process at random moments, two runs at once, a damaged cache, unreadable spec files,
symlinks, the umask.
"""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import generator.swap as swap
from generator.__main__ import main
from generator.cache import Cache
from generator.config import PROJECT_ROOT, Config
from generator.lock import locked
from generator.manifest import MANIFEST_NAME, file_digest
from generator.pipeline import generate
from generator.problems import OutputError, SpecError
from generator.render import RenderedFile
from generator.swap import WORK_DIR, recover
from generator.write import CACHE_DIRS, CACHE_SUFFIXES, update_folder
from tests.support import GENERATED_DIR, SPEC_DIR, run_generator

Tree = dict[str, bytes]
SKIPPED = CACHE_DIRS - {WORK_DIR}


def tree(folder: Path) -> Tree:
    """Every file under `folder`, links not followed, caches skipped, the work folder included."""
    files: Tree = {}
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in SKIPPED and not d.endswith(CACHE_SUFFIXES)]
        for name in names:
            if name.endswith(CACHE_SUFFIXES):
                continue
            path = Path(root) / name
            files[path.relative_to(folder).as_posix()] = path.read_bytes() if not path.is_symlink() else b"<link>"
    return files


def copy_generated(target: Path) -> Path:
    shutil.copytree(GENERATED_DIR, target, ignore=shutil.ignore_patterns(*SKIPPED, "*.egg-info"))
    return target


def renamed_spec(folder: Path) -> Path:
    """The real spec with its method renamed: the new tree adds, changes and removes files."""
    shutil.copytree(SPEC_DIR, folder, ignore=shutil.ignore_patterns("*.md"))
    old = folder / "imconnector.delete.messages.yaml"
    text = old.read_text(encoding="utf-8").replace("imconnector.delete.messages", "imconnector.erase.messages")
    (folder / "imconnector.erase.messages.yaml").write_text(text, encoding="utf-8")
    old.unlink()
    return folder


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory, config: Config) -> tuple[Path, Tree, Tree]:
    """A renamed-method spec, the old tree (generated/ as committed) and the new tree it gives."""
    base = tmp_path_factory.mktemp("trees")
    spec = renamed_spec(base / "spec")
    new_out = base / "new"
    update_folder(new_out, generate(spec, config), force=False)
    old, new = tree(GENERATED_DIR), tree(new_out)
    assert len(set(old) - set(new)) >= 3 and len(set(new) - set(old)) >= 3
    assert sum(1 for p in set(old) & set(new) if old[p] != new[p]) >= 5
    return spec, old, new


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory: pytest.TempPathFactory, trees: tuple[Path, Tree, Tree]) -> dict[str, str]:
    """An environment whose cache already holds the results for both specs (child runs are quick)."""
    env = {**os.environ, "GENERATOR_CACHE_DIR": str(tmp_path_factory.mktemp("cache"))}
    scratch = tmp_path_factory.mktemp("warm")
    for spec, out in ((trees[0], scratch / "a"), (SPEC_DIR, scratch / "b")):
        assert run_generator("--spec", spec, "--out", out, env=env).code == 0
    return env


def no_leftovers(folder: Path) -> None:
    leftovers = [p for p in tree(folder) if p.startswith(WORK_DIR) or p.endswith(".tmp")]
    assert not (folder / WORK_DIR).exists() and not leftovers, leftovers


# -- 1. a wrong --out ----------------------------------------------------------------------------


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A copy of the project, as a maintainer's checkout: sources, spec, templates, generated/."""
    copy = tmp_path / "checkout"
    shutil.copytree(
        PROJECT_ROOT,
        copy,
        symlinks=True,
        ignore=shutil.ignore_patterns(".git", ".venv", ".cache", "__pycache__", "*.egg-info", ".pytest_cache"),
    )
    return copy


@pytest.mark.parametrize("out", [".", "..", "spec", "templates/docs"])
def test_an_output_folder_holding_or_inside_the_project_is_refused_and_nothing_changes(
    project_copy: Path, out: str
) -> None:
    other = project_copy.parent / "other-checkout" / "generated"
    copy_generated(other)
    before = tree(project_copy.parent)

    run = subprocess.run(
        [sys.executable, "-m", "generator", "--out", out], cwd=project_copy, capture_output=True, text=True, check=False
    )

    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "refusing --out" in run.stderr and "--force" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
    assert tree(project_copy.parent) == before


def test_another_checkouts_folder_is_refused_because_it_holds_files_the_generator_did_not_write(
    tmp_path: Path,
) -> None:
    other = tmp_path / "other"
    copy_generated(other / "generated")
    (other / "README.md").write_text("another project", encoding="utf-8")
    before = tree(other)

    run = run_generator("--out", other)

    assert run.code == 2 and run.stderr.count("\n") == 1, run.stderr
    assert "holds files the generator did not write" in run.stderr and "--force" in run.stderr
    assert tree(other) == before


def test_force_writes_into_a_foreign_folder_but_removes_nothing_of_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")

    assert run_generator("--out", out, "--force").code == 0

    assert (out / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert (out / MANIFEST_NAME).exists()
    assert "keep.txt" not in (out / MANIFEST_NAME).read_text(encoding="utf-8")


def test_a_folder_of_exactly_the_generated_files_without_a_manifest_is_adopted(tmp_path: Path) -> None:
    out = copy_generated(tmp_path / "out")
    (out / MANIFEST_NAME).unlink()
    run = run_generator("--out", out)
    assert run.code == 0, run.stderr
    assert " 1 added, 0 changed, 0 removed" in run.stderr


# -- 2. user files at generated paths ------------------------------------------------------------


def test_a_users_file_at_a_generated_path_is_not_overwritten_without_force(tmp_path: Path) -> None:
    out = copy_generated(tmp_path / "out")
    manifest = (out / MANIFEST_NAME).read_text(encoding="utf-8")
    (out / MANIFEST_NAME).write_text(manifest.replace('  "docs/index.md"', '  "docs/index-old.md"'), encoding="utf-8")
    (out / "docs" / "index.md").write_text("my own index", encoding="utf-8")
    before = tree(out)

    refused = run_generator("--out", out)
    assert refused.code == 2
    assert "docs/index.md: exists but the generator did not write it" in refused.stderr and "--force" in refused.stderr
    assert tree(out) == before

    assert run_generator("--out", out, "--force").code == 0
    assert (out / "docs" / "index.md").read_bytes() == (GENERATED_DIR / "docs" / "index.md").read_bytes()


def test_a_generated_file_edited_by_hand_is_not_overwritten_without_force(tmp_path: Path, spec_copy: Path) -> None:
    out = copy_generated(tmp_path / "out")
    page = out / "docs" / "imconnector.delete.messages.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nmy note\n", encoding="utf-8")
    method = spec_copy / "imconnector.delete.messages.yaml"
    method.write_text(method.read_text(encoding="utf-8").replace("Delete sent messages", "Delete messages"))
    before = tree(out)

    refused = run_generator("--spec", spec_copy, "--out", out)
    assert refused.code == 2 and "was edited since the generator wrote it" in refused.stderr
    assert tree(out) == before
    assert run_generator("--spec", spec_copy, "--out", out, "--force").code == 0
    assert "my note" not in page.read_text(encoding="utf-8")


def test_a_note_quoting_the_generated_header_is_never_removed(tmp_path: Path) -> None:
    out = copy_generated(tmp_path / "out")
    header = (out / "docs" / "index.md").read_bytes()
    (out / "docs" / "index.orig.md").write_bytes(header)
    (out / "docs" / "notes.md").write_bytes(b"Generated by `python -m generator` from spec/ is what the header says\n")

    for args in ((), ("--force",)):
        assert run_generator("--out", out, *args).code == 0
        assert (out / "docs" / "index.orig.md").read_bytes() == header
        assert (out / "docs" / "notes.md").exists()


# -- 3. a failed or interrupted run leaves the old tree -------------------------------------------


def test_a_folder_in_the_way_of_a_generated_file_stops_the_run_before_anything_is_written(
    tmp_path: Path, trees: tuple[Path, Tree, Tree]
) -> None:
    spec, _, _ = trees
    out = copy_generated(tmp_path / "out")
    (out / "docs" / "index.md").unlink()
    (out / "docs" / "index.md").mkdir()
    (out / "docs" / "index.md" / "mine.txt").write_text("mine", encoding="utf-8")
    before = tree(out)

    run = run_generator("--spec", spec, "--out", out)

    assert run.code == 2 and "docs/index.md: is a folder where the generator writes a file" in run.stderr
    assert tree(out) == before
    no_leftovers(out)


def failing_at(
    k: int, real: Callable[..., Any], error: OSError, counts: Callable[..., bool] = lambda *a, **kw: True
) -> Any:
    """`real`, except that its k-th counted call raises `error`."""
    calls = 0

    def call(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        if counts(*args, **kwargs):
            calls += 1
            if calls == k:
                raise error
        return real(*args, **kwargs)

    return call


@pytest.mark.parametrize("operation", ["replace", "unlink"])
def test_an_io_error_at_any_step_of_the_swap_leaves_the_old_tree(
    tmp_path: Path, trees: tuple[Path, Tree, Tree], config: Config, monkeypatch: pytest.MonkeyPatch, operation: str
) -> None:
    spec, old, new = trees
    files = generate(spec, config)
    if operation == "replace":
        steps = len(set(new) - set(old)) + sum(1 for p in new if p in old and old[p] != new[p])
    else:
        steps = len(set(old) - set(new))
    error = OSError(errno.EIO, "Input/output error (injected)")
    for k in range(1, steps + 1):
        out = copy_generated(tmp_path / f"{operation}-{k}")
        if operation == "replace":
            monkeypatch.setattr(swap.os, "replace", failing_at(k, os.replace, error))
        else:
            monkeypatch.setattr(Path, "unlink", failing_at(k, Path.unlink, error))
        with pytest.raises(OutputError, match="injected") as raised:
            update_folder(out, files, force=False)
        monkeypatch.undo()
        assert "is as it was" in str(raised.value)
        assert tree(out) == old, f"{operation} #{k}"
        no_leftovers(out)


def test_a_full_disk_while_staging_leaves_the_old_tree(
    tmp_path: Path, trees: tuple[Path, Tree, Tree], config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, old, new = trees
    files = generate(spec, config)
    full = OSError(errno.ENOSPC, "No space left on device")
    written = len(set(new) - set(old)) + sum(1 for p in new if p in old and old[p] != new[p])
    for k in (1, written // 2, written):
        out = copy_generated(tmp_path / f"full-{k}")
        staged = failing_at(k, Path.open, full, counts=lambda self, mode="r", *a, **kw: mode == "xb")
        monkeypatch.setattr(Path, "open", staged)
        with pytest.raises(OutputError, match="No space left on device"):
            update_folder(out, files, force=False)
        monkeypatch.undo()
        assert tree(out) == old
        no_leftovers(out)


def test_a_failed_first_run_into_a_new_folder_leaves_no_folder(
    tmp_path: Path, trees: tuple[Path, Tree, Tree], config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = generate(trees[0], config)
    monkeypatch.setattr(swap.os, "replace", lambda src, dst: (_ for _ in ()).throw(OSError(errno.EIO, "injected")))
    with pytest.raises(Exception, match="injected"):
        update_folder(tmp_path / "a" / "b" / "out", files, force=False)
    assert not (tmp_path / "a").exists()


def start_child(spec: Path, out: Path, env: dict[str, str], slow: float) -> subprocess.Popen[str]:
    """The generator in a process group of its own, as a terminal runs it (Ctrl-C reaches the group)."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.generator.child_generator", "--spec", str(spec), "--out", str(out)],
        cwd=PROJECT_ROOT,
        env={**env, "SLOW_SWAP_SECONDS": str(slow)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def send(child: subprocess.Popen[str], sig: signal.Signals) -> None:
    """SIGINT as Ctrl-C sends it (to the whole group), SIGKILL as `kill -9 PID` does (to one process)."""
    if sig == signal.SIGINT:
        os.killpg(child.pid, sig)
    else:
        child.send_signal(sig)


def child_duration(spec: Path, out: Path, env: dict[str, str], slow: float) -> float:
    """Seconds from the child's "started" to its end."""
    copy_generated(out)
    child = start_child(spec, out, env, slow)
    assert child.stdout is not None and child.stdout.readline() == "started\n"
    started = time.monotonic()
    assert child.wait(timeout=60) == 0, child.communicate()
    duration = time.monotonic() - started
    shutil.rmtree(out)
    return duration


@pytest.mark.parametrize(("sig", "runs"), [(signal.SIGKILL, 30), (signal.SIGINT, 10)], ids=["SIGKILL", "SIGINT"])
def test_a_signal_at_a_random_moment_leaves_the_old_tree_or_the_new_one(
    tmp_path: Path,
    trees: tuple[Path, Tree, Tree],
    warm_cache: dict[str, str],
    config: Config,
    sig: signal.Signals,
    runs: int,
) -> None:
    spec, old, new = trees
    slow = 0.01  # the swap then takes about a third of a run, so many signals land inside it
    duration = child_duration(spec, tmp_path / "timing", warm_cache, slow)
    files = generate(spec, config, Cache(Path(warm_cache["GENERATOR_CACHE_DIR"])))
    rng = random.Random(8)
    seen = {"old": 0, "new": 0, "repaired": 0}
    for run in range(runs):
        out = copy_generated(tmp_path / f"run-{run}")
        child = start_child(spec, out, warm_cache, slow)
        # From when the program runs (a Ctrl-C inside the interpreter's own start-up is Python's).
        assert child.stdout is not None and child.stdout.readline() == "started\n"
        time.sleep(rng.uniform(0, duration))
        send(child, sig)
        _, stderr = child.communicate(timeout=60)
        if sig == signal.SIGINT:
            assert child.returncode in (0, 130), stderr
            assert "Traceback" not in stderr and stderr.count("\n") <= 1 + ("waiting" in stderr), stderr
            if child.returncode == 130:
                assert "interrupted" in stderr
        left = {p: c for p, c in tree(out).items() if not p.startswith(WORK_DIR + "/")}
        state = "old" if left == old else "new" if left == new else "mixed"
        if state == "mixed":
            assert (out / WORK_DIR / swap.JOURNAL).exists(), "a mixed tree must carry the journal that repairs it"
            state = "repaired"
        recover(out)  # what the next run does first
        assert tree(out) in (old, new)
        seen[state] += 1
        update_folder(out, files, force=False)  # the next run
        assert tree(out) == new
        no_leftovers(out)
    print(f"{sig.name} x{runs}: {seen}")
    assert sum(seen.values()) == runs


# -- 4. two runs at once -------------------------------------------------------------------------


def test_two_runs_at_once_both_finish_and_leave_one_whole_tree(
    tmp_path: Path, trees: tuple[Path, Tree, Tree], warm_cache: dict[str, str]
) -> None:
    spec, old, new = trees
    for pair in range(6):
        out = copy_generated(tmp_path / f"pair-{pair}")
        first = start_child(spec, out, warm_cache, 0.005)
        second = start_child(SPEC_DIR, out, warm_cache, 0.005)
        results = [(child.wait(timeout=60), child.communicate()[1]) for child in (first, second)]
        assert [code for code, _ in results] == [0, 0], results
        assert tree(out) in (old, new)
        no_leftovers(out)


def test_a_run_waits_while_another_holds_the_folder(tmp_path: Path, warm_cache: dict[str, str]) -> None:
    out = copy_generated(tmp_path / "out")
    with locked(out, exclusive=True):
        child = start_child(SPEC_DIR, out, warm_cache, 0)
        assert child.stderr is not None
        first_line = child.stderr.readline()  # blocks until the child says something, or ends
        assert "waiting for another run" in first_line
        time.sleep(0.5)
        assert child.poll() is None, "the second run must wait for the lock"
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 0, stderr
    assert "0 changed, 0 removed" in stderr


# -- 5. a damaged cache --------------------------------------------------------------------------


def damage(entry: Path, how: int) -> None:
    data = entry.read_bytes()
    if how == 0:
        entry.write_bytes(data[: len(data) // 2])
    elif how == 1:
        entry.write_bytes(b"")
    elif how == 2:
        entry.write_bytes(data[:-1] + bytes([data[-1] ^ 0x01]))
    else:
        entry.write_bytes(b"\x00" * 40 + b"not what was stored")


def test_a_damaged_cache_gives_the_same_output_as_no_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {**os.environ, "GENERATOR_CACHE_DIR": str(cache)}
    assert run_generator("--out", tmp_path / "fill", env=env).code == 0
    entries = sorted(p for p in cache.rglob("*") if p.is_file() and not p.name.startswith(".tmp"))
    kinds = {p.relative_to(cache).parts[0] for p in entries}
    assert {"format", "validate", "jinja"} <= kinds
    for i, entry in enumerate(entries):
        damage(entry, i % 4)

    damaged = run_generator("--out", tmp_path / "damaged", env=env)
    assert damaged.code == 0, damaged.stderr
    assert run_generator("--out", tmp_path / "plain", "--no-cache").code == 0
    assert tree(tmp_path / "damaged") == tree(tmp_path / "plain")

    for i, entry in enumerate(entries):
        if entry.exists():
            damage(entry, i % 4)
    check = run_generator("--out", tmp_path / "plain", "--check", env=env)
    assert check.code == 0, check.stderr
    stale = tmp_path / "plain" / "docs" / "index.md"
    stale.write_text("stale", encoding="utf-8")
    assert run_generator("--out", tmp_path / "plain", "--check", env=env).code == 1


# -- 6 and 7. hostile and unreadable spec files (also in the bad-spec corpus) ---------------------


@pytest.mark.parametrize("kind", ["dangling link", "fifo"])
def test_a_spec_file_that_cannot_be_read_is_reported_and_nothing_is_removed(
    tmp_path: Path, spec_copy: Path, kind: str
) -> None:
    out = copy_generated(tmp_path / "out")
    before = tree(out)
    method = spec_copy / "imconnector.delete.messages.yaml"
    method.unlink()
    if kind == "fifo":
        os.mkfifo(method)
    else:
        method.symlink_to(spec_copy / "nowhere.yaml")

    run = run_generator("--spec", spec_copy, "--out", out)

    assert run.code == 2
    assert "imconnector.delete.messages.yaml:1: cannot read the spec file" in run.stderr
    assert ("named pipe" if kind == "fifo" else "symbolic link to a file that does not exist") in run.stderr
    assert tree(out) == before


# -- 8. no worker outlives the generator -----------------------------------------------------------


def descendants(pid: int) -> set[int]:
    children: set[int] = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                children.add(int(entry.name))
    return children


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process trees from /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_killed_while_formatting_the_generator_leaves_no_worker_running(tmp_path: Path, sig: signal.Signals) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "generator", "--no-cache", "--out", str(tmp_path / "out")],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while not workers and child.poll() is None and time.monotonic() < deadline:
        workers = descendants(child.pid)
        time.sleep(0.01)
    assert workers, "the generator formats the real spec's files in worker processes"
    send(child, sig)
    _, stderr = child.communicate(timeout=60)
    deadline = time.monotonic() + 5
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(w) for w in workers)
    if sig == signal.SIGINT:
        assert child.returncode == 130 and stderr.count("\n") == 1 and "Traceback" not in stderr, stderr


# -- 9. permissions and links -----------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_files_are_written_with_the_umasks_permissions(tmp_path: Path, config: Config, umask: int) -> None:
    files = [RenderedFile("docs/a.md", "a\n"), RenderedFile(MANIFEST_NAME, "{}\n")]
    previous = os.umask(umask)
    try:
        update_folder(tmp_path / "out", files, force=False)
    finally:
        os.umask(previous)
    for path in ("docs/a.md", MANIFEST_NAME):
        assert stat.S_IMODE((tmp_path / "out" / path).stat().st_mode) == 0o666 & ~umask
    assert stat.S_IMODE((tmp_path / "out" / "docs").stat().st_mode) == 0o777 & ~umask


def test_a_symlinked_subfolder_in_the_output_is_refused_and_nothing_is_written_through_it(tmp_path: Path) -> None:
    out = copy_generated(tmp_path / "out")
    elsewhere = tmp_path / "elsewhere"
    shutil.move(out / "docs", elsewhere)
    (out / "docs").symlink_to(elsewhere, target_is_directory=True)
    (elsewhere / "index.md").write_text("changed", encoding="utf-8")
    before, outside = tree(out), tree(elsewhere)

    run = run_generator("--out", out)

    assert run.code == 2 and "docs: is a symbolic link" in run.stderr
    assert tree(out) == before and tree(elsewhere) == outside


def test_ctrl_c_in_process_prints_one_line_and_exits_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("generator.cli.generate", interrupt)
    assert main(["--out", str(tmp_path / "out")]) == 130
    err = capsys.readouterr().err
    assert err == "generator: interrupted; the output folder is as it was\n"
    assert not (tmp_path / "out").exists()


def test_a_cache_entry_that_fails_its_digest_is_ignored_removed_and_rewritten(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.put("black", "ab" * 32, b"formatted source")
    entry = tmp_path / "black" / "ab" / ("ab" * 32)
    assert cache.get("black", "ab" * 32) == b"formatted source"
    entry.write_bytes(entry.read_bytes()[:-3])
    assert cache.get("black", "ab" * 32) is None
    assert not entry.exists()
    cache.put("black", "ab" * 32, b"formatted source")
    assert cache.get("black", "ab" * 32) == b"formatted source"


# -- found by an adversarial review -------------------------------------------------------------


def test_a_manifest_naming_a_path_outside_the_folder_is_refused_and_nothing_is_removed(tmp_path: Path) -> None:
    out = copy_generated(tmp_path / "out")
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"not the generator's")
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["files"]["../victim.txt"] = file_digest(victim.read_bytes())
    (out / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")

    run = run_generator("--out", out)

    assert run.code == 2 and "manifest is damaged" in run.stderr
    assert victim.read_bytes() == b"not the generator's"


def test_an_undo_that_failed_is_finished_by_the_next_run_without_losing_restored_files(
    tmp_path: Path, trees: tuple[Path, Tree, Tree], config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, old, _ = trees
    files = generate(spec, config)
    out = copy_generated(tmp_path / "out")
    real_replace = os.replace
    calls = 0

    def fail_then_fail_the_undo(src: Any, dst: Any) -> None:
        nonlocal calls
        calls += 1
        if calls in (4, 6):  # the 4th rename of the swap, then the 2nd restore of the undo
            raise OSError(errno.EACCES, "Permission denied (injected)", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(swap.os, "replace", fail_then_fail_the_undo)
    with pytest.raises(OutputError, match="the next run will try again"):
        update_folder(out, files, force=False)
    monkeypatch.undo()

    recover(out)  # the next run's first step
    assert tree(out) == old
    no_leftovers(out)


def test_a_rolled_back_file_keeps_its_permissions_and_identity(
    tmp_path: Path, trees: tuple[Path, Tree, Tree], config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, _, _ = trees
    files = generate(spec, config)
    out = copy_generated(tmp_path / "out")
    index = out / "docs" / "index.md"
    index.chmod(0o600)
    before = index.stat()
    monkeypatch.setattr(swap.os, "replace", failing_at(3, os.replace, OSError(errno.EIO, "injected")))
    with pytest.raises(OutputError):
        update_folder(out, files, force=False)
    after = index.stat()
    assert stat.S_IMODE(after.st_mode) == 0o600
    assert (after.st_ino, after.st_dev) == (before.st_ino, before.st_dev)


def test_a_spec_file_name_that_would_break_out_of_a_header_is_refused(tmp_path: Path, spec_copy: Path) -> None:
    method = spec_copy / "imconnector.delete.messages.yaml"
    method.rename(spec_copy / "x\nimport os; os.system('touch PWNED')\n#.yaml")

    run = run_generator("--spec", spec_copy, "--out", tmp_path / "out")

    assert run.code == 2 and "cannot be cited in the generated files' headers" in run.stderr
    assert run.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_a_spec_folder_that_cannot_be_listed_is_a_problem_not_a_vanished_method(
    tmp_path: Path, spec_copy: Path, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked_away = spec_copy / "more"
    locked_away.mkdir()
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if Path(path) == locked_away:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.raises(SpecError) as raised:
        generate(spec_copy, config)
    assert any("cannot list the spec folder: Permission denied" in p.message for p in raised.value.problems)


def test_a_link_to_a_folder_in_the_spec_is_not_followed(tmp_path: Path, spec_copy: Path, config: Config) -> None:
    (spec_copy / "root").symlink_to("/", target_is_directory=True)
    with pytest.raises(SpecError) as raised:
        generate(spec_copy, config)
    assert [p.message for p in raised.value.problems] == [
        "a link to a folder: links in a spec folder are not followed; move the files in, or refer to them with $ref"
    ]


def test_a_refused_folder_is_neither_read_in_full_nor_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with (out / "huge.bin").open("wb") as handle:
        handle.truncate(1 << 30)  # a sparse gigabyte
    (out / WORK_DIR).mkdir()
    (out / WORK_DIR / "thesis.tex").write_text("mine", encoding="utf-8")
    read: list[Path] = []
    real_read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or real_read(self))

    with pytest.raises(OutputError, match="holds files the generator did not write"):
        update_folder(out, [RenderedFile("docs/a.md", "a\n")], force=False)

    assert out / "huge.bin" not in read
    assert (out / WORK_DIR / "thesis.tex").read_text(encoding="utf-8") == "mine"


def test_a_cache_entry_moved_to_another_key_or_a_fifo_in_the_cache_changes_nothing(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {**os.environ, "GENERATOR_CACHE_DIR": str(cache)}
    assert run_generator("--out", tmp_path / "fill", env=env).code == 0
    entries = sorted(p for p in (cache / "format").rglob("*") if p.is_file() and not p.name.startswith(".tmp"))
    contents = [p.read_bytes() for p in entries]
    for entry, content in zip(entries, contents[1:] + contents[:1], strict=True):
        entry.write_bytes(content)  # each entry now holds another key's sound value
    fifo = next(p for p in (cache / "validate").rglob("*") if p.is_file())
    fifo.unlink()
    os.mkfifo(fifo)

    run = subprocess.run(
        [sys.executable, "-m", "generator", "--out", str(tmp_path / "moved")],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run_generator("--out", tmp_path / "plain", "--no-cache").code == 0
    assert tree(tmp_path / "moved") == tree(tmp_path / "plain")


def test_a_run_waiting_for_a_folder_that_the_run_before_removed_makes_it_again(
    tmp_path: Path, warm_cache: dict[str, str]
) -> None:
    out = tmp_path / "new"
    out.mkdir()
    with locked(out, exclusive=True):
        child = start_child(SPEC_DIR, out, warm_cache, 0)
        assert child.stderr is not None and "waiting for another run" in child.stderr.readline()
        out.rmdir()  # what a failed first run into a new folder does before it lets go
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 0, stderr
    assert (out / MANIFEST_NAME).exists()
