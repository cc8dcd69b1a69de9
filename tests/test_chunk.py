from types import SimpleNamespace as NS

from qa.chunk import chunk, continuations, references
from qa.read import _take
from qa.segment import segment

PAGE_BREAK = """Temporary Movement

Researchers estimating the gain for the world economy have found that increasing the share of temporary workers admitted by

13 For more information on informal dialogues, see Section 4.2.

14 Formerly the Labour Ministerial Consultations. It is a Regional Consultative Process.

industrialized countries by 3% of their total labour force could generate gains of USD 156 billion annually. The principal beneficiaries would be developing countries.
"""


def _links(text: str) -> list[tuple[str, str]]:
    """The cut sentences of a text as (last word of the head, first word of the rest)."""
    _, sentences = chunk("a.txt", text, segment(text))
    return [(sentences[h].text.split()[-1], sentences[t].text.split()[0])
            for h, t in continuations(sentences, {"a.txt": text}).items()]


def test_a_sentence_a_page_break_cut_goes_on_after_the_footnotes():
    assert _links(PAGE_BREAK) == [("by", "industrialized")]


def test_a_short_half_goes_on_too_and_a_heading_or_a_lower_case_web_address_does_not():
    text = ("Adopted in 1975, the Convention is wider.\nThis Convention provides workers with more\n\n"
            "42 Cholewinski.\n\n43 Newland, page 3.\n\n"
            "distinct rights such as unionization.\n\nLooking ahead\n\n"
            "One view is the migrant syndrome.\nIt says migration drains countries of origin of their labor and\n\n45 Ibid.\n\n"
            "www.scoop.co.nz/stories/WO0606/S00155.htm\n\n44 Martin, 2004.\n\n"
            "capital by crowding out local production.")
    assert _links(text) == [("more", "distinct"), ("and", "capital")]


def test_a_lower_case_sentence_inside_a_paragraph_continues_no_cut_but_the_one_before_it():
    text = ("It held a workshop.\nIn Mauritius in 2012, the\n\n22 See IOM, Migration Research Series No. 38.\n\n"
            "IOM Director General opened the Common Space. It gave pathways to legal status; "
            "access to justice and alternatives to detention.\n\n"
            "It met twice.\nThe meeting brought together governments, employers and\n\n22 Ibid.\n\n"
            "unions from the region.")
    assert _links(text) == [("and", "unions")]


def test_a_line_of_two_words_is_no_cut_sentence_nor_one_ending_in_another_document():
    lines = [NS(doc="a", start=0, text="FAO work"), NS(doc="a", start=10, text="migrants, it said, return."),
             NS(doc="a", start=40, text="It ends mid-phrase in one document and the next"),
             NS(doc="b", start=0, text="starts in another.")]
    assert continuations(lines, {"a": "FAO work\n\nmigrants, it said, return.\n\n", "b": ""}) == {}


def test_the_reader_quotes_both_halves_of_a_cut_sentence():
    texts = ["Increasing the share of temporary workers admitted by", "13 For more information, see 4.2.",
             "industrialized countries by 3% could generate USD 156 billion annually."]
    sentences = [NS(doc="a", passage=p, text=t) for p, t in zip((0, 0, 1), texts)]
    ix = NS(sentences=sentences, continues={0: 2}, continued={2: 0})
    for first in (0, 2):
        chosen: list[int] = []
        _take(ix, chosen, first)
        assert sorted(chosen) == [0, 2]


def test_the_sentence_taken_after_the_best_one_comes_whole_too():
    texts = ["The second is the 1975 Convention on Migrations in Abusive Conditions.",
             "This Convention provides workers with more", "42 Cholewinski.",
             "distinct rights such as unionization, housing and training."]
    sentences = [NS(doc="a", passage=p, text=t) for p, t in zip((0, 0, 0, 1), texts)]
    ix = NS(sentences=sentences, continues={1: 3}, continued={3: 1})
    chosen: list[int] = []
    _take(ix, chosen, 0)  # "This Convention…" carries the best sentence on
    assert sorted(chosen) == [0, 1, 3]


def test_a_continuation_has_one_head_and_a_list_item_is_none():
    text = ("(a) Policy flexibility for countries to gain from migration\n\n"
            "Gains vary.\nThe benefits of migration for development are highest when countries\n\n"
            "12 See the report of the Secretary-General.\n\ninvest in their people.")
    assert _links(text) == [("countries", "invest")]


FOOTNOTES = """UNHCR published its 10-Point Plan in 2007.¹¹ The meeting was chaired by a minister.¹²

¹¹ UNHCR, "Refugee Protection and Mixed Migration: The 10-Point Plan in Action" (February 2011), available from www. unhcr.org/refworld/docid/4d9430ea2.html.

¹² The meeting was held on July 4, 2006, and chaired by H.E. Mr. Ali Hachani of Tunisia.

¹³ See GCIM, *Migration in an Interconnected World* (Geneva, GCIM, 2005).

¹⁴ <http://www.cdc.gov> The Centre for Disease Control shows that migrants become more susceptible to TB.

and IOM, Labour migration from Colombo Process Countries, report (2011).

¹⁵ Visit www.ifad.org/remittances/projects/africa/francophone.htm for more information.

See IOM's website at www.iom.int for a comprehensive picture of IOM's presence and activities worldwide.

¹⁶ See MSC resolution 153(78), at www.imo.org/OurWork/resolution.pdf, which entered into force on 1 July 2006.
"""


def test_footnotes_that_only_cite_a_source_are_references():
    _, sentences = chunk("a.txt", FOOTNOTES, segment(FOOTNOTES))
    found = {sentences[i].text.split()[0] for i in references(sentences, {"a.txt": FOOTNOTES})}
    # not the body, not a footnote that goes on to say something; a line that points elsewhere is one
    assert found == {"UNHCR,", "See", "and", "Visit"}
    quoted = [sentences[i].text for i in references(sentences, {"a.txt": FOOTNOTES})]
    assert any(t.startswith("See IOM's website") for t in quoted)
    assert not any(t.startswith("See MSC") for t in quoted)  # it goes on to say when they took effect


LEAD_IN = """6. Recommendations

The Office proposes that the following actions be considered:

- (a) A limited set of thematic recommendations should be developed in advance of the Dialogue. They should include attention to vulnerable groups.
- (b) These recommendations should provide the basis for an agenda for action.
- (c) More robust institutionalization of the agenda is urgently needed at the international level.

Other matters follow in a paragraph of their own, which says nothing about the list above.
"""


def test_a_lead_in_stays_with_its_list():
    passages, _ = chunk("a.txt", LEAD_IN, segment(LEAD_IN), max_chars=200)
    lead = next(p for p in passages if "following actions" in p.text)
    assert lead.text.endswith("at the international level.")  # the whole list, past 200 characters
    assert "Other matters" not in lead.text  # the next paragraph starts a passage again


def test_a_lead_in_list_is_still_cut_past_its_reach():
    passages, _ = chunk("a.txt", LEAD_IN, segment(LEAD_IN), max_chars=120)
    lead = next(p for p in passages if "following actions" in p.text)
    assert "(a) A limited set" in lead.text and "(c) More robust" not in lead.text
    assert all(len(p.text) <= 2 * 120 or len(p.text.split(". ")) == 1 for p in passages)
