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


def _cut(*pieces: str) -> list[tuple[str, str]]:
    """The links found among sentences laid out as given: sentence, separator, sentence, ..."""
    raw, sentences = "", []
    for k, piece in enumerate(pieces):
        if k % 2 == 0:
            sentences.append(NS(doc="a", start=len(raw), end=len(raw) + len(piece), text=piece))
        raw += piece
    return [(sentences[h].text.split()[-1], sentences[t].text.split()[0])
            for h, t in continuations(sentences, {"a": raw}).items()]


def test_a_short_half_goes_on_past_footnotes_and_a_web_address():
    assert _cut("This Convention provides workers with more", "\n\n", "42 Cholewinski.", "\n\n",
                "www.scoop.co.nz/stories/WO0606/S00155.htm", "\n\n", "distinct rights such as unionization.") \
        == [("more", "distinct")]


def test_the_rest_opens_a_block_after_any_blank_line_or_comes_right_after_its_head():
    for blank in ("\r\n\r\n", "\n\f\n", "\n" + " " * 30 + "\n" + " " * 30):
        assert _cut("Figures reported by", blank, "42 Ibid.", blank, "the Centre for Disease Control show it.") \
            == [("by", "the")]
    assert _cut("It was negotiated with governments, employers and", " ", "unions of the region.") \
        == [("and", "unions")]


def test_a_lower_case_sentence_inside_a_paragraph_is_passed_over():
    assert _cut("The meeting brought together governments, employers and", "\n\n",
                "22 It set out pathways to legal status;", " ", "access to justice for migrants.", "\n\n",
                "unions from the region.") == [("and", "unions")]


def test_no_cut_after_a_heading_a_list_item_a_web_address_or_too_far_on():
    assert _cut("FAO work", "\n\n", "migrants, it said, return.") == []
    assert _cut("(a) Policy flexibility for countries to gain from", "\n\n", "migration in the region.") == []
    assert _cut("The study is available at www.unep.org/publications", "\n\n", "see the annex.") == []
    footnotes = [part for k in range(12) for part in (f"{k} Ibid.", "\n\n")]
    assert _cut("The benefits are highest when countries", "\n\n", *footnotes, "invest in their people.") == []


def test_a_cut_on_a_word_that_needs_more_goes_on_past_the_footnotes_in_any_case():
    notes = ("⁶⁰ <http://www.iom.int>.", "\n\n", "⁶¹ UN, *Migration Report 2002*, Population Division,", "\n\n",
             "<http://www.un.org/esa/2002.pdf>.", "\n\n", "Also UNHCR (June 2011), available from www.unhcr.org.",
             "\n\n")  # (a footnote's line that lost its mark cites a source)
    assert _cut("Other bodies include the OECD, the Council of Europe, the", "\n\n", *notes,
                "European Union and ICMPD.") == [("the", "European")]
    assert _cut("The international community faces two fundamental tasks:", "\n\n", *notes,
                "- Address the root causes", "\n", "- Manage migration") == [("tasks:", "-")]
    # not with no footnote between, nor at what is no list after a lead-in
    assert _cut("Other bodies include the", "\n\n", "European Union and ICMPD.") == []
    assert _cut("The community faces two tasks:", "\n\n", *notes, "A. Structural problems") == []
    assert _cut("More recently, the works by", "\n\n", *notes, "W.J.", " ", "Carrington and others.") == []
    assert _cut("⁴ See the discussion of", "\n\n", "⁵ Ibid.", "\n\n", "The Forum met in Manila.") == []  # (a note's)


def test_a_footnote_whose_number_was_cleaned_off_is_no_rest():
    raw = "Migration is one way of climate change adaptation\n\n⁷ de Haas 2009 (see footnote 5)."
    lines = [NS(doc="a", start=0, end=49, text=raw[:49]), NS(doc="a", start=51, end=len(raw), text=raw[53:])]
    assert lines[1].text.startswith("de Haas") and continuations(lines, {"a": raw}) == {}


