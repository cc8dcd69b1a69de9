from hypothesis import given, settings
from hypothesis import strategies as st

from qa.corpus import load_corpus
from qa.segment import clean, segment, split_sentences
from qa.settings import BUNDLED_CORPUS


def _check_invariants(text: str) -> None:
    paragraphs = segment(text)
    last = 0
    for p in paragraphs:
        assert 0 <= last <= p.start < p.end <= len(text)
        inner = p.start
        for s in p.sentences:
            assert inner <= s.start < s.end <= p.end
            assert text[s.start:s.end] == text[s.start:s.end].strip()
            inner = s.end
        last = p.end


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab. \n\t-*¹ACI1.:\"”")) | st.characters(), max_size=400))
def test_spans_inside_ordered_and_non_overlapping(text):
    _check_invariants(text)


def test_bundled_corpus_invariants_and_round_trip():
    for doc in load_corpus(BUNDLED_CORPUS):
        _check_invariants(doc.text)


def test_headings_sections_and_numbering():
    text = ("1. Remittances\n\nMoney flows home. It grows.\n\nA second paragraph.\n\n"
            "2. Diaspora\n\nDiasporas invest.\n")
    paragraphs = segment(text)
    assert [(p.section, p.number) for p in paragraphs] == [
        ("1. Remittances", 1), ("1. Remittances", 2), ("2. Diaspora", 1)]
    assert [text[s.start:s.end] for s in paragraphs[0].sentences] == ["Money flows home.", "It grows."]


def test_chapter_marker_toc_page_numbers_and_broken_lines():
    text = ("Chapter 1.\tFood and Agriculture Organization (FAO)\t35\n\n"
            "CHAPTER\n\nFood and Agriculture Organization\n\n17\n\n"
            "FAO works on rural migration and\n\nfood security in many countries.\n")
    paragraphs = segment(text)
    assert len(paragraphs) == 1  # the TOC line, the marker, the title and the page number are not text
    p = paragraphs[0]
    assert p.section == "Food and Agriculture Organization"
    assert text[p.start:p.end].endswith("countries.")  # the broken sentence is one paragraph


def test_a_footnote_ending_in_a_web_address_is_not_continued_by_the_next_page():
    text = ("WHO develops a minimum data set, which is done in collaboration\n\n"
            "OECD and WHO (2010). Policy Brief. Available from: www.who.int/hrh/brief.pdf\n\n"
            "with the OECD. The data set guides data collection.\n")
    texts = [text[p.start:p.end] for p in segment(text)]
    assert texts[-1].startswith("with the OECD.")  # free to join the sentence its page cut
    assert texts[-2].endswith("brief.pdf")


def test_lines_that_only_look_like_headings_are_text():
    text = ("April 2006\n\nThe dialogue opens.\n\n"
            "World Bank, World Development Report 2007 (World Bank, Washington D.C., 2006)\n\n"
            "Efforts to combat smuggling should\n\nThey go on.\n\n"
            "38. Other organizations that address migration include the Organization for Economic "
            "Cooperation and Development and the World Trade Organization\n\nMore text.\n")
    assert {p.section for p in segment(text)} == {""}


def test_chapter_title_repeated_as_running_header_is_still_the_chapter():
    title = "United Nations Educational, Scientific and Cultural Organization"
    text = f"CHAPTER\n\n{title}\n\n" + "".join(f"{title}\n\nPage {i} says something.\n\n" for i in range(5))
    assert {p.section for p in segment(text)} == {title}


def test_abbreviations_do_not_end_sentences():
    text = "It was chaired by H.E. Mr. Ali Hachani of Tunisia. Delegates, e.g. ministers, came."
    spans = split_sentences(text, 0, len(text))
    assert [text[s.start:s.end] for s in spans] == [
        "It was chaired by H.E. Mr. Ali Hachani of Tunisia.", "Delegates, e.g. ministers, came."]


def test_list_items_are_separate_sentences_and_long_lines_are_cut():
    text = "Measures:\n- first measure\n- second measure\n" + "word " * 300
    spans = split_sentences(text, 0, len(text))
    assert [text[s.start:s.end] for s in spans[:3]] == ["Measures:", "- first measure", "- second measure"]
    assert all(s.end - s.start <= 600 for s in spans)


def test_clean_removes_marks_but_offsets_stay_raw():
    raw = "**Bold** migra-\ntion policy¹ works."
    assert clean(raw) == "Bold migration policy works."
    # italics go, a bullet's star and a product's do not ("A. *What is migration?*" is a heading)
    assert clean("A. *What is migration?* * item 2*3") == "A. What is migration? * item 2*3"


def test_markdown_headings_keep_their_first_character():
    text = "# Survey\n\n## 1. Housing\n\nRooms are shared by six people.\n"
    assert [p.section for p in segment(text)] == ["Survey › 1. Housing"]


