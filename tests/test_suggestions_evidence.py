"""Suggestions worth an editor's time: what is left out, what is merged, and
the order by evidence (see articles/importing/suggestions.py).  The texts are
hand-written; every name in them is made up."""

import json

import pytest

from articles.curation.gazetteer_edits import accept_suggestion, create_entity
from articles.importing import import_paths
from articles.importing.suggestions import recompute_suggestions, suggestion_key
from articles.models import Actor, Suggestion

pytestmark = pytest.mark.django_db

RECORDS = [
    {
        "source": "Northern Ledger",
        "authors": ["Halyna Dorosh"],
        "title": "Shelling resumes",
        "body": (
            "Minister Marta Kovalyk said on Monday that shelling near Zavodske resumed at "
            "17:00 GMT.\n\n"
            "Battlefield Overview From The Front\n\n"
            "Throughout the week the plant lost 500 MW. Residents in Zavodske left, and "
            "Marta Kovalyk's office asked the West for help.\n\n"
            "Halyna Dorosh contributed reporting."
        ),
    },
    {
        "source": "Lowland Review",
        "authors": ["Petro Lysak"],
        "title": "A minister's visit",
        "body": (
            "The visit was brief. Minister Marta Kovalyk arrived in Zavodske by train, and "
            "Kovalyk's deputy stayed behind.\n\n"
            "Battlefield Overview From The Front\n\n"
            "Power returned at 9 pm ET, officials said. The City was calm."
        ),
    },
    {
        "source": "Ridge Analysis",
        "authors": ["Halyna Dorosh"],
        "title": "Reconstruction plans",
        "body": (
            "Reconstruction will take years, Marta Kovalyk told reporters. A farm near "
            "Tarasivka was also hit, said Ostap Kmit, a local official."
        ),
    },
    {
        "source": "Ridge Analysis",
        "title": "Заява генерала",
        "language": "uk",
        "body": (
            "Вчора генерал Завадський заявив про відступ. За словами Завадського, "
            "бої тривають, і генерал Завадський поїхав до штабу."
        ),
    },
]


@pytest.fixture
def imported(tmp_path, gazetteer):
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS) + "\n")
    report = import_paths([path])
    assert report.created == len(RECORDS)
    return {s.name: s for s in Suggestion.objects.all()}


def test_headings_time_zones_units_generic_and_sentence_openers_are_left_out(imported):
    names = set(imported)
    assert not {name for name in names if "Battlefield" in name or "Overview" in name}
    assert not names & {"GMT", "ET", "MW", "West", "City", "Throughout", "Monday", "Reconstruction"}


def test_a_list_s_heading_and_an_address_s_greeting_are_no_names(tmp_path, gazetteer):
    body = (
        "Dear Compatriots!\n\nKey Takeaways:\n\nThe grid held near Zavodske overnight.\n\n"
        "Ostap Kmit said:\n\n“We hold.”\n\nДорогі Співвітчизники!"
    )
    path = tmp_path / "address.jsonl"
    path.write_text(json.dumps({"title": "Evening address", "body": body}, ensure_ascii=False))
    import_paths([path])
    names = set(Suggestion.objects.values_list("name", flat=True))
    assert {"Zavodske", "Ostap Kmit"} <= names
    assert not {name for name in names if "Takeaways" in name or "Compatriots" in name}
    assert not {name for name in names if "Співвітчизники" in name}


def test_possessive_and_inflected_forms_are_one_suggestion(imported):
    kovalyk = imported["Marta Kovalyk"]
    assert kovalyk.mention_count == 4  # "Marta Kovalyk's" counts as the name
    assert kovalyk.article_count == 3 and kovalyk.source_count == 3
    general = Suggestion.objects.get(normalized=suggestion_key("Завадського"))
    assert general.name == "Завадський"  # the commonest form names it
    assert general.forms == {"Завадський": 2, "Завадського": 1}
    assert suggestion_key("Kovalyk's") == suggestion_key("Kovalyk")


def test_authors_of_the_archive_are_marked_and_ranked_last(imported):
    author = imported["Halyna Dorosh"]
    assert author.archive_author
    assert list(Suggestion.objects.all())[-1] == author
    assert not imported["Marta Kovalyk"].archive_author


def test_suggestions_are_ordered_by_evidence(imported):
    order = [s.name for s in Suggestion.objects.all()]
    # Three sources, mid-sentence, with "Minister" and "said": first.
    assert order[0] == "Marta Kovalyk"
    # Two articles with "in"/"near" beat one mention in one article.
    assert order.index("Zavodske") < order.index("Tarasivka")
    scores = [s.score for s in Suggestion.objects.all()]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0


def test_recounting_gives_the_same_suggestions(imported):
    before = {
        s.normalized: (s.name, s.mention_count, s.article_count, s.source_count, s.score)
        for s in Suggestion.objects.all()
    }
    recompute_suggestions()
    after = {
        s.normalized: (s.name, s.mention_count, s.article_count, s.source_count, s.score)
        for s in Suggestion.objects.all()
    }
    assert after == before


