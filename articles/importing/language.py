"""The language of an article, from its text.

lingua's detector (n-gram models, written in Rust), restricted to the
languages an archive of this war meets; "und" for a text too short or too
close between two languages to tell them apart.
"""

import re
from functools import cache

from lingua import Language as Lingua
from lingua import LanguageDetectorBuilder

from ..models import Language

DETECTED = {
    Lingua.ENGLISH: Language.ENGLISH,
    Lingua.UKRAINIAN: Language.UKRAINIAN,
    Lingua.RUSSIAN: Language.RUSSIAN,
    Lingua.GERMAN: Language.GERMAN,
    Lingua.FRENCH: Language.FRENCH,
    Lingua.POLISH: Language.POLISH,
    Lingua.SPANISH: Language.SPANISH,
    Lingua.ITALIAN: Language.ITALIAN,
    Lingua.BELARUSIAN: Language.BELARUSIAN,
    Lingua.ROMANIAN: Language.ROMANIAN,
}
# lingua's low-accuracy mode (trigrams only) on an article's first 500 characters:
# the import of 5,000 generated articles that do not say their language took 7.71
# CPU ms an article against 6.78 with the guessing before (manage.py benchmark import
# --count 5,000 --once --corpus …); its full models on 1,000 characters took twice
# the time of this mode alone (1.35 ms against 0.63) and 243 MB and 2 s of loading
# in every import worker against 63 MB.
SAMPLE_CHARACTERS = 500
# The best language must beat the second by this much (lingua's relative distance).
MINIMUM_MARGIN = 0.25
# A text of fewer letters is "und": the language of a few words flips as they are
# edited, and an article is known again by its URL and language.
MINIMUM_LETTERS = 20

_LETTER = re.compile(r"[^\W\d_]")

NAMES = {
    "und": Language.OTHER,
    **{code.value: code for code in Language},
    **{lingua.iso_code_639_3.name.lower(): code for lingua, code in DETECTED.items()},
    **{lingua.name.lower(): code for lingua, code in DETECTED.items()},
    "ua": Language.UKRAINIAN,
    "українська": Language.UKRAINIAN,
    "русский": Language.RUSSIAN,
    "deutsch": Language.GERMAN,
    "français": Language.FRENCH,
    "polski": Language.POLISH,
}


def language_code(value):
    """The archive's code for a language given as a code or a name
    ("en", "en-GB", "English"), or None when it is not one the archive knows."""
    folded = str(value).strip().casefold().replace("_", "-")
    return NAMES.get(folded) or NAMES.get(folded.split("-")[0])


@cache
def _detector():
    return (
        LanguageDetectorBuilder.from_languages(*DETECTED)
        .with_minimum_relative_distance(MINIMUM_MARGIN)
        .with_low_accuracy_mode()
        .build()
    )


def detect_language(text):
    sample = text[:SAMPLE_CHARACTERS]
    if len(_LETTER.findall(sample)) < MINIMUM_LETTERS:
        return Language.OTHER
    return DETECTED.get(_detector().detect_language_of(sample), Language.OTHER)
