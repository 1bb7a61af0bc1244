"""What newspapers and wires put inside their paragraphs, through the import:
a dateline naming only a place ("KHARKIV, Ukraine — "), a promo glued to a
paragraph's end ("… Read more: …"), a wire's closing credits, a photo
credit in brackets and a place-and-date line.  All texts are hand-written."""

import datetime
import json

import pytest

from articles.importing import import_paths
from articles.importing.structure import original_paragraphs
from articles.models import Article

pytestmark = pytest.mark.django_db

PAGE = """By Oksana Marchuk and Dan Whitby

KHARKIV, Ukraine — The night train from Kyiv pulled in forty minutes late, its windows \
taped against blast waves.

Rail officials say the network was hit more than 300 times this year. Read more: How \
Ukraine rebuilt its bridges

“We do not stop,” said a driver of twenty years. Read more

A conductor checks tickets at Kharkiv station on Monday. (Dan Whitby/The Lantern)

(Reporting by Oksana Marchuk; Editing by Ruth Keane)

The Evening Dispatch lands in your inbox every weekday. Not signed up yet? Sign up now.

For more news: www.lantern.example
"""

BODY = [
    "The night train from Kyiv pulled in forty minutes late, its windows taped against blast "
    "waves.",
    "Rail officials say the network was hit more than 300 times this year.",
    "“We do not stop,” said a driver of twenty years.",
]


def import_records(tmp_path, *records):
    path = tmp_path / "papers.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    report = import_paths([path])
    assert report.created == len(records) and not report.rejected, report.rejected


def test_a_newspaper_page_s_dateline_promos_and_credits_are_set_apart(tmp_path, gazetteer):
    import_records(tmp_path, {"title": "Trains keep running", "body": PAGE, "source": "Lantern"})
    article = Article.objects.get()
    assert article.authors == ["Oksana Marchuk", "Dan Whitby"]
    assert article.lede == "" and article.body.split("\n\n") == BODY
    kinds = {(item["kind"], item.get("rule"), item.get("text")) for item in article.furniture}
    assert {
        ("dateline", None, "KHARKIV, Ukraine — "),
        ("removed", "read-more link", "Read more: How Ukraine rebuilt its bridges"),
        ("removed", "read-more link", "Read more"),
        ("removed", "wire credit", "(Reporting by Oksana Marchuk; Editing by Ruth Keane)"),
        ("removed", "web address line", "For more news: www.lantern.example"),
    } <= kinds
    assert any(rule == "newsletter notice" for _, rule, _ in kinds)
    caption = next(item for item in article.furniture if item.get("rule", "").startswith("capt"))
    assert caption["text"].endswith("(Dan Whitby/The Lantern)")
    rebuilt = original_paragraphs(article.lede, article.body, article.furniture)
    assert rebuilt[1].startswith("KHARKIV, Ukraine — The night train")


@pytest.mark.parametrize(
    ("opening", "dateline"),
    [
        ("ZAPORIZHZHIA — Schools ", "ZAPORIZHZHIA — "),
        ("KYIV (Newswire) - Schools ", "KYIV (Newswire) - "),
        ("ОДЕСА — Школи ", "ОДЕСА — "),
        ("KYIV/WARSAW — Schools ", "KYIV/WARSAW — "),
        ("LVIV/KYIV, Dec 7 (Newswire) - Schools ", "LVIV/KYIV, Dec 7 (Newswire) - "),
    ],
)
def test_a_place_alone_in_capitals_is_a_dateline(tmp_path, gazetteer, opening, dateline):
    body = f"{opening}moved underground this autumn.\n\nTeachers say attendance rose."
    import_records(tmp_path, {"title": "Schools underground", "body": body})
    article = Article.objects.get()
    assert not article.body.startswith(opening)
    assert [item["text"] for item in article.furniture if item["kind"] == "dateline"] == [dateline]


@pytest.mark.parametrize(
    "opening",
    [
        "EU — The bloc agreed new sanctions on Friday.",  # too short for a place
        "Kyiv — the capital — agreed new sanctions on Friday.",  # not in capitals
        "KYIV — the capital agreed new sanctions on Friday.",  # no sentence after it
    ],
)
def test_what_is_no_place_dateline(tmp_path, gazetteer, opening):
    import_records(tmp_path, {"title": "Sanctions", "body": f"{opening}\n\nMore followed."})
    article = Article.objects.get()
    assert (article.lede + article.body).startswith(opening)
    assert not [item for item in article.furniture if item["kind"] == "dateline"]


