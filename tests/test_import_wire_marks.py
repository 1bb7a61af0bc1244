"""What wires, news sites and think tanks put around and inside a text, through
the import: a time with the date ("5:30pm ET, December 7, 2025"), a label
opening the text ("UPDATE — "), an organisation opening a sentence ("NATO —
The alliance …", no dateline), a standfirst before the dateline, a promo
between two sentences, the outlet naming itself, and endnotes followed by a
disclaimer and a "Related" block.  All texts are hand-written."""

import datetime
import json

import pytest
from django.urls import reverse

from articles.importing import import_paths
from articles.importing.structure import original_paragraphs
from articles.models import Article, Suggestion

pytestmark = pytest.mark.django_db

DECEMBER_7 = datetime.date(2025, 12, 7)
TEXT = "Repair crews restored power to most of the city overnight.\n\nSchools reopen on Monday."


def import_records(tmp_path, *records):
    path = tmp_path / "wire.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    return import_paths([path])


def import_one(tmp_path, body, **fields):
    report = import_records(tmp_path, {"title": "Power restored", "body": body, **fields})
    assert report.created == 1 and not report.rejected, report.rejected
    return Article.objects.get()


def datelines(article):
    return [item["text"] for item in article.furniture if item["kind"] == "dateline"]


def removed(article, rule):
    return [item["text"] for item in article.furniture if item.get("rule") == rule]


@pytest.mark.parametrize(
    "stamp",
    [
        "5:30pm ET, December 7, 2025",
        "December 7, 2025 at 5:30 p.m. EST",
        "Updated 14:05 GMT, 7 Dec 2025",
        "07.12.2025 14:05",
        "7 грудня 2025, 14:05",
        "2:15 p.m. EST on December 7, 2025",
        "Published December 7, 2025 at 5:30 p.m. EST",
        "Updated 7 Dec 2025 14:05 GMT",
    ],
)
def test_a_time_before_or_after_the_date_leaves_the_date(tmp_path, gazetteer, stamp):
    assert import_one(tmp_path, TEXT, published=stamp).published == DECEMBER_7
    Article.objects.all().delete()
    article = import_one(tmp_path, f"{stamp}\n\n{TEXT}")
    assert article.published == DECEMBER_7
    assert datelines(article) == [stamp]
    assert article.body == TEXT


@pytest.mark.parametrize("stamp", ["07/12/2025 14:05", "5:30pm ET, 12/07/2025"])
def test_an_ambiguous_date_with_a_time_still_rejects_the_record(tmp_path, gazetteer, stamp):
    report = import_records(tmp_path, {"title": "Power", "body": TEXT, "published": stamp})
    assert [reason for _, reason in report.rejected] == [
        f"published: {stamp!r} is not a date (use YYYY-MM-DD)"
    ]


@pytest.mark.parametrize(
    ("opening", "dateline"),
    [
        ("KHARKIV, Ukraine — ", "KHARKIV, Ukraine — "),
        ("KYIV (Reuters) - ", "KYIV (Reuters) - "),
        ("ОДЕСА — ", "ОДЕСА — "),
        ("MIAMI — ", "MIAMI — "),  # a place the gazetteer does not know is still a place
        ("KYIV/WARSAW — ", "KYIV/WARSAW — "),
    ],
)
def test_a_place_opening_the_text_is_a_dateline(tmp_path, gazetteer, opening, dateline):
    article = import_one(tmp_path, f"{opening}Repair crews worked overnight.\n\nMore.")
    assert datelines(article) == [dateline]
    assert article.body.startswith("Repair crews worked overnight.")


@pytest.mark.parametrize(
    "opening",
    [
        "NATO — The alliance agreed to send more air defences.",
        "OSCE — The monitors left the city on Friday.",
        "NATO/EU — The two bodies met on Friday.",
    ],
)
def test_an_organisation_opening_the_text_is_no_dateline(tmp_path, gazetteer, opening):
    article = import_one(tmp_path, f"{opening}\n\nMore followed.")
    assert article.body.startswith(opening)
    assert not datelines(article)