def test_the_admin_lists_the_best_suggestions_first(admin_client, imported):
    response = admin_client.get("/admin/articles/suggestion/?status__exact=pending")
    listed = [s.name for s in response.context["cl"].result_list]
    assert listed[0] == "Marta Kovalyk"
    assert listed == [s.name for s in Suggestion.objects.filter(status="pending")]
    assert "author" in response.content.decode()


def test_accepting_a_suggestion_adds_its_other_forms_as_names(imported):
    general = Suggestion.objects.get(normalized=suggestion_key("Завадський"))
    actor = create_entity(Actor, general.name, Actor.Kind.PERSON)
    accept_suggestion(general, actor)
    assert {"завадський", "завадського"} <= set(actor.aliases.values_list("normalized", flat=True))
    assert actor.mentions.get().count == 3


def test_the_rest_of_a_longer_name_built_on_a_known_place_is_no_suggestion(tmp_path, gazetteer):
    body = (
        "Shelling continued, the Kharkiv Courier reported, and the Odesa Chronicle "
        "quoted officials. Later the Kharkiv Courier wrote that Minister Marta Kovalyk "
        "visited the Odesa Chronicle newsroom. The Endowment for Kyiv paid for it."
    )
    path = tmp_path / "outlets.jsonl"
    path.write_text(json.dumps({"source": "Ridge Analysis", "title": "Outlets", "body": body}))
    import_paths([path])
    names = set(Suggestion.objects.values_list("name", flat=True))
    assert not names & {"Courier", "Chronicle", "Endowment"}
    assert "Marta Kovalyk" in names


def test_a_source_of_the_archive_named_in_a_text_is_no_suggestion(tmp_path, gazetteer):
    records = [
        {"source": "Halden Policy Institute (HPI)", "title": "Own report", "body": "Text."},
        {
            "source": "Ridge Analysis",
            "title": "Citing a think tank",
            "body": "Analysts at the Halden Policy Institute said that Ostap Kmit was wrong.",
        },
    ]
    path = tmp_path / "sources.jsonl"
    path.write_text("\n".join(json.dumps(record) for record in records))
    import_paths([path])
    names = set(Suggestion.objects.values_list("name", flat=True))
    assert "Halden Policy Institute" not in names
    assert "Ostap Kmit" in names


def suggested_in(tmp_path, body):
    """The suggestions of one imported article of ``body``, by name."""
    path = tmp_path / "article.jsonl"
    path.write_text(json.dumps({"source": "Ridge Analysis", "title": "Talks", "body": body}))
    import_paths([path])
    return {s.name: s for s in Suggestion.objects.all()}


def test_a_middle_initial_is_part_of_the_name(tmp_path, gazetteer):
    """Newspapers write "Vladimir V. Putin": the initial's full stop ends no
    sentence, and the first name before it is no name of its own."""
    body = (
        "President Vladimir V. Putin met Ostap R. Kmit in the capital. Later Ostap R. Kmit "
        "said that the talks went well, Ostap Kmit added, and Vladimir V. Putin left."
    )
    suggestions = suggested_in(tmp_path, body)
    assert not {name for name in suggestions if "Vladimir" in name}
    kmit = suggestions["Ostap R. Kmit"]  # the commonest form, "Ostap Kmit" folded in
    assert kmit.mention_count == 3 and len(suggestions) == 1
    accept_suggestion(kmit, create_entity(Actor, kmit.name, Actor.Kind.PERSON))
    assert Actor.objects.get(name="Ostap R. Kmit").mentions.get().count == 3


def test_a_title_inside_a_run_of_capitals_is_cut_off_with_what_precedes_it(tmp_path, gazetteer):
    body = (
        "Interior Minister Marta Kovalyk met the Office of the President Ostap Kmit. "
        "Later the Office of the Head of State said nothing."
    )
    names = set(suggested_in(tmp_path, body))
    assert {"Marta Kovalyk", "Ostap Kmit", "Office of the Head of State"} <= names
    assert not {name for name in names if "Minister" in name or "President" in name}


def test_a_title_after_a_comma_marks_a_person_and_a_name_may_open_a_sentence(tmp_path, gazetteer):
    body = (
        "Ostap Kmit, deputy head of the office, met the envoys. Ostap Kmit spoke first. "
        "Later Marta Kovalyk, the adviser, spoke. Adviser to the office, she left early."
    )
    suggestions = suggested_in(tmp_path, body)
    assert "Adviser" not in suggestions
    for name in ("Ostap Kmit", "Marta Kovalyk"):
        assert suggestions[name].kind == Suggestion.Kind.ACTOR
        assert suggestions[name].mid_sentence_count == suggestions[name].mention_count
