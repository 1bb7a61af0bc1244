"""Furniture learned per source, bylines, datelines and footnote marks, on
generated articles of made-up publishers."""

import datetime
import json
import random
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.importing import import_paths
from articles.importing.learning import learn_furniture, learning_threshold, reclean_articles
from articles.importing.structure import (
    fingerprint,
    furniture_kind,
    original_paragraphs,
    structure,
)
from articles.models import Article, Location, LocationMention, Source, SourceFurniture, Suggestion

SOURCE = "Meridian Defence Review"
AUTHORS = ["Alina Varga", "Tomas Brell", "Ruth Oakes"]
NOTICE = (
    "Meridian staff, trained in Geneva, follow the Geneva Conventions and publish no imagery that "
    "identifies prisoners of war or shows their treatment in captivity."
)
NOTE = "Note: Meridian receives no classified material and draws only on open reports and imagery."
HEADINGS = ["Key Developments", "Southern Front Overview (objective: hold the river line)"]
WORDS = [
    "brigade",
    "reserve",
    "convoy",
    "depot",
    "ridge",
    "ferry",
    "crossing",
    "rotation",
    "artillery",
    "patrol",
    "column",
    "sapper",
    "trench",
    "barrage",
    "bridgehead",
    "supply",
    "pontoon",
    "relief",
    "shelling",
    "outpost",
    "salient",
]


def _sentence(rng, n=14):
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _paragraph(rng, sentences=3):
    return " ".join(_sentence(rng) for _ in range(sentences))


def meridian_record(n, *, with_notices=True):
    """Article ``n`` of the made-up source: byline, dateline, intro, headings,
    footnote marks and its two standing notices."""
    rng = random.Random(n)
    day = datetime.date(2024, 3, 1) + datetime.timedelta(days=n)
    body = [
        ", ".join(AUTHORS[:2]) + ", and " + AUTHORS[2],
        f"{day:%B} {day.day}, {5 + n % 4}:15 pm ET",
        _paragraph(rng) + f" Shelling near Kharkiv continued.[{n + 1}]",
        HEADINGS[0],
        _paragraph(rng) + "[3][4] " + _sentence(rng),
        HEADINGS[1],
        _paragraph(rng),
    ]
    if with_notices:
        body += [NOTICE.replace("prisoners", "prisoners" if n % 2 else "Prisoners"), NOTE]
    return {
        "title": f"Frontline assessment number {n}",
        "body": "\n\n".join(body),
        "source": SOURCE,
        "authors": AUTHORS,
        "url": f"https://meridian.example/assessments/{n}",
        "published": day.isoformat(),
    }


def write_records(path, records):
    path.write_text("\n".join(json.dumps(record) for record in records), encoding="utf-8")
    return path


@pytest.fixture
def meridian(tmp_path, gazetteer):
    """Thirty articles of one source, imported in batches of five, so that the
    first are written before anything is learned."""
    write_records(tmp_path / "meridian.jsonl", [meridian_record(n) for n in range(30)])
    report = import_paths([tmp_path], batch_size=5, workers=1)
    assert report.created == 30
    return report


def _articles():
    return Article.objects.filter(source__name=SOURCE).order_by("pk")


def test_a_recurring_notice_is_learned_taken_out_of_every_body_and_kept(meridian):
    learned = {row.text: row for row in SourceFurniture.objects.filter(source__name=SOURCE)}
    notices = [row for row in learned.values() if row.kind == SourceFurniture.Kind.NOTICE]
    assert {row.fingerprint for row in notices} == {fingerprint(NOTICE), fingerprint(NOTE)}
    assert all(row.status == SourceFurniture.Status.LEARNED for row in learned.values())
    assert all(row.article_count == 30 for row in learned.values())
    assert meridian.furniture_learned == 1
    assert meridian.recleaned > 0  # the first batches, prepared before learning

    for article in _articles():
        assert "Geneva" not in article.body and "Geneva" not in article.lede
        kept = [item["text"] for item in article.furniture if item["kind"] == "notice"]
        assert len(kept) == 2 and any("Geneva Conventions" in text for text in kept)
        assert article.cleaned_with != ""
    geneva = Location.objects.get(name="Geneva")
    assert not LocationMention.objects.filter(location=geneva).exists()
    assert LocationMention.objects.filter(location__name="Kharkiv").count() == 30


