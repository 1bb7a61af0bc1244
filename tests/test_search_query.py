"""The query parser on its own: what each kind of input is read as, and how the
two engines' syntax is built from it (always quoted, never the user's text)."""

import re

import pytest

from articles.search import postgres, sqlite
from articles.search.query import AnyOf, Phrase, Word, parse_query


def read(text):
    parsed = parse_query(text)
    return (
        [[(u.kind, u.tokens) for u in group] for group in parsed.groups],
        [(u.kind, u.tokens) for u in parsed.excluded],
        parsed.ignored,
    )


def test_words_phrases_or_exclusions_and_prefixes():
    assert read('kyiv "air defence" drones OR missiles -shahed negot*') == (
        [
            [("word", ("kyiv",))],
            [("phrase", ("air", "defence"))],
            [("word", ("drones",)), ("word", ("missiles",))],
            [("prefix", ("negot",))],
        ],
        [("word", ("shahed",))],
        [],
    )


def test_not_and_and_are_operators_only_in_capitals():
    assert read("kyiv NOT kharkiv AND odesa")[1] == [("word", ("kharkiv",))]
    assert read("not and")[0] == [[("word", ("not",))], [("word", ("and",))]]


def test_negated_phrase():
    assert read('kyiv -"air defence"')[1] == [("phrase", ("air", "defence"))]


@pytest.mark.parametrize(
    "text, ignored",
    [("OR OR", ["OR", "OR"]), ("-", ["-"]), ("*", ["*"]), ("kyiv OR", ["OR"]), ("&&", ["&&"])],
)
def test_stray_operators_are_ignored_and_reported(text, ignored):
    assert read(text)[2] == ignored


def test_brackets_and_plus_signs_are_read_as_grouping_only():
    assert read("(kyiv OR kharkiv) +shelling -(odesa)") == read("kyiv OR kharkiv shelling -odesa")
    assert [u.typed for u in parse_query("(Kyiv OR Kharkiv) +shelling").units] == [
        "Kyiv",
        "Kharkiv",
        "shelling",
    ]
    assert read('( "air defence" )') == read('"air defence"')


def test_unbalanced_quote_reads_the_rest_as_a_phrase():
    parsed = parse_query('kyiv "air defence')
    assert [(u.kind, u.tokens) for u in parsed.units][-1] == ("phrase", ("air", "defence"))
    assert any("closing quote" in note for note in parsed.notes)


def test_designations_are_searched_in_their_usual_spellings():
    unit = parse_query("F-16s").units[0]
    assert unit.kind == "phrase"
    assert unit.node == AnyOf(
        (
            Phrase(("f", "16s")),
            Word("f16s"),
            Phrase(("f", "16", "s")),
            Phrase(("f", "16")),
            Word("f16"),
        )
    )
    assert parse_query("HIMARS").units[0].node == Word("himars")
    assert parse_query("long-range").units[0].node == Phrase(("long", "range"))


def test_prefix_past_a_stem_also_matches_the_stem():
    node = parse_query("negotiat*").units[0].node
    assert node.options[0] == Word("negotiat", prefix=True)
    assert Word("negoti") in node.options


def test_stopwords_are_dropped_unless_that_is_all_there_is():
    assert read("the war in Ukraine")[0] == [[("word", ("war",))], [("word", ("ukraine",))]]
    assert read("the war in Ukraine")[2] == ["the", "in"]
    assert read("the who")[0] == [[("word", ("the",))], [("word", ("who",))]]
    assert read("US aid")[0][0] == [("word", ("us",))]


def test_control_characters_and_length_are_tamed():
    parsed = parse_query("kyiv\x00\x1f\ue000 " + "x " * 1000)
    assert "\x00" not in parsed.text and "\ue000" not in parsed.text
    assert len(parsed.text) <= 500
    assert len(parsed.units) <= 16
    assert parsed.notes


HOSTILE = ['"', '")', "'", "\\", "NEAR(a b)", "a:*", "x' | 'y", '*"*', "col:kyiv", "^a"]


@pytest.mark.parametrize("text", HOSTILE)
def test_compiled_syntax_quotes_every_word(text):
    parsed = parse_query("kyiv " + text)
    fts5 = sqlite.match_expression(parsed.positive_nodes())
    tsquery = " & ".join(postgres.compile_node(n) for n in parsed.positive_nodes())
    quoted_fts5 = {word for segment in fts5.split('"')[1::2] for word in segment.split()}
    quoted_tsquery = set(tsquery.split("'")[1::2])
    for token in (t for u in parsed.units for t in u.tokens):
        assert token in quoted_fts5 and token in quoted_tsquery
    # Nothing outside quotes but the operators the compilers write themselves.
    outside_fts5 = "".join(fts5.split('"')[0::2])
    assert set(outside_fts5) <= set("() ORANDT*")
    outside_tsquery = re.sub(r"<\d+>", "", "".join(tsquery.split("'")[0::2]))  # <N>: distance
    assert set(outside_tsquery) <= set("()&|!<->:* ")
