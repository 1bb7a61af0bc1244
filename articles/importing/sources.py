"""Sources: matching the publisher a record names to a Source row.

A name is matched to the archive's sources case-insensitively and without a
leading "The" ("Brussels Times" is "The Brussels Times").  A source the
archive does not know yet is created, of kind "other" unless it is one of the
publishers listed below.
"""

from ..models import Source, normalize_name

# Publishers whose kind the archive knows before an editor says so.
KNOWN_PUBLISHERS = {
    "the brussels times": {"kind": Source.Kind.NEWS_OUTLET, "country": "Belgium"},
    "the kyiv independent": {"kind": Source.Kind.NEWS_OUTLET, "country": "Ukraine"},
    "the kyiv post": {"kind": Source.Kind.NEWS_OUTLET, "country": "Ukraine"},
    "ukrainska pravda": {"kind": Source.Kind.NEWS_OUTLET, "country": "Ukraine"},
    "meduza": {"kind": Source.Kind.NEWS_OUTLET, "country": "Latvia"},
    "institute for the study of war": {"kind": Source.Kind.THINK_TANK, "country": "United States"},
    "royal united services institute": {
        "kind": Source.Kind.THINK_TANK,
        "country": "United Kingdom",
    },
    "chatham house": {"kind": Source.Kind.THINK_TANK, "country": "United Kingdom"},
    "carnegie endowment for international peace": {
        "kind": Source.Kind.THINK_TANK,
        "country": "United States",
    },
    "times radio": {"kind": Source.Kind.BROADCASTER, "country": "United Kingdom"},
    "bbc": {"kind": Source.Kind.BROADCASTER, "country": "United Kingdom"},
    "24 kanal": {"kind": Source.Kind.BROADCASTER, "country": "Ukraine"},
}


def source_key(name):
    key = normalize_name(name).strip(" .")
    return key[4:] if key.startswith("the ") else key


class SourceResolver:
    """Source ids by name, creating sources the archive does not have yet.

    Holds every source in memory (an archive has hundreds, not millions).
    Sources created inside a batch are forgotten if the batch rolls back.
    """

    def __init__(self):
        self._ids = {source_key(name): pk for pk, name in Source.objects.values_list("pk", "name")}
        self._pending = set()
        self.created = 0

    def resolve(self, name, *, dry_run=False):
        key = source_key(name)
        if not key:
            return None
        if key not in self._ids:
            known = KNOWN_PUBLISHERS.get(normalize_name(name)) or KNOWN_PUBLISHERS.get(
                "the " + key, {}
            )
            source = Source(name=name.strip()[:200], **known)
            source.save()
            self._ids[key] = source.pk
            self._pending.add(key)
            self.created += 1
        return self._ids[key]

    def commit(self):
        self._pending.clear()

    def rollback(self):
        for key in self._pending:
            self._ids.pop(key, None)
        self.created -= len(self._pending)
        self._pending.clear()
