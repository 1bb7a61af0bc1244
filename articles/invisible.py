"""Characters that change no word a reader sees but split or glue words for a
machine: zero-width space, joiners, word joiner, soft hyphen, byte-order mark
and the bidirectional marks, embeddings and isolates.  Text pasted from the web
carries them inside words ("Ky\u200biv"); they are removed wherever text is
compared: importing, querying, linking and building slugs."""

import re

INVISIBLE_CHARACTERS = (
    "\u00ad\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2066\u2067\u2068\u2069\ufeff"
)
INVISIBLE = re.compile(f"[{INVISIBLE_CHARACTERS}]")


def remove_invisible(text):
    """``text`` without the invisible characters."""
    return INVISIBLE.sub("", text)
