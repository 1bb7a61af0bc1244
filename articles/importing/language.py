"""The language of an article, from its text.

The archive knows English, Ukrainian and Russian; anything else is "und".
Scripts decide first (Latin or Cyrillic); letters only one of the two
Cyrillic alphabets has tell Ukrainian from Russian; common function words
tell English from other Latin-script languages.
"""

import re

from ..models import Language

_UKRAINIAN_ONLY = re.compile(r"[іїєґІЇЄҐ]")
_RUSSIAN_ONLY = re.compile(r"[ыэъёЫЭЪЁ]")
_WORD = re.compile(r"[^\W\d_]+")
_FUNCTION_WORDS = """the of and to in a is that for on as with was by it are from at be this has
have
not its an his but or which were their said they will would been had"""
_ENGLISH = frozenset(_FUNCTION_WORDS.split())

NAMES = {
    "en": Language.ENGLISH,
    "eng": Language.ENGLISH,
    "english": Language.ENGLISH,
    "uk": Language.UKRAINIAN,
    "ukr": Language.UKRAINIAN,
    "ua": Language.UKRAINIAN,
    "ukrainian": Language.UKRAINIAN,
    "українська": Language.UKRAINIAN,
    "ru": Language.RUSSIAN,
    "rus": Language.RUSSIAN,
    "russian": Language.RUSSIAN,
    "русский": Language.RUSSIAN,
    "und": Language.OTHER,
}


def language_code(value):
    """The archive's code for a language given as a code or a name
    ("en", "en-GB", "English"), or None when it is not one the archive knows."""
    folded = str(value).strip().casefold().replace("_", "-")
    return NAMES.get(folded) or NAMES.get(folded.split("-")[0])


def detect_language(text, sample=1500):
    words = _WORD.findall(text[:sample].lower())
    cyrillic = [word for word in words if "\u0400" <= word[0] <= "\u04ff"]
    if len(cyrillic) * 2 > len(words):
        ukrainian = len(_UKRAINIAN_ONLY.findall(text, 0, sample))
        russian = len(_RUSSIAN_ONLY.findall(text, 0, sample))
        if ukrainian > russian:
            return Language.UKRAINIAN
        if russian > ukrainian:
            return Language.RUSSIAN
        return Language.OTHER
    if words and sum(word in _ENGLISH for word in words) >= 0.15 * len(words):
        return Language.ENGLISH
    return Language.OTHER