@pytest.mark.parametrize(
    ("label", "rest"),
    [
        ("UPDATE — ", "KHARKIV, Ukraine — Repair crews worked overnight."),
        ("EXCLUSIVE - ", "Drone makers plan to triple production, executives said."),
        ("ANALYSIS — ", "The winter campaign will test both armies' supplies."),
        ("UPDATE 2 - ", "KYIV (Reuters) - Repair crews worked overnight."),
        ("ЕКСКЛЮЗИВ — ", "Виробники дронів планують утричі збільшити виробництво."),
    ],
)
def test_a_label_opening_the_text_is_furniture(tmp_path, gazetteer, label, rest, admin_client):
    article = import_one(tmp_path, f"By Ann Roe\n\n{label}{rest}\n\nMore followed.")
    assert removed(article, "label") == [label]
    word = label.split()[0]
    assert word not in article.body
    assert not any(dateline.startswith(word) for dateline in datelines(article))
    if "—" in rest[:25] or "(Reuters)" in rest:
        assert len(datelines(article)) == 1 and article.body.startswith("Repair crews")
    page = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert f"<strong>removed</strong> (label): {label.strip()}" in page.content.decode()


def test_a_label_later_in_the_text_stays(tmp_path, gazetteer):
    body = "Repair crews worked overnight.\n\nMore.\n\nAnd more.\n\nUPDATE — Power is back."
    assert import_one(tmp_path, body).body.endswith("UPDATE — Power is back.")


@pytest.mark.parametrize(
    ("body", "dateline"),
    [
        (
            "Talks on grain resumed after a pause.\n\nKYIV, Dec 7 (Reuters) — Officials met "
            "in Istanbul on Monday.\n\nMore talks follow.",
            "KYIV, Dec 7 (Reuters) — ",
        ),
        (
            "A short summary of the day.\n\nAnother framing line.\n\nZAPORIZHZHIA — Shelling "
            "hit 20 villages on Monday.\n\nMore.",
            "ZAPORIZHZHIA — ",
        ),
    ],
)
def test_a_dateline_after_a_standfirst_is_recognised(tmp_path, gazetteer, body, dateline):
    article = import_one(tmp_path, body)
    assert datelines(article) == [dateline]
    assert dateline not in article.body
    assert original_paragraphs(article.lede, article.body, article.furniture) == body.split("\n\n")


def test_a_dated_dateline_after_a_standfirst_fills_the_date(tmp_path, gazetteer):
    body = "Talks resumed.\n\nKYIV, Dec 7, 2025 (Reuters) — Officials met on Monday.\n\nMore."
    assert import_one(tmp_path, body).published == DECEMBER_7


@pytest.mark.parametrize(
    "body",
    [
        # Too long for a standfirst: the place in the second paragraph is running text.
        "Officials met. " * 40 + "\n\nKYIV — The capital stayed calm.\n\nMore.",
        # A dated dateline after a standfirst needs capitals or a wire's tag.
        "Talks resumed.\n\nOn Monday, Dec 7 — Officials met again.\n\nMore.",
        # Three standfirsts are no standfirst.
        "One line.\n\nTwo lines.\n\nThree lines.\n\nKYIV — Officials met.\n\nMore.",
    ],
)
def test_what_is_no_dateline_after_a_standfirst(tmp_path, gazetteer, body):
    article = import_one(tmp_path, body)
    assert not datelines(article)


@pytest.mark.parametrize(
    ("paragraph", "kept", "promo"),
    [
        (
            "Rescue workers pulled three people out. READ MORE: Kharkiv builds classrooms "
            "underground. The mayor said schools would move online.",
            "Rescue workers pulled three people out. The mayor said schools would move online.",
            "READ MORE: Kharkiv builds classrooms underground.",
        ),
        (
            "The firms need engines. Also read: How a garage became a factory. They asked "
            "not to be named.",
            "The firms need engines. They asked not to be named.",
            "Also read: How a garage became a factory.",
        ),
        (
            "Пошкоджено два склади. Читайте також: Як місто відновлює порти. Постраждалих немає.",
            "Пошкоджено два склади. Постраждалих немає.",
            "Читайте також: Як місто відновлює порти.",
        ),
        (
            "Учения шли неделю. Читайте также: Как меняется армия. Их итоги не раскрыты.",
            "Учения шли неделю. Их итоги не раскрыты.",
            "Читайте также: Как меняется армия.",
        ),
    ],
)
def test_a_promo_between_sentences_goes_and_the_sentences_stay(
    tmp_path, gazetteer, paragraph, kept, promo
):
    article = import_one(tmp_path, f"Opening paragraph of the text.\n\n{paragraph}\n\nMore.")
    assert article.body.split("\n\n")[1] == kept
    assert removed(article, "read-more link") == [promo]


