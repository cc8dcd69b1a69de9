import pytest

from qa.acronyms import contract, expand, find_acronyms, glossary_line
from qa.lexical import stem_words
from qa.errors import QAError, QuestionError
from qa.retrieve import Retriever


def test_search_returns_ranked_hits_with_offsets(tiny_settings):
    retriever = Retriever(settings=tiny_settings)
    hits = retriever.search("Business Advisory Board Geneva", k=3)
    assert hits and hits[0].doc == "beta.txt"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    text = retriever.index.documents["beta.txt"].text
    assert "Business Advisory Board" in text[hits[0].start:hits[0].end]
    assert hits[0].section and hits[0].paragraph >= 1


@pytest.mark.parametrize("mode", ["dense", "lexical"])
def test_ablation_modes(tiny_settings, mode):
    assert Retriever(settings=tiny_settings, mode=mode).search("remittances 2010", k=2)


def test_bad_queries(tiny_settings):
    retriever = Retriever(settings=tiny_settings)
    with pytest.raises(QuestionError):
        retriever.search("   ")
    with pytest.raises(QAError, match="at least 1"):
        retriever.search("remittances", k=0)
    with pytest.raises(QAError, match="mode"):
        Retriever(settings=tiny_settings, mode="magic")


def test_acronyms_from_the_documents_expand_queries():
    acronyms = find_acronyms(["The Food and Agriculture Organization (FAO) works.\n\nIOM International Organization for Migration\n"])
    assert acronyms["FAO"] == "Food and Agriculture Organization"
    assert acronyms["IOM"] == "International Organization for Migration"
    assert expand("What did FAO say?", acronyms) == "What did FAO say? (Food and Agriculture Organization)"
    assert contract("the food and agriculture organization's view", acronyms) == "FAO"


def test_an_acronym_that_ends_in_a_word_spells_the_start_of_its_name():
    def long_form(text: str) -> str | None:
        return find_acronyms([text]).get("UN-Habitat")

    name = "United Nations Human Settlements Programme"
    assert long_form(f"Annex: UN Women, {name} (UN-Habitat), UNICEF.") == name
    assert long_form(f"At United Nations Headquarters, {name} (UN-Habitat) spoke.") == name  # (the last words)
    assert long_form("the United Nations Human\nSettlements Programme (UN-Habitat)") == name  # (a wrapped line)
    assert long_form(f"{name}\n\nThe UN Human Settlements Programme (UN-Habitat) works.") == \
        "UN Human Settlements Programme"  # (not the heading above)
    assert find_acronyms(["the Ministry of Foreign Affairs (Mexico) said"]) == {}  # (a name, no acronym)
    assert contract(f"What does the {name} say?", {"UN-Habitat": name}) == "UN-Habitat"


def test_a_glossary_line_is_an_acronym_its_words_spell():
    for line in ("WB World Bank", "DFID UK Department for International Development", "AfDB African Development Bank",
                 "NGO(s) Non-governmental organization(s)", "NMHSs National meteorological and hydrological services",
                 "ICRMW International Convention on the Protection of the Rights of All Migrant"):  # (wrapped)
        assert glossary_line(line), line
    for line in ("UN Women", "IOM Strategy", "WHO key findings in implementing WHA resolution 65/170", "UNFPA",
                 "UN Body\tAddresses issues of\tThrough", "The World Bank", "EU Enlargement and Migration"):
        assert not glossary_line(line), line


def test_british_and_american_spellings_share_stems():
    british = ["labour", "labourers", "organisation", "organisational", "programmes", "centred", "behavioural"]
    american = ["labor", "laborers", "organization", "organizational", "programs", "centered", "behavioral"]
    assert stem_words(british) == stem_words(american)


