"""Loads the gettext catalogues (`locales/<lang>/LC_MESSAGES/saima.mo`) and hands out translators.

Message ids are English; `zh_CN` is the default catalogue and must translate every id, `en` carries
the plural forms. The .mo files are compiled by the build (`make`, see `locales/compile.py`), never
here: an installed tree may be read-only. A catalogue whose .mo is missing or older than its .po stops
the program with a message saying to run `make`. `make extract-messages` refreshes the .po files.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent
DOMAIN = "saima"
SUPPORTED = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
_CATALOGUE = {"zh": "zh_CN", "en": "en"}
CATALOGUES = tuple(_CATALOGUE.values())


class CataloguesNotBuilt(RuntimeError):
    """A compiled catalogue (.mo) is missing or older than its .po: the build step was not run."""


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
    catalogue = _CATALOGUE[lang]
    if is_stale(catalogue):
        po, mo = catalogue_files(catalogue)
        state = "is older than" if mo.exists() else "is missing, compiled from"
        raise CataloguesNotBuilt(f"the translations are not built: {mo} {state} {po.name}. Run `make` "
                                 "(or `make locales`, or `python -m locales.compile`) in the project folder.")
    translations = gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[catalogue])
    return Translator(lang, translations)


def catalogue_files(catalogue: str) -> tuple[Path, Path]:
    """(the .po translators edit, the .mo the build compiles from it) of one catalogue."""
    folder = LOCALE_DIR / catalogue / "LC_MESSAGES"
    return folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"


def is_stale(catalogue: str) -> bool:
    """True when the catalogue's .mo is missing or older than its .po."""
    po, mo = catalogue_files(catalogue)
    return not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime


def N_(message: str) -> str:
    """Marks a string for extraction where it is defined; it is translated where it is shown."""
    return message
