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


def test_a_sentence_a_page_break_cut_goes_on_after_the_footnotes():
    _, sentences = chunk("a.txt", PAGE_BREAK, segment(PAGE_BREAK))
    links = continuations(sentences)
    assert [(sentences[h].text.split()[-1], sentences[t].text.split()[0]) for h, t in links.items()] \
        == [("by", "industrialized")]


def test_a_short_line_without_a_full_stop_is_no_cut_sentence():
    lines = [NS(doc="a", text="Challenges identified in FAO work"), NS(doc="a", text="migrants, it said, return."),
             NS(doc="a", text="It ends mid-phrase in one document and the next"), NS(doc="b", text="starts in another.")]
    assert continuations(lines) == {}


def test_the_reader_quotes_both_halves_of_a_cut_sentence():
    texts = ["Increasing the share of temporary workers admitted by", "13 For more information, see 4.2.",
             "industrialized countries by 3% could generate USD 156 billion annually."]
    sentences = [NS(doc="a", passage=p, text=t) for p, t in zip((0, 0, 1), texts)]
    ix = NS(sentences=sentences, continues={0: 2}, continued={2: 0})
    for first in (0, 2):
        chosen: list[int] = []
        _take(ix, chosen, first)
        assert sorted(chosen) == [0, 2]


def test_a_continuation_has_one_head_and_a_list_item_is_none():
    lines = [NS(doc="a", text="(a) Policy flexibility for countries to gain from migration"),
             NS(doc="a", text="The benefits of migration for development are highest when countries"),
             NS(doc="a", text="12 See the report of the Secretary-General."),
             NS(doc="a", text="invest in their people.")]
    assert continuations(lines) == {1: 3}


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
