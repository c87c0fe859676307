"""The build step that compiles the translations: each `locales/<catalogue>/LC_MESSAGES/saima.po` into
the `saima.mo` next to it, which is what `locales` loads at run time.

`make` runs it (`make locales`, a step of `run`, `test`, `demo` and `bench`); the test suite's conftest
runs it too, so `pytest` alone works after a .po was edited. The bot never compiles: an installed tree
may be read-only. `python -m locales.compile` compiles the stale catalogues; `--all` every one, and
named catalogues (`zh_CN`, `en`) just those.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from locales import CATALOGUES, catalogue_files, is_stale


def compile_catalogue(catalogue: str) -> Path:
    """Writes the catalogue's .mo from its .po (fuzzy entries left out, as gettext does); returns its path."""
    po, mo = catalogue_files(catalogue)
    with po.open("rb") as source:
        compiled = read_po(source, locale=catalogue)
    partial = mo.with_suffix(f".mo.{os.getpid()}")
    with partial.open("wb") as target:
        write_mo(target, compiled)
    partial.replace(mo)  # atomic, in case two processes (pytest-xdist workers) compile at once
    return mo


def compile_all(*, only_stale: bool = True) -> list[Path]:
    """Compiles every catalogue (only those missing or older than their .po, by default)."""
    return [compile_catalogue(c) for c in CATALOGUES if not only_stale or is_stale(c)]


def main(argv: list[str]) -> int:
    named = [arg for arg in argv if not arg.startswith("-")]
    unknown = sorted(set(named) - set(CATALOGUES))
    if unknown:
        print(f"no such catalogue: {', '.join(unknown)} (there are {', '.join(CATALOGUES)})", file=sys.stderr)
        return 2
    compiled = [compile_catalogue(c) for c in named] if named else compile_all(only_stale="--all" not in argv)
    for mo in compiled:
        print(f"compiled {os.path.relpath(mo)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
