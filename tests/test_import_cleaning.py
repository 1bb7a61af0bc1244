"""Cleaning: every furniture rule on its examples and on the seed texts, headlines,
ledes, captions and publishers as a reader of the seed corpus sees them."""

import pytest

from articles.importing.cleaning import HEADLINE_MAX, clean_text, headline_from, line_rule
from articles.importing.furniture import CAPTION_RULES, LINE_RULES, SOURCE_PATTERNS

from .conftest import CORPUS_DIR


def seed(prefix):
    (path,) = CORPUS_DIR.glob(f"{prefix}_*.txt")
    return clean_text(path.read_text(encoding="utf-8"))


def removed_by(clean, rule):
    return [line for name, line in clean.removed if name == rule]


@pytest.mark.parametrize("rule", LINE_RULES, ids=lambda rule: rule.name)
def test_each_line_rule_matches_its_examples(rule):
    assert rule.examples
    for example in rule.examples:
        assert rule.compile().fullmatch(example), example
        assert line_rule(example) == rule.name, example  # its hints included


@pytest.mark.parametrize("rule", CAPTION_RULES, ids=lambda rule: rule.name)
def test_each_caption_rule_matches_its_examples(rule):
    for example in rule.examples:
        assert rule.compile().fullmatch(example), example


def test_source_patterns_find_the_publisher_in_their_examples():
    for pattern, (line, name) in SOURCE_PATTERNS:
        assert pattern.fullmatch(line).group("name").strip(" .") == name


def test_rules_leave_analysis_alone():
    """Sentences of analysis that contain the rules' words are kept."""
    text = (
        "Headline about the war\n\n"
        "Related talks in Geneva failed, and the image of Russia suffered.\n\n"
        "Copyright law was not the question; readers had 5 minutes to read the decree.\n\n"
        "By the end of May the front had barely moved.\n\n"
        "Ukraine has consented to nothing, the minister said."
    )
    clean = clean_text(text)
    assert clean.removed == []
    assert clean.publisher == ""
    assert clean.body.count("\n\n") == 3


def test_seed_000_image_readtime_and_byline_placeholders():
    clean = seed("000")
    assert removed_by(clean, "image placeholder") == ["post-img"]
    assert removed_by(clean, "read-time stamp") == ["2 min to read"]
    assert removed_by(clean, "byline placeholder") == ["Without an author"]
    assert clean.title.startswith("The Kremlin threatens “systemic” strikes on Kyiv")
    assert clean.lede.startswith("Moscow is trying to cover up the weakness")
    assert clean.body.startswith("The Russian Foreign Ministry has made open threats")
    assert clean.body.endswith("“symmetrical response.”")
    assert "post-img" not in clean.body and "Without an author" not in clean.body


def test_seed_001_has_no_headline_line_and_keeps_ukrainian_captions_apart():
    clean = seed("001")
    assert clean.title == "Russia’s threats of new strikes on Kyiv are not only a military signal"
    assert len(clean.title) <= HEADLINE_MAX
    assert clean.body.startswith("Russia’s threats of new strikes on Kyiv are not only")
    assert clean.captions == [
        {
            "text": "Волонтери Червоного Хреста перевозять поранену жінку до карети швидкої "
            "допомоги після обстрілу Києва",
            "credit": "Євген Малолєтка",
        },
        {
            "text": "Укриття на станції київського метро рано вранці в неділю",
            "credit": "Аліна Смутко",
        },
    ]
    assert "Малолєтка" not in clean.body and "Укриття" not in clean.body
    # An English sentence with an em dash is analysis, not a caption.
    assert "doubt itself is meant to function as a weapon — forcing events" in clean.body
    assert len(clean.body.split("\n\n")) == 27


