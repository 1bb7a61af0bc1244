"""An article that does not say its language gets the one its text is in,
among the languages an archive of this war meets, or "und" when its text is
too short to tell; an article in a language search has no stemming for is
still indexed word for word, found, and filtered by its language.  Through
the import and real requests, on whichever database the suite runs on."""

import pytest

from articles.importing import import_paths
from articles.models import Article

pytestmark = pytest.mark.django_db

TEXTS = {
    "french.txt": (
        "Les drones au-dessus de Zaporijjia\n\n"
        "Les forces russes ont de nouveau attaqué la ville avec des drones pendant la nuit, "
        "a indiqué l'armée de l'air ukrainienne. Les équipes de secours ont travaillé "
        "jusqu'au matin pour dégager les immeubles touchés par les débris."
    ),
    "german.txt": (
        "Nächtlicher Angriff auf Charkiw\n\n"
        "Die russischen Truppen haben die Stadt in der Nacht erneut mit Raketen beschossen, "
        "teilte die Verwaltung mit. Die Feuerwehr war bis zum Morgen im Einsatz, und mehrere "
        "Wohnhäuser wurden schwer beschädigt."
    ),
    "english.txt": (
        "Repairs after the night raid\n\n"
        "Crews worked through the morning to restore power to the district after the strike, "
        "and the city council said that schools would stay closed until the weekend."
    ),
    "ukrainian.txt": (
        "Ремонт після нічної атаки\n\n"
        "Бригади працювали весь ранок, щоб відновити світло в районі після удару, а міська "
        "рада повідомила, що школи залишаться зачиненими до вихідних."
    ),
    "short.txt": "Brief note\n\nKyiv report",
}


@pytest.fixture
def imported(tmp_path, gazetteer):
    for name, text in TEXTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    report = import_paths([tmp_path])
    assert report.rejected == [] and report.created == len(TEXTS), report
    return {article.provenance: article for article in Article.objects.all()}


def test_each_article_gets_the_language_its_text_is_in(imported):
    languages = {name: article.language for name, article in imported.items()}
    assert languages == {
        "french.txt": "fr",
        "german.txt": "de",
        "english.txt": "en",
        "ukrainian.txt": "uk",
        "short.txt": "und",
    }


def test_a_french_or_german_article_is_found_and_filtered_by_its_language(client, imported):
    french = imported["french.txt"]
    response = client.get("/search/", {"q": "débris"})
    assert response.status_code == 200
    assert [article.pk for article in response.context["page"].items] == [french.pk]
    (language_facet,) = [facet for facet in response.context["facets"] if facet.name == "language"]
    assert [(value.value, value.label) for value in language_facet.values] == [("fr", "French")]

    response = client.get("/search/", {"q": "Wohnhäuser beschädigt", "language": "de"})
    found = [article.pk for article in response.context["page"].items]
    assert found == [imported["german.txt"].pk]
    assert client.get("/search/", {"q": "Wohnhäuser", "language": "fr"}).context["page"].items == []

    page = client.get(french.get_absolute_url())
    assert page.status_code == 200
    assert 'lang="fr"' in page.content.decode() and "French" in page.content.decode()


def test_a_declared_language_is_kept_whatever_the_text(tmp_path, gazetteer):
    (tmp_path / "a.md").write_text(
        "---\ntitle: Bericht\nlanguage: Deutsch\n---\nThe text is in English here.\n",
        encoding="utf-8",
    )
    report = import_paths([tmp_path])
    assert report.rejected == [], report
    assert Article.objects.get().language == "de"
