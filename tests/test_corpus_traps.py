"""The generated corpus's traps of ranking (``generate_corpus --traps``): the
articles are what their judgements say, and the rest of the corpus is the
same with or without them."""

import re

import pytest

from benchmarking.corpus import TRAP_QUERIES, CorpusGenerator

COUNT = 1200


@pytest.fixture(scope="module")
def generator():
    return CorpusGenerator(seed=4, traps=True)


@pytest.fixture(scope="module")
def traps(generator):
    """{(trap, role): [record, ...]} of the first COUNT articles' originals."""
    found = {}
    for n in range(COUNT):
        role = generator.trap_role(n)
        if role is not None and not generator.is_copy(n):
            found.setdefault(role, []).append(generator.article(n))
    return found


def _count(word, record):
    return len(re.findall(rf"\b{word}\b", record["title"] + "\n" + record["body"]))


def test_every_role_of_every_trap_is_drawn(traps):
    roles = {
        (trap, role)
        for trap, queries in TRAP_QUERIES.items()
        for role in next(iter(queries.values()))
    }
    assert set(traps) == roles


def test_reports_name_the_place_often_and_asides_once_by_a_rare_spelling(traps):
    assert all(_count("Vorskivka", record) >= 6 for record in traps[("place", "report")])
    for record in traps[("place", "aside")]:
        rare = sum(_count(form, record) for form in ("Vorskovka", "Vorskivca", "Ворсківка"))
        assert (rare, _count("Vorskivka", record)) == (1, 0)
        assert len(record["body"].split()) < 150


def test_harkan_is_named_by_its_aliases(traps):
    for record in traps[("aliases", "aside")]:
        assert _count("Harkan Group", record) + _count("Harkan PMC", record) == 2
    for record in traps[("aliases", "subject")]:
        assert _count("Harkan", record) >= 5


def test_readouts_are_short_with_the_name_in_the_headline(traps):
    for record in traps[("readout", "readout")]:
        assert "Kirvan" in record["title"] and len(record["body"].split()) < 150
    for record in traps[("readout", "analysis")]:
        assert _count("Kirvan", record) >= 6 and len(record["body"].split()) > 400


def test_kordanic_articles_never_name_kordan(traps):
    for record in traps[("prefix", "adjective")]:
        assert _count("Kordanic", record) >= 4 and _count("Kordan", record) == 0
    assert all(_count("Kordan", record) >= 4 for record in traps[("prefix", "system")])


def test_the_judgements_grade_each_trap_article_and_its_copies(generator, traps):
    judged = generator.judgements(COUNT)
    urls = {record["url"]: role for role, records in traps.items() for record in records}
    for query, grades in TRAP_QUERIES["place"].items():
        for url, role in urls.items():
            if role[0] == "place":
                assert judged[query][url] == grades[role[1]]
    copies = set(judged["Kirvan"]) - set(urls)
    assert all("/partners/" in url for url in copies)


def test_articles_that_are_no_traps_are_the_same_as_without_traps(generator):
    plain = CorpusGenerator(seed=4)
    for n in range(300):
        if generator.trap_role(n) is None and generator.trap_role(n - 1) is None:
            assert generator.article(n) == plain.article(n)


def test_drewna_bridgehead_is_side_by_side_only_in_the_reports_about_it(traps):
    together = re.compile(r"Drewna\W+bridgehead|bridgehead\W+Drewna")
    for record in traps[("proximity", "together")]:
        assert len(together.findall(record["body"])) >= 3
    for record in traps[("proximity", "apart")]:
        assert not together.search(record["body"])
        assert _count("Drewna", record) >= 5 and _count("bridgehead", record) >= 5