def test_seed_002_consent_notice_teasers_and_read_full_article():
    clean = seed("002")
    assert len(removed_by(clean, "consent notice")) == 1
    assert removed_by(clean, "teaser link") == [
        "‘Indomitable spirit’ Ukraine praised as EU flag enters Parliament [REPORT]",
        "Ukraine unleashes heavy shelling on Russia staging area – VIDEO [VIDEO]",
        "Bernie Ecclestone told to ‘zip mouth’ over ‘appalling’ Putin defence [REPORT]",
    ]
    assert removed_by(clean, "teaser links") == [
        "Putin hints at unleashing horror defence pact with Belarus",
        "Russia pundit outlines plot to take over Lithuania ‘It will be 3 days’",
        "Where is the safest place in the UK during nuclear war? Top 20 areas",
        "Putin’s horror deadline to Bulgaria",
        "Ukraine’s heroes obliterate T-72 elite tanks in doomed offensive",
    ]
    assert removed_by(clean, "read full article") == ["Source: Read Full Article"]
    assert clean.lede == "Putin will 'double down' as war backfires on Russia says expert"
    assert clean.body.endswith("pledged to provide its unwavering support to Ukraine.")
    assert "A missile strike reportedly honed it on an apartment building" in clean.body
    assert clean.publisher == ""  # "told Times Radio" names an interviewer, not the publisher


def test_seed_003_keeps_its_list_and_sets_the_echoed_caption_apart():
    clean = seed("003")
    assert clean.title == (
        "What drives Russia’s push on six frontline axes? Malomuzh points to Putin’s "
        "“negotiation” plans"
    )
    assert clean.captions == [
        {
            "text": "Former chief of the Foreign Intelligence Service, "
            "Army General Mykola Malomuzh",
            "credit": "",
        }
    ]
    paragraphs = clean.body.split("\n\n")
    for city in ["Pokrovsk", "Myrnohrad", "Kostiantynivka", "Kupiansk", "Vovchansk"]:
        assert city in paragraphs
    assert "A “trophy” list for negotiations" in paragraphs
    assert clean.publisher == ""


def test_seed_004_repeated_headline_credit_related_news_and_copyright():
    clean = seed("004")
    assert clean.title == "Kremlin seeks to exonerate Putin following Russian retreats"
    assert removed_by(clean, "repeated headline") == [clean.title]
    assert clean.captions == [{"text": "Vladimir Putin.", "credit": "Belga"}]
    assert removed_by(clean, "related-news marker") == ["Related News"]
    assert removed_by(clean, "copyright line") == [
        "Copyright © 2024 The Brussels Times. All Rights Reserved."
    ]
    assert clean.publisher == "The Brussels Times"
    assert clean.title not in clean.body
    assert clean.body.endswith("according to the Kyiv Independent.")


def test_headline_from_a_long_opening_sentence_is_cut_at_a_word():
    sentence = "Ukraine " + "defends the city street by street " * 10 + "and holds."
    headline = headline_from(sentence)
    assert len(headline) <= HEADLINE_MAX
    assert headline.endswith("…")
    assert sentence.startswith(headline[:-1])
    assert headline[-2] != " "


def test_hard_wrapped_paragraphs_are_joined():
    text = (
        "A wrapped report\n\n"
        "The offensive that began in the spring has moved the front line only a\n"
        "few kilometres, and the cost in men and equipment has been enormous for\n"
        "the attacking side, according to the analysts who follow it daily.\n\n"
        "A second paragraph."
    )
    clean = clean_text(text)
    assert clean.body.split("\n\n")[0].startswith("The offensive that began in the spring")
    assert "only a few kilometres" in clean.body
    assert len(clean.body.split("\n\n")) == 2


def test_metadata_title_is_kept_and_its_repetition_dropped():
    clean = clean_text("Kremlin seeks a way out\n\nThe text.", title="Kremlin seeks a way out")
    assert clean.title == "Kremlin seeks a way out"
    assert clean.body == "The text."


def test_crlf_bom_invisible_characters_and_spacing_are_normalised():
    clean = clean_text("\ufeffHead\u00a0line\r\n\r\nBody  text\u200b here.\r\nMore.")
    assert clean.title == "Head line"
    assert clean.body == "Body text here.\n\nMore."
