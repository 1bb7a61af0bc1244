"""``manage.py evaluate_search``: the figures, worked out by hand on a tiny
ranking, and the command end to end on the seed archive, on either database."""

import json
import math

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from benchmarking.relevance import ndcg_at, precision_at, recall_at
from tests.conftest import ROOT

BUNDLED = ROOT / "fixtures" / "judgements" / "bundled.yaml"
MALOMUZH = (
    "what-drives-russias-push-on-six-frontline-axes-malomuzh-points-to-putins-negotiation-plans"
)
KYIV_STRIKES = "russias-threats-of-new-strikes-on-kyiv-are-not-only-a-military-signal"

# Ids 1 to 12 ranked in that order.  Judged: 1 (grade 3) at rank 1, 3 (grade 2)
# at rank 3, 11 (grade 1) at rank 11, just past the first ten, and 50 (grade 1)
# not ranked at all.
RANKING = list(range(1, 13))
GRADES = {1: 3, 3: 2, 11: 1, 50: 1}


def test_ndcg_at_10_of_a_known_ranking():
    # DCG@10 = 3/log2(2) + 2/log2(4) = 3 + 1 = 4 (rank 11 is past the cut).
    # Ideal: grades 3, 2, 1, 1 at ranks 1 to 4 = 3 + 2/log2(3) + 1/2 + 1/log2(5)
    #      = 3 + 1.26186 + 0.5 + 0.43068 = 5.19254;  nDCG@10 = 4 / 5.19254 = 0.77034.
    assert ndcg_at(RANKING, GRADES) == pytest.approx(0.77034, abs=1e-5)
    assert ndcg_at(RANKING, GRADES) == pytest.approx(
        4 / (3 + 2 / math.log2(3) + 1 / 2 + 1 / math.log2(5))
    )


def test_precision_at_10_and_recall_at_100_of_a_known_ranking():
    # Ranks 1 and 3 of the first ten are relevant: 2/10.
    assert precision_at(RANKING, GRADES) == pytest.approx(0.2)
    # Three of the four relevant (1, 3, 11) are in the first hundred: 3/4.
    assert recall_at(RANKING, GRADES) == pytest.approx(0.75)


def test_a_perfect_ranking_scores_one_and_an_empty_one_zero():
    assert ndcg_at([1, 3, 11, 50], GRADES) == pytest.approx(1.0)
    assert recall_at([1, 3, 11, 50], GRADES) == pytest.approx(1.0)
    # Fewer than ten results: the empty places count as misses.
    assert precision_at([1, 3, 11, 50], GRADES) == pytest.approx(0.4)
    assert (ndcg_at([], GRADES), precision_at([], GRADES), recall_at([], GRADES)) == (0, 0, 0)


def _run(*args):
    from io import StringIO

    out = StringIO()
    call_command("evaluate_search", *map(str, args), stdout=out)
    return out.getvalue()


def test_the_command_ranks_each_query_with_ours_and_plain_bm25(seed_archive, tmp_path):
    judgements = tmp_path / "judgements.yaml"
    judgements.write_text(
        f"queries:\n"
        f"  - query: Malomuzh\n    relevant:\n      {MALOMUZH}: 3\n"
        # No text writes "Kiev": only a search that knows Kyiv's other names finds it.
        f"  - query: Kiev\n    relevant:\n      {KYIV_STRIKES}: 3\n"
    )
    report = json.loads(_run(judgements, "--json"))
    malomuzh, kiev = report["queries"]
    assert malomuzh["ours"] == {"ndcg@10": 1.0, "p@10": 0.1, "recall@100": 1.0}
    assert malomuzh["bm25"] == {"ndcg@10": 1.0, "p@10": 0.1, "recall@100": 1.0}
    assert kiev["ours"]["recall@100"] == 1.0
    assert kiev["bm25"] == {"ndcg@10": 0.0, "p@10": 0.0, "recall@100": 0.0}
    assert report["mean"]["bm25"]["recall@100"] == 0.5
    assert report["articles"] == 5