def test_the_notice_is_out_of_search_and_snippets_but_shown_to_editors(
    meridian, client, admin_client
):
    response = client.get(reverse("articles:search"), {"q": "Conventions"})
    assert response.status_code == 200
    assert response.context["results"].queryset.count() == 0
    response = client.get(reverse("articles:search"), {"q": "pontoon"})
    assert response.context["results"].queryset.count() == 30
    page = response.content.decode()
    assert "Geneva" not in page and "classified" not in page and "Key Developments" not in page

    article = _articles().first()
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<details class="standing-notices">' in page
    assert "Geneva Conventions" in page.split('<details class="standing-notices">')[1]
    admin_page = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "Geneva Conventions" in admin_page.content.decode()
    listing = admin_client.get(reverse("admin:articles_sourcefurniture_changelist"))
    assert "Geneva Conventions" in listing.content.decode()


def test_recurring_headings_are_headings_not_ledes_snippets_or_suggestions(meridian, client):
    rows = SourceFurniture.objects.filter(source__name=SOURCE, kind="heading")
    assert sorted(rows.values_list("text", flat=True)) == sorted(HEADINGS)
    article = _articles().first()
    assert article.lede.startswith(("Brigade", "Reserve", "Convoy")) or article.lede == ""
    for heading in HEADINGS:
        assert heading not in article.body and heading not in article.lede
    assert not Suggestion.objects.filter(normalized__contains="key developments").exists()
    assert not Suggestion.objects.filter(normalized__contains="southern front").exists()
    page = client.get(article.get_absolute_url()).content.decode()
    body = page.split('<div class="body"')[1].split("</div>")[0]
    assert '<h2 class="section-heading">Key Developments</h2>' in body
    assert body.index("Key Developments") < body.index("Southern Front Overview")


def test_the_byline_and_dateline_are_never_the_lede(meridian):
    for article in _articles():
        assert "Varga" not in article.lede and "Varga" not in article.body
        assert " pm ET" not in article.lede and " pm ET" not in article.body
        kinds = [item["kind"] for item in article.furniture]
        assert "byline" in kinds and "dateline" in kinds


def test_footnote_marks_are_out_of_the_text_and_shown_as_reference_marks(meridian, client):
    article = _articles().first()
    assert "[1]" not in article.lede + article.body and "[3][4]" not in article.body
    assert "continued." in article.lede + article.body
    response = client.get(reverse("articles:search"), {"q": "continued"})
    assert "[1]" not in response.content.decode()
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<sup class="footnote-mark" title="Footnote 3, 4">3, 4</sup>' in page
    assert "continued.<sup" in page
    highlighted = client.get(article.get_absolute_url(), {"q": "continued"}).content.decode()
    assert "<mark>continued</mark>.<sup" in highlighted


def test_every_article_keeps_enough_to_rebuild_its_text_exactly(meridian):
    for n, article in enumerate(_articles()):
        original = meridian_record(n)["body"].split("\n\n")
        assert original_paragraphs(article.lede, article.body, article.furniture) == original


def test_recleaning_is_idempotent(meridian):
    before = list(_articles().values_list("body", "lede", "furniture", "content_hash"))
    assert reclean_articles().changed == 0
    assert reclean_articles(everything=True).changed == 0
    assert reclean_articles(everything=True).changed == 0
    assert list(_articles().values_list("body", "lede", "furniture", "content_hash")) == before
    call_command("reclean_articles", "--learn", "--all", verbosity=0)
    assert list(_articles().values_list("body", "lede", "furniture", "content_hash")) == before


def test_importing_again_changes_nothing(meridian, tmp_path):
    report = import_paths([tmp_path], batch_size=5, workers=1)
    assert report.unchanged == 30 and report.updated == 0 and report.recleaned == 0


def test_rejecting_a_notice_in_admin_puts_it_back_into_the_text(meridian, admin_client, client):
    notice = SourceFurniture.objects.get(source__name=SOURCE, text__contains="Geneva")
    changelist = reverse("admin:articles_sourcefurniture_changelist")
    response = admin_client.post(
        changelist, {"action": "reject", "_selected_action": [notice.pk]}, follow=True
    )
    assert response.status_code == 200
    notice.refresh_from_db()
    assert notice.status == SourceFurniture.Status.REJECTED
    for n, article in enumerate(_articles()):
        assert "Geneva Conventions" in article.body
        assert original_paragraphs(article.lede, article.body, article.furniture) == (
            meridian_record(n)["body"].split("\n\n")
        )
    assert LocationMention.objects.filter(location__name="Geneva").count() == 30
    assert (
        client.get(reverse("articles:search"), {"q": "Conventions"})
        .context["results"]
        .queryset.count()
        == 30
    )

    # Learning again keeps the editor's decision.
    learn_furniture([notice.source_id])
    notice.refresh_from_db()
    assert notice.status == SourceFurniture.Status.REJECTED

    admin_client.post(changelist, {"action": "confirm", "_selected_action": [notice.pk]})
    assert not _articles().filter(body__contains="Geneva").exists()
    assert not LocationMention.objects.filter(location__name="Geneva").exists()