def test_a_promo_is_taken_off_a_paragraph_s_end_only_when_it_reads_as_one(tmp_path, gazetteer):
    body = (
        "Troops moved east. See also: the map below, which shows the new line.\n\n"
        "Residents said they wanted to read more about the evacuation.\n\n"
        "Officials met on Friday. Read also — Grain deal talks resume\n\n"
        "Talks resumed in Istanbul. Read more here: Grain ships sail Read more"
    )
    import_records(tmp_path, {"title": "Front line", "body": body})
    article = Article.objects.get()
    assert article.body.split("\n\n")[-3:] == [
        "Residents said they wanted to read more about the evacuation.",
        "Officials met on Friday.",
        "Talks resumed in Istanbul.",
    ]
    assert "See also: the map below" in article.lede + article.body
    removed = [item["text"] for item in article.furniture if item["kind"] == "removed"]
    assert removed == [
        "Read also — Grain deal talks resume",
        "Read more here: Grain ships sail Read more",
    ]


def test_a_place_and_date_line_gives_the_date(tmp_path, gazetteer):
    body = "Kyiv, 4 December 2022\n\nThe ministry announced grants for demining farmland."
    import_records(tmp_path, {"title": "Demining grants", "body": body, "source": "Ministry"})
    article = Article.objects.get()
    assert article.published == datetime.date(2022, 12, 4)
    assert article.body == "The ministry announced grants for demining farmland."


UKRAINIAN_PAGE = """Поділитися

ХАРКІВ — Уночі окупанти атакували місто дронами, пошкоджено лінію електропередачі та два \
житлові будинки.

Читайте також: Уряд виділив кошти на ремонт мостів

Ремонтні бригади відновили живлення до ранку, повідомили в обласній адміністрації.

Реклама

Рятувальники на місці влучання. Фото: ДСНС

Підписуйтесь на наш Telegram-канал
"""


def test_a_ukrainian_page_s_promos_and_caption_are_set_apart(tmp_path, gazetteer):
    record = {"title": "Удар по Харкову", "body": UKRAINIAN_PAGE, "language": "uk"}
    import_records(tmp_path, record)
    article = Article.objects.get()
    assert (article.lede + article.body).startswith("Уночі окупанти атакували")
    assert article.body.endswith("повідомили в обласній адміністрації.")
    assert article.body.count("\n\n") == 1
    rules = [item.get("rule") for item in article.furniture if item["kind"] == "removed"]
    assert rules == [
        "share prompt",
        "read-more link",
        "advertisement marker",
        "caption with a credit label",
        "follow prompt",
    ]


def test_an_english_page_s_follow_prompts_are_set_apart(tmp_path, gazetteer):
    body = (
        "Ferry crossings resumed on the Dnipro on Sunday.\n\n"
        "Follow our live coverage here.\n\n"
        "Officials said the crossings would run twice a day.\n\n"
        "Follow the Kyiv Ledger on X and Facebook."
    )
    import_records(tmp_path, {"title": "Ferries resume", "body": body})
    article = Article.objects.get()
    assert article.body == (
        "Ferry crossings resumed on the Dnipro on Sunday.\n\n"
        "Officials said the crossings would run twice a day."
    )


def test_a_wire_story_s_credits_separator_and_coverage_link_are_set_apart(tmp_path, gazetteer):
    body = (
        "KYIV, Ukraine (Wire) — Drones struck the grid overnight, officials said.\n\n"
        "Repairs began at dawn.\n\n"
        "Wire writer Jane Kim in London contributed to this report.\n\n"
        "Additional reporting by Ruth Keane in Lviv\n\n"
        "___\n\n"
        "Follow the Wire's coverage of the war at https://wire.example/hub/war"
    )
    record = {"title": "Drones hit grid", "body": body, "authors": "By OLENA ROE"}
    import_records(tmp_path, record)
    article = Article.objects.get()
    assert article.authors == ["Olena Roe"]
    assert (
        article.body
        == "Drones struck the grid overnight, officials said.\n\nRepairs began at dawn."
    )
    rules = [item.get("rule") for item in article.furniture if item["kind"] == "removed"]
    assert rules == ["wire credit", "wire credit", "separator line", "here prompt"]


def test_a_report_s_endnote_list_goes_with_its_heading(tmp_path, gazetteer):
    body = (
        "Russian forces attacked near Huliaipole.[1] Ukrainian forces held.[2]\n\n"
        "Sources\n\n"
        "[1] https://t.me/example/1\n\n"
        "[2] Ukrainian General Staff, December 7, 2022"
    )
    import_records(tmp_path, {"title": "Assessment", "body": body})
    article = Article.objects.get()
    assert article.body == "Russian forces attacked near Huliaipole. Ukrainian forces held."
    removed = [(item["rule"], item["text"]) for item in article.furniture if "rule" in item]
    assert removed == [
        ("endnote", "[1] https://t.me/example/1"),
        ("endnotes heading", "Sources"),
        ("endnote", "[2] Ukrainian General Staff, December 7, 2022"),
    ]


def test_numbered_lines_before_the_end_are_no_endnotes(tmp_path, gazetteer):
    body = "[1] Troops crossed the river at dawn.\n\nThe crossing held through the day."
    import_records(tmp_path, {"title": "Crossing", "body": body})
    assert Article.objects.get().body.startswith("[1] Troops crossed")
