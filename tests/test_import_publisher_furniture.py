"""What publishers of other kinds wrap around their texts, through the import:
a press release (release marker, wire dateline, "About …" section, media
contacts, "###"), a think-tank report (authors' names without "By",
superscript and glued footnote marks, a "Key Takeaways" list, endnotes citing
web addresses) and a newspaper page (share, paywall and "Related:" lines,
update stamps, audio player notice).  All texts are hand-written."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.importing import import_paths
from articles.importing.cleaning import clean_text
from articles.importing.structure import original_paragraphs, trailer_start
from articles.models import Article

RELEASE = """FOR IMMEDIATE RELEASE

Harbour Aid Delivers Forty Generators to Kharkiv Hospitals

KHARKIV, Ukraine, March 3, 2023 /Wirehouse/ -- Harbour Aid today delivered forty generators \
to six hospitals in the Kharkiv region, keeping operating theatres open through the blackouts.

"Every hour without power puts patients at risk," said Greta Solberg, director of operations.

The delivery is the fund's third this winter and brings the total sent to 112 generators.

About Harbour Aid

Harbour Aid is an independent humanitarian organisation founded in 2014. For more \
information, visit www.harbouraid.example.

Media Contact:
Tomas Lindgren
Harbour Aid
+46 8 555 0199
press@harbouraid.example

###
"""

REPORT = """Eastern Front Assessment, March 3, 2023

Lina Moroz, Petra Vale, and Dan Ostrander

March 3, 2023, 7:45pm ET

Key Takeaways

Russian forces continued ground attacks northwest of Svatove.¹
Ukrainian forces likely counterattacked near Bakhmut.²³
Occupation authorities expanded conscription in occupied towns.

Russian forces continued limited attacks along the Svatove-Kreminna line.¹ The General \
Staff reported that Ukrainian troops repelled attacks near Stelmakhivka.²

Ukrainian forces likely counterattacked near Bakhmut.3 Footage published on March 2 shows \
troops advancing west of Ivanivske.4 An area of 40 km² changed hands.

[1] https://example.org/general-staff/posts/1
[2] https://t.me/example_channel/24567
[3] Ministry of Defence daily update, https://example.org/mod/3
4. https://example.net/footage/44012
"""

PAGE = """Grain corridor reopens as ships leave Odesa

Updated at 22.02 BST

Three cargo ships loaded with grain left the port of Odesa on Wednesday, the first \
departures in a week after strikes halted traffic.

Share this article

Officials said the ships carried a total of 120,000 tonnes of wheat and maize.

Related: Strikes on Odesa port for a third night

Sorry, your browser does not support audio - but you can download here and listen

Port operators said insurance costs remained the main obstacle to more sailings.

