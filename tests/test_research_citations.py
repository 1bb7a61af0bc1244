"""Citations on the article page and as BibTeX, RIS and CSL-JSON files, read back
with the parsers that reference managers use."""

import datetime
import json
import os
import shutil
import subprocess
from pathlib import Path

import bibtexparser
import pytest
import rispy
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON

from articles.models import Source

from .research_data import bare_article, full_article, make_article, make_source

pytestmark = pytest.mark.django_db

ARCHIVE_PREFIX = "http://testserver/articles/"
CITATION_JS = Path(__file__).parent / "citation_js"


def download(client, article, fmt):
    response = client.get(f"/articles/{article.slug}/cite.{fmt}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{article.slug}.{fmt}"'
    return response


def parse_bibtex(text):
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [block.error for block in library.failed_blocks]
    return library.entries


def test_bibtex_of_a_full_article_parses_with_every_field(client):
    article = full_article()
    response = download(client, article, "bib")
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    [entry] = parse_bibtex(response.content.decode())
    assert entry.entry_type == "techreport"
    assert entry.key == article.slug
    fields = entry.fields_dict
    assert fields["title"].value == (
        r"Russian {Offensive} {Campaign} {Assessment,} {March} 5 \& the 100\% question"
    )
    assert fields["author"].value == "Stepanenko, Kateryna and Barros, George"
    assert fields["institution"].value == "Institute for the Study of War"
    assert fields["year"].value == "2024"
    assert fields["date"].value == "2024-03-05"
    assert fields["url"].value == article.url
    assert fields["abstract"].value == r"Russian forces advanced near Pokrovsk\_\{east\}."
    assert (
        fields["note"].value == f"War-analysis archive, archived at {ARCHIVE_PREFIX}{article.slug}/"
    )
    assert fields["urldate"].value == datetime.date.today().isoformat()


def test_bibtex_leaves_unknown_fields_out(client):
    article = bare_article()
    [entry] = parse_bibtex(download(client, article, "bib").content.decode())
    assert entry.entry_type == "misc"
    assert set(entry.fields_dict) == {"title", "url", "note", "urldate"}
    assert entry.fields_dict["url"].value == f"{ARCHIVE_PREFIX}{article.slug}/"


def test_bibtex_cites_news_as_an_article_in_a_journal(client):
    source = make_source("Kyiv Independent", kind=Source.Kind.NEWS_OUTLET)
    article = make_article("Evacuation of Kupiansk", source=source)
    [entry] = parse_bibtex(download(client, article, "bib").content.decode())
    assert entry.entry_type == "article"
    assert entry.fields_dict["journal"].value == "Kyiv Independent"


def test_bibtex_braces_and_backslashes_in_a_headline_cannot_break_the_entry(client):
    article = make_article(r"Unbalanced } brace and \end{document} in a headline {")
    text = download(client, article, "bib").content.decode()
    [entry] = parse_bibtex(text + "\n@misc{after, title={Still parsed}}\n")[:1]
    assert entry.fields_dict["url"].value.endswith(f"{article.slug}/")
    assert len(parse_bibtex(text + "\n@misc{after, title={Still parsed}}\n")) == 2


def test_ris_of_a_full_article_parses_with_every_field(client):
    article = full_article()
    response = download(client, article, "ris")
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    [record] = rispy.loads(response.content.decode())
    assert record["type_of_reference"] == "RPRT"
    assert record["title"] == article.title
    assert record["authors"] == ["Stepanenko, Kateryna", "Barros, George"]
    assert record["publisher"] == "Institute for the Study of War"
    assert record["year"] == "2024"
    assert record["date"] == "2024/03/05"
    assert record["urls"] == [article.url, f"{ARCHIVE_PREFIX}{article.slug}/"]
    assert record["language"] == "en"
    assert record["name_of_database"] == "War-analysis archive"
    assert record["access_date"] == f"{datetime.date.today():%Y/%m/%d}"


def test_ris_leaves_unknown_fields_out(client):
    article = bare_article()
    [record] = rispy.loads(download(client, article, "ris").content.decode())
    assert set(record) == {
        "type_of_reference",
        "title",
        "urls",
        "id",
        "name_of_database",
        "access_date",
    }


def test_ris_keeps_a_headline_with_line_breaks_on_one_line(client):
    article = make_article("First line\nER  - \nTY  - JOUR")
    records = rispy.loads(download(client, article, "ris").content.decode())
    assert len(records) == 1
    assert records[0]["title"] == "First line ER - TY - JOUR"


def render_with_citeproc(csl_items):
    """Format the items with citeproc-py and the style it ships, as a word processor would."""
    source = CiteProcJSON(csl_items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in csl_items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [str(entry) for entry in bibliography.bibliography()]


def test_csl_json_of_a_full_article_is_read_by_citeproc(client):
    article = full_article()
    response = download(client, article, "json")
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    [item] = items = json.loads(response.content)
    assert item["type"] == "report"
    assert item["author"] == [
        {"family": "Stepanenko", "given": "Kateryna"},
        {"family": "Barros", "given": "George"},
    ]
    assert item["issued"] == {"date-parts": [[2024, 3, 5]]}
    [formatted] = render_with_citeproc(items)
    assert formatted.startswith("Stepanenko, K. and Barros, G. (2024)")
    assert "Russian Offensive Campaign Assessment" in formatted
    assert "Institute for the Study of War" in formatted


def test_csl_json_leaves_unknown_fields_out(client):
    article = bare_article()
    [item] = items = json.loads(download(client, article, "json").content)
    assert set(item) == {"id", "type", "title", "URL", "accessed", "archive", "archive_location"}
    [formatted] = render_with_citeproc(items)
    assert "Interview on the front line" in formatted
    assert "n.d." not in json.dumps(item) and "Anonymous" not in json.dumps(item)


def test_article_page_shows_a_readable_citation_and_the_downloads(client):
    article = full_article()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Kateryna Stepanenko and George Barros. “Russian Offensive Campaign Assessment, "
        "March 5 &amp; the 100% question.” Institute for the Study of War, 5 March 2024. "
        f"{article.url}. Archived at {ARCHIVE_PREFIX}{article.slug}/."
    ) in html
    for fmt in ("bib", "ris", "json"):
        assert f'href="/articles/{article.slug}/cite.{fmt}"' in html


def test_readable_citation_of_a_bare_article_has_no_placeholders(client):
    article = bare_article()
    html = client.get(article.get_absolute_url()).content.decode()
    assert f"“Interview on the front line.” {ARCHIVE_PREFIX}{article.slug}/." in html


def test_citation_of_an_unknown_or_draft_article_is_404(client):
    draft = make_article("Not yet public", status="draft")
    assert client.get(f"/articles/{draft.slug}/cite.bib").status_code == 404
    assert client.get("/articles/no-such-article/cite.ris").status_code == 404
    assert client.get(f"/articles/{draft.slug}/cite.exe").status_code == 404


def read_with_citation_js(text, fmt):
    """What citation-js, the parser reference tools embed, reads from one of our files."""
    if not (CITATION_JS / "node_modules").is_dir() or not shutil.which("node"):
        reason = "citation-js is not installed (npm ci --prefix tests/citation_js)"
        if os.environ.get("REQUIRE_CITATION_JS") == "1":
            pytest.fail(f"REQUIRE_CITATION_JS=1 but {reason}")
        pytest.skip(reason)
    done = subprocess.run(
        ["node", str(CITATION_JS / "read.js"), fmt],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize("fmt", ["bib", "ris", "json"])
def test_citation_js_reads_names_titles_and_access_dates_in_every_format(client, fmt):
    article = full_article()
    article.title = "Ukraine and NATO after the Vilnius summit"
    article.authors = ["Jan van der Berg", "Kateryna Stepanenko", "Martin Luther King Jr."]
    article.save()
    [item] = read_with_citation_js(download(client, article, fmt).content.decode(), fmt)
    families = [
        " ".join(filter(None, [name.get("non-dropping-particle"), name["family"]]))
        for name in item["author"]
    ]
    assert families == ["van der Berg", "Stepanenko", "King"]
    assert [name["given"] for name in item["author"]] == ["Jan", "Kateryna", "Martin Luther"]
    assert item["title"] == "Ukraine and NATO after the Vilnius summit"
    today = datetime.date.today()
    assert item["accessed"] == {"date-parts": [[today.year, today.month, today.day]]}
    assert item["issued"] == {"date-parts": [[2024, 3, 5]]}