@pytest.mark.parametrize(
    "paragraph",
    [
        "Troops moved east. See also: the map below. It shows the new line.",
        "Officials met. Read more: U.S. aid arrives. Nothing else was said.",
        "Officials met. He asked readers to read more: Later. and stopped.",
    ],
)
def test_what_is_no_promo_between_sentences(tmp_path, gazetteer, paragraph):
    article = import_one(tmp_path, f"Opening paragraph of the text.\n\n{paragraph}\n\nMore.")
    assert article.body.split("\n\n")[1] == paragraph


def test_the_outlet_naming_itself_is_no_suggestion(tmp_path, gazetteer):
    own = (
        "Reporters of the Harbor Ledger visited the front. Soldiers told HARBOR LEDGER that "
        "drones dominate. A Harbor Ledger Investigation found gaps. The Ledger asked the "
        "ministry about it, and Marta Oliinyk answered."
    )
    bracketed = (
        "Analysts at IFS said so, and Marta Oliinyk agreed. The Institute for Front Studies "
        "Russia Team disagreed."
    )
    other = "Visitors from the Ledger Foundation met Marta Oliinyk."
    report = import_records(
        tmp_path,
        {"title": "One", "body": own, "source": "Harbor Ledger"},
        {"title": "Two", "body": bracketed, "source": "Institute for Front Studies (IFS)"},
        {"title": "Three", "body": other, "source": "Steppe Review"},
    )
    assert report.created == 3
    names = set(Suggestion.objects.values_list("name", flat=True))
    assert "Marta Oliinyk" in names
    assert "Ledger Foundation" in names  # another outlet's text: the name is no self-mention
    assert not names & {"Ledger", "Harbor Ledger Investigation", "Reporters of the Harbor Ledger"}
    assert not names & {"IFS", "Institute for Front Studies Russia Team"}


NOTES = (
    "Russian forces attacked near Huliaipole.[1] Ukrainian forces held the line.[2]\n\n"
    "{heading}"
    "[1] General Staff report, morning edition.\n\n"
    "[2] Regional command statement, December 6.\n\n"
    "{notes}"
)


@pytest.mark.parametrize(
    ("heading", "tail"),
    [
        ("Notes\n\n", "The views expressed are the authors' own."),
        ("Endnotes\n\n", "Note: the maps are updated daily.\n\nRelated\n\nHow shells run out"),
        ("Примітки\n\n", "Related\n\nHow shells run out\n\nWhy drones matter"),
        ("", "[3] Ministry statement, December 5.\n\nThe views expressed are our own."),
    ],
)
def test_endnotes_before_a_disclaimer_or_related_links_go_with_their_heading(
    tmp_path, gazetteer, client, heading, tail
):
    notes = "[3] Ministry statement, December 5.\n\n" if heading else ""
    body = NOTES.format(heading=heading, notes=notes) + tail.removeprefix(notes)
    article = import_one(tmp_path, body)
    assert article.body.startswith(
        "Russian forces attacked near Huliaipole. Ukrainian forces held the line."
    )
    assert "[1]" not in article.body and "General Staff report" not in article.body
    assert "How shells run out" not in article.body and "Related" not in article.body
    rules = [item["rule"] for item in article.furniture if item["kind"] == "removed"]
    assert rules.count("endnote") == 3
    assert rules.count("endnotes heading") == (1 if heading else 0)
    assert [item["text"] for item in article.furniture if item["kind"] == "footnote"] == [
        "[1]",
        "[2]",
    ]
    page = client.get(article.get_absolute_url()).content.decode()
    assert "General Staff report" not in page and "How shells run out" not in page


@pytest.mark.parametrize(
    "body",
    [
        # Two notes without a heading, then text: a list in the text, not endnotes.
        "The plan had two parts.\n\n[1] Hold the bridge.\n\n[2] Cross at night.\n\n"
        "Both parts failed within a week, officers said.",
        # Notes followed by long paragraphs of text are no endnotes either.
        "Sources\n\n[1] Ministry.\n\n" + "The article goes on at length. " * 20,
    ],
)
def test_numbered_lines_followed_by_text_are_no_endnotes(tmp_path, gazetteer, body):
    article = import_one(tmp_path, f"Opening paragraph of the text.\n\n{body}")
    assert "[1]" in article.body