Subscribe to continue reading. Already a subscriber? Log in
"""


@pytest.fixture
def imported(tmp_path, gazetteer):
    records = [
        {"body": RELEASE, "source": "Harbour Aid"},
        {"body": REPORT, "source": "Eastern Front Institute"},
        {"body": PAGE, "source": "Harbour Herald", "published": "2023-07-12"},
    ]
    path = tmp_path / "publishers.jsonl"
    path.write_text("\n".join(json.dumps(record) for record in records), encoding="utf-8")
    report = import_paths([path])
    assert report.created == 3 and not report.rejected
    return {name: Article.objects.get(source__name=name) for name in _sources(records)}


def _sources(records):
    return [record["source"] for record in records]


def test_a_press_release_keeps_its_headline_and_news_and_sets_its_trailer_apart(imported, client):
    release = imported["Harbour Aid"]
    assert release.title == "Harbour Aid Delivers Forty Generators to Kharkiv Hospitals"
    assert release.published == datetime.date(2023, 3, 3)
    assert release.body.startswith("Harbour Aid today delivered forty generators")
    assert release.body.endswith("brings the total sent to 112 generators.")
    for furniture in ("RELEASE", "KHARKIV", "Wirehouse", "About", "Lindgren", "555", "###"):
        assert furniture not in release.lede + release.body, furniture
    notices = [item["text"] for item in release.furniture if item["kind"] == "notice"]
    assert notices[0] == "About Harbour Aid" and notices[-1] == "press@harbouraid.example"
    response = client.get(reverse("articles:search"), {"q": "Lindgren"})
    assert response.context["results"].queryset.count() == 0
    page = client.get(release.get_absolute_url()).content.decode()
    assert "press@harbouraid.example" in page.split('<details class="standing-notices">')[1]


def test_a_report_s_authors_date_footnotes_list_and_endnotes(imported, client):
    report = imported["Eastern Front Institute"]
    assert report.title == "Eastern Front Assessment, March 3, 2023"
    assert report.authors == ["Lina Moroz", "Petra Vale", "Dan Ostrander"]
    assert report.published == datetime.date(2023, 3, 3)
    assert report.lede == ""  # the authors' line is no lede
    paragraphs = report.body.split("\n\n")
    assert paragraphs[:4] == [
        "Key Takeaways",
        "Russian forces continued ground attacks northwest of Svatove.",
        "Ukrainian forces likely counterattacked near Bakhmut.",
        "Occupation authorities expanded conscription in occupied towns.",
    ]
    assert "near Bakhmut. Footage published on March 2" in report.body
    assert "west of Ivanivske. An area of 40 km² changed hands." in report.body
    assert "https" not in report.body and "Ministry of Defence daily" not in report.body
    marks = [item["text"] for item in report.furniture if item["kind"] == "footnote"]
    assert marks == ["¹", "²³", "¹", "²", "3", "4"]
    page = client.get(report.get_absolute_url()).content.decode()
    assert '<sup class="footnote-mark" title="Footnote 23">23</sup>' in page


def test_a_newspaper_page_loses_its_prompts_and_stamps(imported):
    page = imported["Harbour Herald"]
    assert page.title == "Grain corridor reopens as ships leave Odesa"
    assert page.body.split("\n\n") == [
        "Three cargo ships loaded with grain left the port of Odesa on Wednesday, the first "
        "departures in a week after strikes halted traffic.",
        "Officials said the ships carried a total of 120,000 tonnes of wheat and maize.",
        "Port operators said insurance costs remained the main obstacle to more sailings.",
    ]


def test_what_the_import_sets_apart_can_be_put_back(imported):
    release = imported["Harbour Aid"]
    rebuilt = original_paragraphs(release.lede, release.body, release.furniture)
    assert rebuilt[-5:] == [
        "Media Contact:",
        "Tomas Lindgren",
        "Harbour Aid",
        "+46 8 555 0199",
        "press@harbouraid.example",
    ]
    report = imported["Eastern Front Institute"]
    rebuilt = original_paragraphs(report.lede, report.body, report.furniture)
    assert "Russian forces continued ground attacks northwest of Svatove.¹" in rebuilt
    assert "Ukrainian forces likely counterattacked near Bakhmut.3 Footage" in " ".join(rebuilt)


def test_html_superscript_footnotes_become_marks():
    clean = clean_text(
        "<h1>Winter Assessment</h1><p>Strikes on the grid continued.<sup><a href='#n1'>1</a>"
        "</sup> Repairs took days.<sup>2</sup></p><p>Crews restored power in Kharkiv.</p>"
    )
    assert clean.body.startswith("Strikes on the grid continued. Repairs took days.")
    assert [item["text"] for item in clean.furniture if item["kind"] == "footnote"] == [
        "[1]",
        "[2]",
    ]


@pytest.mark.parametrize(
    "paragraphs",
    [
        # An analysis's own section "About …" that runs on is no trailer.
        ["Opening.", "About the Wagner Group", "One.", "Two.", "Three.", "Four.", "Five."],
        # Nor a trailer longer than the text before it.
        ["Short.", "About Harbour Aid", "A long boilerplate paragraph about the fund. " * 3],
        # Nor a first paragraph, nor contacts told in a sentence.
        ["Media contacts:", "Text."],
        ["Text of the report.", "Contacts between Kyiv and Ankara continued on Monday."],
    ],
)
def test_what_is_no_trailer(paragraphs):
    assert trailer_start(paragraphs) is None


def test_one_name_or_a_list_of_places_is_no_byline():
    clean = clean_text("Front report\n\nKey Takeaways\n\nDonetsk, Luhansk and Kharkiv\n\nText.")
    assert clean.authors == []
    clean = clean_text("Front report\n\nMara Quill\n\nFighting continued near the river.\n\nMore.")
    assert clean.authors == []


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("By Mara Quill in Kyiv", ["Mara Quill"]),
        ("By Mara Quill and Oren Tatlow in Kyiv and Odesa", ["Mara Quill", "Oren Tatlow"]),
        ("Mara Quill in Kyiv and Oren Tatlow in Odesa", ["Mara Quill", "Oren Tatlow"]),
        ("By Mara Quill, Kyiv correspondent", ["Mara Quill"]),
        ("By Mara Quill and Oren Tatlow, The Harbour Press", ["Mara Quill", "Oren Tatlow"]),
        ("By MARA QUILL, Wirehouse", ["Mara Quill"]),
        ("By Staff Reporter", []),
    ],
)
def test_a_newspaper_byline_gives_the_writers_not_their_place_role_or_newsroom(
    tmp_path, gazetteer, byline, authors
):
    body = f"{byline}\n\nFerry crossings resumed at dawn on the river.\n\nQueues were short."
    path = tmp_path / "byline.jsonl"
    path.write_text(json.dumps({"title": "Ferries resume", "body": body}), encoding="utf-8")
    import_paths([path])
    article = Article.objects.get()
    assert article.authors == authors
    assert article.body.startswith("Ferry crossings") and byline not in article.lede
    assert [item["text"] for item in article.furniture if item["kind"] == "byline"] == [byline]


@pytest.mark.parametrize(
    "dateline",
    ["26.07.2022 21:40", "26.07.2022 року", "Jul 26, 2022 | 21:40", "KYIV, 26.07.2022 — "],
)
def test_official_sites_datelines_give_the_date(tmp_path, gazetteer, dateline):
    separator = "" if dateline.endswith(" ") else "\n\n"
    body = f"{dateline}{separator}Dear compatriots!\n\nThe grid held through the night."
    path = tmp_path / "address.jsonl"
    path.write_text(json.dumps({"title": "Evening address", "body": body}), encoding="utf-8")
    import_paths([path])
    article = Article.objects.get()
    assert article.published == datetime.date(2022, 7, 26)
    assert article.body == "Dear compatriots!\n\nThe grid held through the night."


def test_the_corpus_report_lists_the_sources_with_articles(imported):
    out = StringIO()
    call_command("corpus_report", stdout=out)
    text = out.getvalue()
    assert "Harbour Aid (harbour-aid)" in text and "Eastern Front Institute" in text
    assert "Associated Press" not in text  # an outlet of the gazetteer, with no articles
    assert "sources without articles not listed" in text
