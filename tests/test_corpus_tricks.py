"""The generated corpus plays real publishers' tricks on the import, found here
by their structure: per source, a standing notice and a short line that recur,
house headings, bylines and datelines (with the record's field now and then
missing), footnote markers, middle initials; translation pairs, syndicated copies, outlets named
after places.  Every record says it was generated."""

import json
import re
from collections import Counter, defaultdict

import pytest
from django.conf import settings

from articles.importing.records import parse_date
from benchmarking.corpus import FIRST_NAMES, LAST_NAMES, CorpusGenerator

MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
TIME_DATELINE = re.compile(rf"{MONTH} \d{{1,2}}, \d{{1,2}}:\d\d [ap]m ET")
PLACE_DATELINE = re.compile(rf"[A-Z][A-Z' -]+, ({MONTH}) (\d{{1,2}}) — \S")
FOOTNOTE = re.compile(r"[.?]\[\d+\](?: |$)")
PERSON = r"[A-Z][a-z]+ [A-Z][a-z]+"
BYLINE = re.compile(
    rf"(?:By )?{PERSON}(?:(?:,| and|, and) {PERSON})*(?:, Staff Reporter|, Kyiv correspondent"
    r"| in [A-Z][\w'’ -]+)?"
)


@pytest.fixture(scope="module")
def records():
    generator = CorpusGenerator(seed=11)
    return [generator.article(n) for n in range(800)]


@pytest.fixture(scope="module")
def cities():
    gazetteer = json.loads((settings.BASE_DIR / "fixtures" / "gazetteer.json").read_text())
    return {entry["name"] for entry in gazetteer["locations"] if entry["kind"] == "city"}


def paragraphs(record):
    return record["body"].split("\n\n")


def by_source(records):
    grouped = defaultdict(list)
    for record in records:
        if record["language"] == "en" and "/partners/" not in record["url"]:
            grouped[record["source"]].append(record)
    return sorted(grouped.values(), key=len, reverse=True)


def test_every_record_and_source_says_it_is_generated(records):
    assert all(record["generated"] is True for record in records)
    assert all(record["source"].endswith(" (generated)") for record in records)


def test_a_standing_notice_recurs_at_the_end_with_variations_and_a_place_in_a_name(records, cities):
    biggest = by_source(records)[0]
    endings = Counter(" ".join(paragraphs(record)[-1].split()) for record in biggest)
    notice, count = endings.most_common(1)[0]
    assert count > len(biggest) / 2
    assert 40 <= len(notice.split()) <= 80
    # Variants: the same words but a few, or other spacing.
    raw_endings = {paragraphs(record)[-1] for record in biggest}
    variants = [
        ending
        for ending in raw_endings
        if ending != notice and len(set(ending.split()) ^ set(notice.split())) <= 4
    ]
    assert variants
    # A place of the gazetteer inside a longer proper name ("the Odesa Accords").
    inside = [city for city in cities if re.search(rf"\b{city} [A-Z][a-z]+", notice)]
    assert inside
    assert not re.search(rf"\b{inside[0]} [A-Z][a-z]+", " ".join(paragraphs(biggest[0])[:-1]))


def test_a_short_line_and_house_headings_recur_as_paragraphs_of_their_own(records):
    biggest, *others = by_source(records)
    lines = Counter(paragraph for record in biggest for paragraph in set(paragraphs(record)[1:-1]))
    recurring = [line for line, count in lines.items() if count >= 10]
    short_lines = [line for line in recurring if line.endswith(".") and len(line.split()) < 12]
    headings = [
        line for line in recurring if 2 <= len(line.split()) <= 6 and not line.endswith(".")
    ]
    assert short_lines and len(headings) >= 3
    # House headings: another source of the same size does not use them all.
    other_lines = {p for record in others[0] for p in paragraphs(record)}
    assert not set(headings) <= other_lines


