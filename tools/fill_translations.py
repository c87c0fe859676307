"""Developer tool: refresh the catalogues from the code (make extract-messages) and fill Chinese
translations from a JSON file {msgid: translation or [plural forms]}: python tools/fill_translations.py zh.json"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from babel.messages.pofile import read_po, write_po


def fill(lang: str, zh: dict[str, Any]) -> list[Any]:
    """Fills one catalogue in place (`en` from the ids, `zh_CN` from `zh`); returns the ids still missing."""
    path = f"locales/{lang}/LC_MESSAGES/saima.po"
    with open(path, "rb") as f:
        cat = read_po(f)
    missing: list[Any] = []
    for m in cat:
        if not m.id:
            continue
        m.flags.discard("fuzzy")
        if lang == "en":
            m.string = (m.id[0], m.id[1]) if isinstance(m.id, tuple) else m.id
        elif not m.string or (isinstance(m.string, tuple) and not all(m.string)):
            key = m.id if isinstance(m.id, str) else m.id[0]
            if key in zh:
                v = zh[key]
                m.string = tuple(v) if isinstance(v, list) else v
            else:
                missing.append(m.id)
    cat.obsolete.clear()
    with open(path, "wb") as f:
        write_po(f, cat, width=110)
    return missing


def main(argv: list[str]) -> None:
    subprocess.run(["make", "-s", "extract-messages"], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    zh: dict[str, Any] = {}
    if len(argv) > 1:
        with open(argv[1]) as f:
            zh = json.load(f)
    for lang in ("zh_CN", "en"):
        print(lang, "missing:", fill(lang, zh))


if __name__ == "__main__":
    main(sys.argv)