def test_rerank_favours_the_wording_a_question_kind_asks_for(tiny_settings, monkeypatch):
    import numpy as np

    import qa.retrieve

    retriever = Retriever(settings=tiny_settings)
    cued = {retriever.index.sentences[i].passage for i in np.flatnonzero(retriever.kind_fits["recommendation"])}
    assert cued  # "Victims of trafficking ... should receive temporary residence permits."
    pool = list(range(len(retriever.index.passages)))

    def scores(query: str) -> dict[int, float]:
        return retriever._rerank(query, retriever.embedder.embed([query])[0], pool)

    recommendation, factoid = "What should States offer victims of trafficking?", "When do victims get permits?"
    with_bonus = scores(recommendation), scores(factoid)
    monkeypatch.setattr(qa.retrieve, "KIND_BONUS", 0.0)
    without = scores(recommendation), scores(factoid)
    assert any(with_bonus[0][p] > without[0][p] for p in cued)
    assert with_bonus[1] == without[1]  # a factoid asks for no particular wording


def test_an_acronym_spelled_like_a_stop_word_is_a_term():
    from qa.terms import content_terms

    assert content_terms("When was the WHO code adopted?") == content_terms("the WHO code adopted")
    assert "code" in content_terms("the WHO code") and len(content_terms("the WHO code")) == 2
    assert content_terms("who adopted the code") == ["adopt", "code"]
    assert content_terms("WHO WE ARE") == []  # a heading in capitals is not a run of acronyms


def test_terms_are_embedded_by_their_most_frequent_written_form():
    from qa.terms import written_forms

    forms = written_forms(["Cities grow and the city is large.", "Cities, 2005, UN and WHO.", "WHO WE ARE"])
    assert forms["citi"] == "cities" and forms["grow"] == "grow"
    # a number has no near-synonym; nor a two-letter word or an acronym spelled like a stop word
    assert forms == {"citi": "cities", "grow": "grow", "larg": "large"}


def test_a_term_lacking_counts_by_its_likeness_to_the_nearest_term_held():
    import numpy as np

    from qa.terms import TermLikeness

    forms = {"citi": "cities", "urban": "urban", "fee": "fees", "legal": "legal", "illeg": "illegal"}
    vectors = np.array([[1, 0, 0], [0.8, 0.6, 0], [0, 1, 0], [0, 0, 1], [0, 0.1, 0.995]], dtype=np.float32)

    def held(weight: dict[str, float], have: set[str], floor: float) -> float:
        weigher = TermLikeness(forms, vectors, floor).weigher(weight)
        assert weigher.share(have, alike=False) == sum(w for t, w in weight.items() if t in have) / weigher.total
        return weigher.share(have) * weigher.total

    weight = {"citi": 2.0, "fee": 1.0}
    assert held(weight, {"citi", "fee"}, 0.7) == 3.0
    assert held(weight, {"urban"}, 0.7) == pytest.approx(2 * 0.8)  # "fees" 0.6: below the floor
    assert held(weight, {"urban"}, 0.5) == pytest.approx(2 * 0.8 + 0.6)
    assert held({"villag": 1.0}, {"urban"}, 0.0) == 0.0  # a word the texts never use: no vector
    assert held(weight, set(), 0.0) == 0.0
    # "illegal" is no match for "legal", however alike they embed: one is the other with a prefix
    assert held({"legal": 1.0}, {"illeg"}, 0.7) == 0.0
    assert held({"legal": 1.0}, {"illeg", "urban"}, 0.0) == 0.0  # nor is "urban" (cosine 0)


@pytest.mark.parametrize("a, b, prefixed", [("legal", "illegal", True), ("inflow", "outflow", True),
                                            ("emigrants", "immigrants", True), ("men", "women", True),
                                            ("import", "export", True), ("cities", "urban", False),
                                            ("regulation", "legislation", False), ("largest", "biggest", False),
                                            ("site", "website", False), ("activities", "cities", False),
                                            ("increase", "decrease", True), ("mail", "email", True)])
def test_opposites_by_prefix_are_told_apart(a, b, prefixed):
    from qa.terms import _prefixed

    assert _prefixed(a, b) is prefixed and _prefixed(b, a) is prefixed