def test_bylines_restate_the_authors_and_sometimes_stand_in_for_them(records):
    biggest, newspaper = by_source(records)[:2]
    restated = [
        record
        for record in biggest
        if record.get("authors")
        and BYLINE.fullmatch(paragraphs(record)[0])
        and all(name in paragraphs(record)[0] for name in record["authors"])
    ]
    assert len(restated) > len(biggest) / 2
    assert any(", and " in paragraphs(record)[0] for record in restated)
    without_authors = [
        record
        for record in biggest
        if "authors" not in record and BYLINE.fullmatch(paragraphs(record)[0])
    ]
    assert without_authors
    by_lines = [p[0] for p in map(paragraphs, newspaper) if p[0].startswith("By ")]
    assert len(by_lines) > len(newspaper) / 2 and all(BYLINE.fullmatch(b) for b in by_lines)


def test_datelines_follow_the_byline_and_sometimes_stand_in_for_the_date(records):
    biggest, newspaper = by_source(records)[:2]
    timed = [record for record in biggest if TIME_DATELINE.fullmatch(paragraphs(record)[1])]
    assert len(timed) > len(biggest) / 2
    for record in timed:
        if "published" in record:
            day = parse_date(record["published"])  # now and then with a time
            assert paragraphs(record)[1].startswith(f"{day:%B} {day.day}, ")
    assert any("published" not in record for record in timed)
    placed = [
        record
        for record in newspaper
        if any(PLACE_DATELINE.match(paragraph) for paragraph in paragraphs(record)[:2])
    ]
    assert len(placed) > len(newspaper) / 2
    assert any("published" not in record for record in placed)


def test_footnote_markers_follow_sentences_in_some_sources_only(records):
    marked = {record["source"] for record in records if FOOTNOTE.search(record["body"])}
    assert marked and marked != {record["source"] for record in records}


def test_the_newspaper_gives_the_people_it_quotes_a_middle_initial_of_their_own(records):
    biggest, newspaper = by_source(records)[:2]
    quoted = re.compile(r"([A-Z][a-z]+) (?:([A-Z])\. )?([A-Z][a-z]+) (?:said|warned)\b")
    initials = defaultdict(set)
    for record in newspaper:
        for first, initial, last in quoted.findall(record["body"]):
            if first in FIRST_NAMES and last in LAST_NAMES:
                initials[first, last].add(initial)
    assert initials and all(
        len(letters) == 1 and "" not in letters for letters in initials.values()
    )
    assert not any(
        initial for record in biggest for _, initial, _ in quoted.findall(record["body"])
    )


def test_translations_share_the_url_in_another_language(records):
    by_url = defaultdict(list)
    for record in records:
        by_url[re.sub(r"(?<=\.example)/(?:en|uk)/", "/", record["url"])].append(record)
    pairs = [pair for pair in by_url.values() if len(pair) == 2]
    assert len(pairs) >= 5
    assert any(original["url"] != translation["url"] for original, translation in pairs)
    languages = set()
    for original, translation in pairs:
        assert original["language"] != translation["language"]
        assert original["body"] != translation["body"] and original["title"] != translation["title"]
        assert original["source"] == translation["source"]
        languages |= {original["language"], translation["language"]}
    assert languages == {"en", "uk"}


def test_syndicated_copies_change_the_first_line_and_add_a_credit(records):
    by_rest = defaultdict(list)
    for record in records:
        by_rest[tuple(paragraphs(record)[1:])].append(record)
    copies = []
    for record in records:
        rest = paragraphs(record)[1:-1]
        for original in by_rest.get(tuple(rest), []):
            if original["source"] != record["source"]:
                copies.append((original, record))
    assert len(copies) >= 3
    for original, copy in copies:
        assert copy["url"] != original["url"] and copy["title"] == original["title"]
        assert paragraphs(copy)[0] != paragraphs(original)[0]
        assert paragraphs(original)[0] in paragraphs(copy)[0]
        assert original["source"].removesuffix(" (generated)") in paragraphs(copy)[-1]


def test_outlets_named_after_places_appear_in_running_text(records, cities):
    outlets = Counter(
        match[1]
        for record in records
        for match in re.finditer(
            r"(?:told |according to )?the ([A-Z][a-z]+ [A-Z][a-z]+)(?: reported|\.)",
            record["body"],
        )
        if match[1].split()[0] in cities
    )
    assert len(outlets) >= 3