def test_a_cut_sentence_ends_in_its_own_document():
    lines = [NS(doc="a", start=0, end=48, text="It ends mid-phrase in one document and the next"),
             NS(doc="b", start=0, end=18, text="starts in another.")]
    assert continuations(lines, {"a": lines[0].text, "b": lines[1].text}) == {}


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
    sentences[3] = NS(doc="a", passage=1, text="distinct rights " + "and more " * 50)
    chosen = []
    _take(ix, chosen, 0)  # not half of it when the whole does not fit
    assert chosen == [0]


def test_a_continuation_has_one_head_the_nearest():
    assert _cut("The benefits of migration for development are highest when", "\n\n",
                "Gains vary with the policies of countries and", "\n\n", "12 Ibid.", "\n\n",
                "invest in their people.") == [("and", "invest")]


FOOTNOTES = """UNHCR published its 10-Point Plan in 2007.¹¹ The meeting was chaired by a minister.¹²

¹¹ UNHCR, "Refugee Protection and Mixed Migration: The 10-Point Plan in Action" (February 2011), available from www. unhcr.org/refworld/docid/4d9430ea2.html.

¹² The meeting was held on July 4, 2006, and chaired by H.E. Mr. Ali Hachani of Tunisia.

¹³ See GCIM, *Migration in an Interconnected World* (Geneva, GCIM, 2005).

¹⁴ <http://www.cdc.gov> The Centre for Disease Control shows that migrants become more susceptible to TB.

and IOM, Labour migration from Colombo Process Countries, report (2011).

¹⁵ Visit www.ifad.org/remittances/projects/africa/francophone.htm for more information.

See IOM's website at www.iom.int for a comprehensive picture of IOM's presence and activities worldwide.

¹⁶ See MSC resolution 153(78), at www.imo.org/OurWork/resolution.pdf, which entered into force on 1 July 2006.

Haas, Hein de, *International migration, remittances and development: myths and facts*, April 2005, page 3.

For a background note see: UNCTAD, "Maximizing the development impact of remittances," (TD/B/C.I/EM.4/2), Geneva, 14–15 February 2011.

WIPO, The Economics of Intellectual Property (New York and Geneva, United Nations).

However, the second meeting took place in Manila, Philippines, 27–30 October 2008.

Nevertheless, remittances matter most to two countries (Mexico, Philippines).

The Commission's report, September 2005, page 2 of which lists the options, was widely read.

¹⁷ UNICEF – Division of Policy and Practice, Children Left Behind, working paper (New York, UNICEF, 2010), available from www.unicef.org/policy.pdf.

¹⁸ For more information on regional consultative processes, see Section 4.2.

¹⁹ Germany, for example, raised its quota by 20% in 2005; see Section 4.2.

20 For a discussion of remittances, see Section 3.2.
"""


def test_footnotes_that_only_cite_a_source_are_references():
    _, sentences = chunk("a.txt", FOOTNOTES, segment(FOOTNOTES))
    found = {sentences[i].text.split()[0] for i in references(sentences, {"a.txt": FOOTNOTES})}
    # not the body, not a footnote that goes on to say something; a line that points elsewhere is one
    # (an author's name may have a dash, small words; a book's date and page may end it)
    assert found == {"UNHCR,", "See", "and", "Visit", "UNICEF", "Haas,", "For", "WIPO,", "20"}
    quoted = [sentences[i].text for i in references(sentences, {"a.txt": FOOTNOTES})]
    assert any(t.startswith("See IOM's website") for t in quoted)
    assert not any(t.startswith("See MSC") for t in quoted)  # it goes on to say when they took effect
    # one that only points to a section is one, its mark a superscript or plain digits; not one that says something first
    assert any(t.startswith("For more information on regional") for t in quoted)
    assert any("For a discussion of remittances" in t for t in quoted)
    assert not any("Germany" in t for t in quoted)
    text = "In the Philippines, migrants send more money home (World Bank, 2011)."
    _, sentences = chunk("b.txt", text, segment(text))
    assert not references(sentences, {"b.txt": text})  # it says something, then cites


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