def test_furniture_an_editor_adds_is_taken_out(meridian, admin_client):
    source = Source.objects.get(name=SOURCE)
    line = "Shelling near Kharkiv continued."
    assert _articles().filter(body__contains=line).count() == 30  # part of a paragraph
    response = admin_client.post(
        reverse("admin:articles_sourcefurniture_add"),
        {"source": source.pk, "kind": "notice", "status": "added", "text": "Nothing like it"},
    )
    assert response.status_code == 302
    added = SourceFurniture.objects.get(text="Nothing like it")
    assert added.status == SourceFurniture.Status.ADDED

    # Through the source's own page: a paragraph every article has, added as a notice.
    paragraph = _articles().first().body.split("\n\n")[-1]
    rows = list(SourceFurniture.objects.filter(source=source).order_by("pk"))
    data = {
        "name": source.name,
        "kind": source.kind,
        "homepage": "",
        "country": "",
        "language": source.language,
        "aliases-TOTAL_FORMS": 0,
        "aliases-INITIAL_FORMS": 0,
        "furniture-TOTAL_FORMS": len(rows) + 1,
        "furniture-INITIAL_FORMS": len(rows),
        "furniture-MIN_NUM_FORMS": 0,
        "furniture-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        data |= {
            f"furniture-{i}-id": row.pk,
            f"furniture-{i}-source": source.pk,
            f"furniture-{i}-kind": row.kind,
            f"furniture-{i}-status": row.status,
            f"furniture-{i}-text": row.text,
        }
    i = len(rows)
    data |= {
        f"furniture-{i}-source": source.pk,
        f"furniture-{i}-kind": "notice",
        f"furniture-{i}-status": "added",
        f"furniture-{i}-text": paragraph.upper(),  # near-exact: case is folded
    }
    response = admin_client.post(reverse("admin:articles_source_change", args=[source.pk]), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    first = _articles().first()
    assert paragraph not in first.body
    assert paragraph in [item["text"] for item in first.furniture]


def test_a_source_with_few_articles_learns_nothing(tmp_path, gazetteer):
    records = [meridian_record(n) for n in range(6)]
    for n in range(12):
        record = meridian_record(100 + n, with_notices=False)
        record["source"] = "Harbour Ledger"
        if n < 2:  # a paragraph two articles share is no furniture
            record["body"] += "\n\nBoth of these share one closing paragraph about the ferry."
        records.append(record)
    write_records(tmp_path / "small.jsonl", records)
    import_paths([tmp_path])
    assert not SourceFurniture.objects.filter(source__name=SOURCE).exists()
    harbour = SourceFurniture.objects.filter(source__name="Harbour Ledger")
    assert set(harbour.values_list("kind", flat=True)) == {"heading"}  # its two headings
    assert _articles().filter(body__contains="Geneva Conventions").count() == 6
    assert learning_threshold(7) is None and learning_threshold(8) == 3
    assert learning_threshold(30) == 6 and learning_threshold(1000) == 200


def test_a_byline_fills_missing_authors_and_a_dateline_a_missing_date(tmp_path, gazetteer):
    body = "{top}\n\n" + _paragraph(random.Random(1)) + "\n\n" + _paragraph(random.Random(2))
    records = [
        {"title": "One", "body": body.format(top="By Mara Quill and Oren Tatlow\n\n5 June 2024")},
        {
            "title": "Two",
            "body": body.format(top="By Mara Quill\n\nJune 5, 5:15 pm ET"),
            "url": "https://ledger.example/2024/06/two",
        },
        {"title": "Three", "body": body.format(top="June 7, 9:00 am ET")},
        {
            "title": "Four",
            "body": body.format(top="KYIV, June 8, 2024 — Ferry crossings resumed at dawn."),
            "published": "2024-06-01",
            "authors": ["Ivo Brant"],
        },
    ]
    write_records(tmp_path / "ledger.jsonl", records)
    import_paths([tmp_path])
    one, two, three, four = (Article.objects.get(title=t) for t in ("One", "Two", "Three", "Four"))
    assert one.authors == ["Mara Quill", "Oren Tatlow"]
    assert one.published == datetime.date(2024, 6, 5)
    assert two.published == datetime.date(2024, 6, 5)  # the year from the URL
    assert three.published is None  # no year anywhere: left empty
    assert four.published == datetime.date(2024, 6, 1) and four.authors == ["Ivo Brant"]
    assert four.body.startswith("Ferry crossings resumed at dawn.")
    for article in (one, two, three, four):
        assert "Quill" not in article.lede + article.body
        assert "June" not in article.lede and "KYIV" not in article.lede + article.body
    filled = [item for item in one.furniture if item.get("filled")]
    assert {item["kind"] for item in filled} == {"byline", "dateline"}


def test_ukrainian_and_russian_dates_and_bylines(tmp_path, gazetteer):
    text = (
        "Сьогодні уряд ухвалив рішення щодо енергетики, оборони та відновлення міст.\n\n"
        "Робота триватиме до кінця року, і ми звітуватимемо про кожен крок."
    )
    records = [
        {"body": "26 липня 2022 року - 21:35\n\n" + text, "language": "uk"},
        {"title": "Два", "body": "Київ, 27 липня — " + text, "language": "uk"},
        {"title": "Три", "body": text, "published": "28 июля 2022 года", "language": "ru"},
        {"title": "Чотири", "body": "Автори: Олена Коваль та Іван Петренко\n\n" + text},
        {"title": "П'ять", "body": "Оновлено: вівторок, 2 серпня 2022 року о 10:15\n\n" + text},
    ]
    write_records(tmp_path / "addresses.jsonl", records)
    report = import_paths([tmp_path])
    assert not report.rejected
    one = Article.objects.get(published=datetime.date(2022, 7, 26))
    assert one.title.startswith("Сьогодні уряд") and one.body.startswith("Сьогодні уряд")
    assert [item["kind"] for item in one.furniture if item.get("filled")] == ["dateline"]
    two = Article.objects.get(title="Два")
    assert two.published is None  # no year anywhere: left empty, the dateline still taken out
    assert two.body.startswith("Сьогодні уряд")
    assert Article.objects.get(title="Три").published == datetime.date(2022, 7, 28)
    five = Article.objects.get(title="П'ять")
    assert five.published == datetime.date(2022, 8, 2) and five.body.startswith("Сьогодні уряд")
    four = Article.objects.get(title="Чотири")
    assert four.authors == ["Олена Коваль", "Іван Петренко"]
    assert four.body.startswith("Сьогодні уряд")


def test_a_lede_from_the_text_is_never_a_byline_or_dateline():
    paragraphs = [
        "By Mara Quill",
        "5 June 2024",
        "Ferry crossings on the southern river resumed at dawn[2]",
        _paragraph(random.Random(3)),
    ]
    result = structure(
        paragraphs, take_lede=lambda paragraph: len(paragraph.split()) >= 6, context=""
    )
    assert result.lede == "Ferry crossings on the southern river resumed at dawn"
    assert result.authors == ["Mara Quill"] and result.published == datetime.date(2024, 6, 5)
    assert original_paragraphs(result.lede, result.body, result.items) == paragraphs


def test_near_exact_repeats_share_a_fingerprint():
    a = "Note: the map of 5 June 2024 shows 12 positions."
    b = "NOTE — the map of 17 July 2025 shows 9 positions!"
    assert fingerprint(a) == fingerprint(b)
    assert fingerprint(a) != fingerprint("Note: the map shows no positions.")
    assert fingerprint("12 June") == ""  # no words to go by
    assert furniture_kind("Key Developments") == "heading"
    assert furniture_kind(NOTICE) == "notice"


def test_the_corpus_report_shows_each_source(meridian):
    from io import StringIO

    out = StringIO()
    slug = Source.objects.get(name=SOURCE).slug
    call_command("corpus_report", "--source", slug, stdout=out)
    text = out.getvalue()
    assert f"{SOURCE} ({slug})" in text
    assert "articles: 30" in text
    assert "standing notices: 2" in text and "headings: 2" in text
    assert (
        "[learned] in 30 articles: Meridian staff, trained in Geneva, follow the Geneva Conventions"
        in text
    )
    assert "bylines: 30 (authors filled in 0)" in text
    assert "datelines: 30 (dates filled in 0)" in text
    assert "most linked places: Kharkiv (30)" in text


def test_the_corpus_report_is_an_admin_page_too(meridian, admin_client):
    listing = admin_client.get(reverse("admin:articles_sourcefurniture_changelist"))
    report_url = reverse("admin:articles_sourcefurniture_report")
    assert report_url in listing.content.decode()
    page = admin_client.get(report_url).content.decode()
    assert SOURCE in page and "Meridian staff, trained in Geneva" in page
    assert "Kharkiv (30)" in page


def test_a_text_flattened_to_one_long_paragraph_is_shown_in_paragraphs_of_sentences(
    tmp_path, gazetteer, client
):
    rng = random.Random(7)
    sentences = [_sentence(rng, 16) + (f"[{n}]" if n % 9 == 4 else "") for n in range(40)]
    sentences[10] = "Mr. Kmit met U.S. officials and Ostap R. Kmit in the capital."
    sentences[-1] = "The last sentence names the sluice."
    body = " ".join(sentences)
    assert body.count("\n") == 0 and len(body) > 3000
    write_records(
        tmp_path / "flat.jsonl", [{"source": "Flat Press", "title": "A flat text", "body": body}]
    )
    import_paths([tmp_path])
    article = Article.objects.get(title="A flat text")
    assert article.body.count("\n") == 0  # the stored text keeps its one paragraph

    page = client.get(article.get_absolute_url()).content.decode()
    pieces = re.findall(r'<p id="p(\d+)">(.*?)</p>', page, flags=re.S)
    assert [int(number) for number, _ in pieces] == list(range(1, len(pieces) + 1))
    assert len(pieces) >= 4
    texts = [re.sub(r"<sup[^>]*>.*?</sup>", "", html) for _, html in pieces]
    assert " ".join(texts) == article.body
    assert not any(text.endswith(("Mr.", "U.S.", "R.")) for text in texts)
    assert page.count('class="footnote-mark"') == body.count("[")

    highlighted = client.get(article.get_absolute_url(), {"q": "sluice"}).content.decode()
    assert f'href="#p{len(pieces)}">Jump to the first match' in highlighted


def test_lines_taken_out_as_site_furniture_stay_with_the_article(tmp_path, gazetteer, admin_client):
    body = (
        "The ferry crossing reopened at dawn after a week of shelling.\n\n"
        "Sign up to our free daily newsletter\n\n"
        "post-img\n\n"
        "Sappers cleared the pontoon before the first convoy crossed."
    )
    write_records(
        tmp_path / "site.jsonl", [{"source": "Flat Press", "title": "Ferry", "body": body}]
    )
    import_paths([tmp_path])
    article = Article.objects.get(title="Ferry")
    assert "newsletter" not in article.body and "post-img" not in article.body
    taken_out = [
        (item["rule"], item["text"]) for item in article.furniture if item["kind"] == "removed"
    ]
    assert [text for _, text in taken_out] == ["Sign up to our free daily newsletter", "post-img"]
    admin_page = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "Sign up to our free daily newsletter" in admin_page.content.decode()

    reclean_articles(everything=True)
    article.refresh_from_db()
    assert [(item["rule"], item["text"]) for item in article.furniture] == taken_out


def test_a_text_made_only_of_its_source_s_furniture_keeps_it(tmp_path, gazetteer):
    # One such text is written before the furniture is learned (then cleaned
    # again), one after.
    notes = [
        {
            "title": f"Standing notes {n}",
            "body": f"{HEADINGS[0]}\n\n{NOTICE}\n\n{NOTE}",
            "source": SOURCE,
            "url": f"https://meridian.example/notes/{n}",
        }
        for n in range(2)
    ]
    records = [notes[0], *(meridian_record(n) for n in range(10)), notes[1]]
    write_records(tmp_path / "notes.jsonl", records)
    import_paths([tmp_path], batch_size=5, workers=1)
    assert SourceFurniture.objects.filter(source__name=SOURCE, kind="notice").exists()
    kept = Article.objects.filter(url__startswith="https://meridian.example/notes/")
    assert [article.body for article in kept] == [f"{HEADINGS[0]}\n\n{NOTICE}\n\n{NOTE}"] * 2
    assert NOTICE not in _articles().exclude(pk__in=kept).first().body