def test_one_likeness_serves_many_queries_and_threads_alike():
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np

    from qa.terms import TermLikeness

    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(40, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    terms = {f"t{i}": f"word{i}" for i in range(40)}
    texts = [set(rng.choice(list(terms), 5, replace=False)) for _ in range(30)]
    queries = [{t: float(w) for t, w in zip(rng.choice(list(terms), 4, replace=False), rng.random(4))}
               for _ in range(20)]

    def weigh(likeness: TermLikeness, query: dict[str, float]) -> list[float]:
        weigher = likeness.weigher(query)
        return [weigher.share(have) * weigher.total for have in texts]

    serial = [weigh(TermLikeness(terms, vectors, 0.3), q) for q in queries]  # a fresh cache each
    shared = TermLikeness(terms, vectors, 0.3)
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda q: weigh(shared, q), queries * 3)) == serial * 3
    assert any(a > sum(w for t, w in q.items() if t in have)
               for q, row in zip(queries, serial) for have, a in zip(texts, row))  # likeness counted


def test_coverage_of_a_passage_counts_words_like_the_query_and_of_a_sentence_the_same_words(tiny_settings):
    retriever = Retriever(settings=tiny_settings)
    coverage = retriever.coverage("remittance costs")
    assert coverage.share({"remitt", "cost"}) == pytest.approx(1.0) and coverage.share(set()) == 0.0
    for have in retriever.passage_terms:
        assert coverage.share(have, alike=False) <= coverage.share(have) <= 1.0 + 1e-9  # a word alike only adds


def test_langchain_adapter(tiny_settings):
    pytest.importorskip("langchain_core")
    from qa.langchain import QARetriever

    docs = QARetriever(retriever=Retriever(settings=tiny_settings), k=2).invoke("remittance costs")
    assert docs and docs[0].metadata["doc"] and "start" in docs[0].metadata


@pytest.mark.model
def test_real_model_retrieval_on_the_bundled_corpus(bundled_settings):
    retriever = Retriever(settings=bundled_settings)
    hits = retriever.search("How many bilateral labour migration agreements have OECD countries signed?", k=5)
    assert any(h.doc == "002_e445566e33997e6b.txt" and "176" in h.text for h in hits)


@pytest.mark.model
def test_real_model_words_alike_count_towards_a_passage_coverage(bundled_settings):
    from qa.retrieve import LIKENESS_FLOOR

    retriever = Retriever(settings=bundled_settings)
    forms = retriever.index.term_forms
    assert forms["citi"] == "cities" and forms["urban"] == "urban" and "2005" not in forms
    weigher = retriever.likeness.weigher({"citi": 1.0, "legal": 1.0})
    assert LIKENESS_FLOOR <= weigher.share({"urban"}) * weigher.total < 1.0
    # "illegal" embeds much like "legal" (0.84) but is no match for it; "fees" is nothing like either
    assert weigher.share({"fee", "illeg"}) == 0.0
    # nor is "outflow" for "inflows", though written forms differ ("inflows", "outflow"): stems match
    inflows = retriever.likeness.weigher({"inflow": 1.0})
    assert forms["inflow"] == "inflows" and inflows.share({"outflow"}) == 0.0
    # passages holding "urban" but not "cities" cover the question's "cities" by likeness
    coverage = retriever.coverage("cities")
    urban = [pos for pos, have in enumerate(retriever.passage_terms) if "urban" in have and "citi" not in have]
    assert urban and all(coverage.share(retriever.passage_terms[pos]) >= LIKENESS_FLOOR for pos in urban)


def test_an_acronyms_plural_is_the_acronym():
    from qa.lexical import tokenize
    from qa.terms import content_terms

    assert content_terms("per capita GDPs, NGOs and RCPs") == content_terms("per capita GDP, NGO and RCP")
    assert content_terms("the WHOs") == content_terms("the WHO")
    plural, single = tokenize(["GDPs of NGOs"]), tokenize(["GDP of NGO"])
    assert sorted(plural.vocab) == sorted(single.vocab)
