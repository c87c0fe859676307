"""Loads the gettext catalogues (`locales/<lang>/LC_MESSAGES/saima.mo`) and hands out translators.

Message ids are English; `zh_CN` is the default catalogue and must translate every id, `en` carries
the plural forms. A catalogue whose .mo is missing or older than its .po is compiled (with Babel) on
first use, so a fresh clone needs no build step; `make extract-messages` refreshes the .po files.
"""

from __future__ import annotations

import gettext
import os
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent
DOMAIN = "saima"
SUPPORTED = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
_CATALOGUE = {"zh": "zh_CN", "en": "en"}


class Translator:
    """One language's gettext: `t("…")`, `t.ngettext(singular, plural, n)`; `t.lang` is `zh` or `en`."""

    def __init__(self, lang: str, translations: gettext.NullTranslations) -> None:
        self.lang = lang
        self._translations = translations

    def __call__(self, message: str) -> str:
        return self._translations.gettext(message)

    def gettext(self, message: str) -> str:
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._translations.ngettext(singular, plural, n)


def normalise_language(code: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """Maps Telegram's language codes (`zh-hans`, `en-US`, …) to a supported language."""
    if not code:
        return default
    base = code.lower().replace("_", "-").split("-")[0]
    return base if base in SUPPORTED else default


@cache
def translator(lang: str) -> Translator:
    lang = normalise_language(lang)
    _compile_if_stale(_CATALOGUE[lang])
    translations = gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[_CATALOGUE[lang]])
    return Translator(lang, translations)


def _compile_if_stale(catalogue: str) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    folder = LOCALE_DIR / catalogue / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        return
    with po.open("rb") as source:
        compiled = read_po(source, locale=catalogue)
    partial = mo.with_suffix(f".mo.{os.getpid()}")
    with partial.open("wb") as target:
        write_mo(target, compiled)
    partial.replace(mo)  # atomic, in case two processes compile at once


def N_(message: str) -> str:
    """Marks a string for extraction where it is defined; it is translated where it is shown."""
    return message
