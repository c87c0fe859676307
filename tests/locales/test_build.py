"""The translations are compiled by the build, not by the bot: an installed tree that may not be written
to starts and translates, and one that was never built says to run `make` instead of writing into itself."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What an install holds: the program, without the tests, the benchmarks or anything generated.
SKIPPED = shutil.ignore_patterns(".*", "__pycache__", "*.mo", "data", "tests", "bench", "config.toml")
SAY_HELLO = ("from locales import translator; print(translator('zh')('Commands:'), translator('en')('Commands:'))")


def _install(into: Path) -> Path:
    tree = into / "saima"
    shutil.copytree(ROOT, tree, ignore=SKIPPED)
    return tree


def _run(tree: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, *argv], cwd=tree, env=env, capture_output=True, text=True, timeout=60)


def _snapshot(tree: Path) -> dict[str, int]:
    """Every file and folder of the tree with its modification time (root ignores permissions)."""
    return {str(path.relative_to(tree)): path.stat().st_mtime_ns for path in sorted(tree.rglob("*"))}


def _set_writable(tree: Path, writable: bool) -> None:
    for path in [tree, *tree.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode | stat.S_IWUSR if writable else mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A built copy of the install, made read-only (and writable again to be cleaned up)."""
    tree = _install(tmp_path)
    built = _run(tree, "-m", "locales.compile")
    assert built.returncode == 0, built.stderr
    _set_writable(tree, False)
    yield tree
    _set_writable(tree, True)


def test_a_read_only_install_starts_and_translates_without_writing_a_file(read_only: Path) -> None:
    before = _snapshot(read_only)
    helped = _run(read_only, "bot.py", "--help")
    assert helped.returncode == 0, helped.stderr
    assert "Saima" in helped.stdout
    said = _run(read_only, "-c", SAY_HELLO)
    assert said.returncode == 0, said.stderr
    assert said.stdout.split() == ["可用命令：", "Commands:"]
    assert _snapshot(read_only) == before


def test_an_install_never_built_says_to_run_make_and_writes_nothing(tmp_path: Path) -> None:
    tree = _install(tmp_path)
    before = _snapshot(tree)
    said = _run(tree, "-c", SAY_HELLO)
    assert said.returncode != 0
    assert "CataloguesNotBuilt: the translations are not built" in said.stderr and "Run `make`" in said.stderr
    assert _snapshot(tree) == before


def test_a_catalogue_edited_after_the_build_says_to_run_make(tmp_path: Path) -> None:
    tree = _install(tmp_path)
    assert _run(tree, "-m", "locales.compile").returncode == 0
    po = tree / "locales" / "en" / "LC_MESSAGES" / "saima.po"
    mo = po.with_suffix(".mo")
    os.utime(mo, ns=(po.stat().st_mtime_ns - 1_000_000_000,) * 2)  # the .po edited a second after the build
    said = _run(tree, "-c", SAY_HELLO)
    assert said.returncode != 0 and "saima.mo is older than saima.po" in said.stderr
    rebuilt = _run(tree, "-m", "locales.compile")
    assert rebuilt.stdout.split() == ["compiled", "locales/en/LC_MESSAGES/saima.mo"]
    assert _run(tree, "-c", SAY_HELLO).stdout.split() == ["可用命令：", "Commands:"]