def test_a_title_every_chapter_repeats_is_a_heading_and_a_running_header_is_not():
    chapters = "".join(
        f"CHAPTER\n\nAgency {name}\n\n1. Activities\n\n{name} trains officials.\n\n"
        f"2. Recommendations for the Dialogue\n\n{name} recommends more data.\n\n"
        for name in "ABCDE")
    sections = [p.section for p in segment(chapters)]
    assert "Agency C › 2. Recommendations for the Dialogue" in sections
    running = "".join(f"Page {i} tells how the number of\n\nMigration Report\n\nmigrants grew.\n\n" for i in range(5))
    # It cuts sentences: page furniture, skipped; each sentence is one paragraph across it.
    assert [running[p.start:p.end].split()[:2] for p in segment(running)] == [["Page", str(i)] for i in range(5)]


def test_session_labels_open_chapters_and_numbered_points_stay_inside_them():
    text = "".join(f"Session {i}\n\n{topic}\n\nBackground\n\nThe context of {topic.lower()}.\n\n"
                   f"Suggested ways forward\n\n1. Rights\n\nRights come first.\n\n2. Data\n\nData matter.\n\n"
                   for i, topic in enumerate(["Remittances", "Diasporas"], start=1))
    sections = [p.section for p in segment(text)]
    assert sections == ["Remittances › Background", "Remittances › Suggested ways forward › 1. Rights",
                        "Remittances › Suggested ways forward › 2. Data", "Diasporas › Background",
                        "Diasporas › Suggested ways forward › 1. Rights", "Diasporas › Suggested ways forward › 2. Data"]


def test_a_chapter_named_only_in_the_contents_is_the_parent_of_its_sub_sections():
    text = ("I. Effects of Migration\n\n- 1.1 At the Macro Level\n\n2. Remittances and Skills\n\n- 2.1 Remittances\n\n"
            "3. Conclusion\n\n"  # a contents page without page numbers, then the text
            "I.I At the Macro Level\n\nMigration moves labour.\n\n"
            "2.1 Remittances\n\nMoney flows home.\n\n2.2 Skills\n\nSkills return.\n")
    assert [p.section for p in segment(text)][-3:] == [
        "I. Effects of Migration › I.I At the Macro Level",  # "I.I" is 1.1, inside chapter I
        "2. Remittances and Skills › 2.1 Remittances", "2. Remittances and Skills › 2.2 Skills"]


def test_labels_and_numbers_do_not_over_reach():
    # "PART II" at the top of every page is a running header, and a sentence after a label is text.
    pages = "".join(f"PART II\n\nPage {i} tells how the number of\n\nPART II\n\nmigrants grew.\n\n" for i in range(5))
    assert len(segment(pages)) == 5
    text = "PART II\n\nThe session opened with a welcome by the chair.\n"
    assert [text[p.start:p.end] for p in segment(text)] == ["The session opened with a welcome by the chair."]
    # A chapter's sections are its own, and a Roman chapter may number its sections afresh.
    text = ("CHAPTER\n\nAgency A\n\n2. Recommendations of Agency A\n\n2.1 Data\n\nA collects data.\n\n"
            "CHAPTER\n\nAgency B\n\n2.1 Data\n\nB collects data.\n")
    assert [p.section for p in segment(text)] == ["Agency A › 2. Recommendations of Agency A › 2.1 Data",
                                                 "Agency B › 2.1 Data"]
    text = "I. Introduction\n\n1.1 Scope\n\nScope text.\n\nII. Methods\n\n1.1 Data\n\nData text.\n"
    assert [p.section for p in segment(text)] == ["I. Introduction › 1.1 Scope", "II. Methods › 1.1 Data"]
    # A running header followed by the page number still cuts the sentence.
    pages = "Page one tells how the number of\n\nMigration Report\n\n12\n\nmigrants grew.\n\n" * 5
    assert [p.section for p in segment(pages)] == [""] * 5


def test_a_list_of_acronyms_is_one_section_one_line_a_sentence():
    text = ("List of acronyms\n\nACP Africa, Caribbean and Pacific\nAfDB African Development Bank\n\n"
            "ASEAN Association of Southeast Asian Nations\n\n"
            "CEDAW Convention on the Elimination of All Forms of Discrimination against\n\nWomen\n\n"
            "DFID UK Department for International Development\n\nWB World Bank\n\n"
            "UN Body\tAddresses issues of\nUN Population Fund\tawareness\n\n"
            "UN Women\n\nUN Women works for gender equality.\n")
    paragraphs = segment(text)
    assert [p.section for p in paragraphs] == ["List of acronyms"] * 7 + ["UN Women"]
    sentences = [text[s.start:s.end] for p in paragraphs for s in p.sentences]
    assert sentences[:3] == ["ACP Africa, Caribbean and Pacific", "AfDB African Development Bank",
                             "ASEAN Association of Southeast Asian Nations"]
    assert "UN Body\tAddresses issues of\nUN Population Fund\tawareness" in sentences  # a table's row goes on
    # a heading that opens with an acronym, over a paragraph that does too, is still a heading
    text = "Intro text about the Union.\n\nEU Enlargement and Migration\n\nEU Member States agreed on new rules.\n"
    assert [p.section for p in segment(text)] == ["", "EU Enlargement and Migration"]