def test_the_bundled_judgements_run_as_a_table(seed_archive):
    table = _run(BUNDLED)
    lines = table.splitlines()
    assert "10 queries, 5 published articles" in lines[0]
    assert "plain BM25 (tantivy)" in lines[1]
    assert any(line.startswith("Malomuzh ") for line in lines)
    assert lines[-1].startswith("mean ")
    assert len(lines[-1].replace("│", "").split()) == 7  # "mean", three figures a ranking


def test_the_bundled_judgements_as_json(seed_archive):
    report = json.loads(_run(BUNDLED, "--json"))
    assert len(report["queries"]) == 10
    for row in [*report["queries"], report["mean"]]:
        for ranking in ("ours", "bm25"):
            assert set(row[ranking]) == {"ndcg@10", "p@10", "recall@100"}
            assert all(0 <= value <= 1 for value in row[ranking].values())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "queries:\n  - query: Putin\n    relevant:\n      no-such-article: 2\n",
            "line 4: query “Putin”: no published article has the slug or URL “no-such-article”",
        ),
        (
            '{"queries": [{"query": "Putin", "relevant": {"https://nowhere.example/a": 1}}]}',
            "line 1: query “Putin”: no published article has the slug or URL "
            "“https://nowhere.example/a”",
        ),
        ("queries:\n  - query: Putin\n    relevant: [a, b\n", "not valid YAML or JSON"),
        (
            f"queries:\n  - query: Putin\n    relevant:\n      {MALOMUZH}: high\n",
            "line 4: query “Putin”: the grade of “" + MALOMUZH + "” must be a whole number",
        ),
        (f"queries:\n  - relevant:\n      {MALOMUZH}: 1\n", "line 2: each entry needs"),
        ("queries:\n  - query: Putin\n    relevant:\n      x: 0\n", "no relevant article"),
        ("just words", "line 1: expected a list of queries"),
        (
            f"- query: Putin\n  relevant: {{{MALOMUZH}: 1}}\n"
            f"- query: Putin\n  relevant: {{{MALOMUZH}: 2}}\n",
            "line 3: query “Putin” is judged twice (first at line 1)",
        ),
    ],
)
def test_a_bad_judgements_file_is_a_clear_error(seed_archive, tmp_path, text, message):
    path = tmp_path / "judgements.yaml"
    path.write_text(text)
    with pytest.raises(CommandError) as raised:
        _run(path)
    assert message in str(raised.value)


def test_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        _run(tmp_path / "nothing.yaml")


GENERATED = ROOT / "fixtures" / "judgements" / "generated.yaml"
GENERATED_COUNT, GENERATED_SEED = 2000, 1  # as the file's header says


def test_the_generated_judgements_are_what_the_generator_writes(tmp_path):
    written = tmp_path / "generated.yaml"
    call_command(
        "generate_corpus",
        count=GENERATED_COUNT,
        seed=GENERATED_SEED,
        judgements=str(written),
        verbosity=0,
    )
    assert written.read_text() == GENERATED.read_text()


def test_the_generated_judgements_run_on_the_generated_corpus(gazetteer):
    call_command(
        "generate_corpus",
        count=GENERATED_COUNT,
        seed=GENERATED_SEED,
        into_database=True,
        traps=True,
        workers=1,
        verbosity=0,
    )
    report = json.loads(_run(GENERATED, "--json"))
    assert [row["query"] for row in report["queries"]] == [
        "Vorskivka",
        "Vorskovka",
        "Harkan",
        "Harkan Group",
        "Kirvan",
        "Kordan",
        "Drewna bridgehead",
    ]
    assert report["articles"] == GENERATED_COUNT
    for row in [*report["queries"], report["mean"]]:
        for ranking in ("ours", "bm25"):
            assert all(0 <= value <= 1 for value in row[ranking].values())
    # Plain BM25 searches the typed spelling only; the other spellings of the
    # place are found by ours.
    vorskovka = report["queries"][1]
    assert vorskovka["bm25"]["recall@100"] < vorskovka["ours"]["recall@100"]
