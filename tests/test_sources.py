from types import SimpleNamespace as NS

from qa.sources import author_forms, name_terms, named_sources, reference_years, source_named
from qa.terms import content_terms

DOCS = {
    "iom.txt": NS(meta=NS(title="Perspectives and Experiences of IOM", organisation="International Organization for "
                          "Migration (IOM)", month="April", year="2006")),
    "msg.txt": NS(meta=NS(title="Key IOM Messages", organisation="International Organization for Migration (IOM)",
                          month="April", year="2006")),
    "sc.txt": NS(meta=NS(title="Migration: Is it for Development? (Analytical Note)", organisation="South Centre",
                         month="September", year="2006")),
    "un.txt": NS(meta=NS(title="Contributions of the International System", organisation="UN System Chief "
                         "Executives Board (coordinated by UNFPA and IOM)", month="", year="2013")),
    "csd.txt": NS(meta=NS(title="The Civil Society Day of the Global Forum: End Report",
                          organisation="King Baudouin Foundation (GFMD Belgium 2007)", month="January", year="2008")),
}
WRITERS = {name: frozenset(content_terms(f"{d.meta.title} {d.meta.organisation} {d.meta.month} {d.meta.year}"))
           for name, d in DOCS.items()}
ACRONYMS = {"IOM": "International Organization for Migration", "ILO": "International Labour Organization",
            "UNCTAD": "United Nations Conference on Trade and Development"}
SOURCES = {("iom.txt", "I. Effects"), ("msg.txt", "Key messages"), ("sc.txt", "II. BACKGROUND"),
           ("csd.txt", "Remittances"), ("un.txt", "International Organization for Migration"),
           ("un.txt", "The International Labour Organization"), ("un.txt", "The World Bank"),
           ("un.txt", "United Nations Conference on Trade and Development")}


def sides(question: str) -> list[set]:
    return named_sources(question, SOURCES, WRITERS, ACRONYMS)


def test_a_source_named_with_its_genre_word_is_a_document_or_a_chapter():
    assert sides("What do IOM's 2006 paper and the Civil Society Day report each say about MIDA?") == [
        {("iom.txt", "I. Effects"), ("msg.txt", "Key messages")}, {("csd.txt", "Remittances")}]
    assert sides("How does the civil society report's view of MIDA differ from the South Centre's note?") == [
        {("csd.txt", "Remittances")}, {("sc.txt", "II. BACKGROUND")}]  # (a genre word's possessive)
    assert sides("Do the ILO and World Bank chapters give the same count?") == [
        {("un.txt", "The International Labour Organization")}, {("un.txt", "The World Bank")}]


def test_the_document_that_holds_a_named_chapter_is_no_side_of_its_own():
    assert sides("Compare the South Centre note with UNCTAD's chapter in the 2013 UN system report.") == [
        {("sc.txt", "II. BACKGROUND")}, {("un.txt", "United Nations Conference on Trade and Development")}]


def test_a_source_named_by_its_year_alone_takes_what_the_named_ones_leave():
    assert sides("How many members does IOM have according to its own 2006 paper, and according to the "
                 "South Centre note?") == [{("sc.txt", "II. BACKGROUND")},
                                           {("iom.txt", "I. Effects"), ("msg.txt", "Key messages")}]


def test_a_plural_genre_word_names_each_of_its_documents():
    assert sides("Both IOM papers from April 2006 say diasporas offer more than money. How does each put it?") == [
        {("iom.txt", "I. Effects")}, {("msg.txt", "Key messages")}]
    assert sides("Both of IOM's April 2006 papers call for research. How does each put it?") == [
        {("iom.txt", "I. Effects")}, {("msg.txt", "Key messages")}]
    assert sides("What did the South Centre note in 1995 and the IOM papers say?")[0] == {("sc.txt", "II. BACKGROUND")}
    assert reference_years("What did the South Centre note in 1995 say?") == set()  # what it says, not its date
    assert source_named("What do the IOM papers of April 2006 say about health workers?", SOURCES, WRITERS,
                        ACRONYMS) == {("iom.txt", "I. Effects"), ("msg.txt", "Key messages")}  # one source


def test_a_question_that_names_the_one_author_of_a_document_is_answered_from_it():
    authors = {name: author_forms(d.meta.organisation, ACRONYMS) for name, d in DOCS.items()}
    named = source_named("In which jobs do women migrants end up, according to the South Centre?", SOURCES, WRITERS,
                         ACRONYMS, authors)
    assert named == {("sc.txt", "II. BACKGROUND")}
    for question in ("How many members does IOM have?",  # (two documents are IOM's; what it has, not says)
                     "How many countries had ratified the UN Migrant Workers Convention?",  # (not the UN System Board)
                     "What did the GFMD decide?"):  # (only a bracket of the King Baudouin Foundation's name)
        assert source_named(question, SOURCES, WRITERS, ACRONYMS, authors) == set(), question
    assert source_named("What do IOM and the South Centre say about remittances?", SOURCES, WRITERS, ACRONYMS,
                        authors) == set()  # (the authors of three documents)
    iom = {frozenset({"iom"}), frozenset(content_terms("International Organization for Migration"))}
    assert authors["iom.txt"] == iom
    un = {"un.txt": author_forms("United Nations", {"UN": "United Nations"})}
    assert source_named("Who had ratified the UN Migrant Workers Convention?", SOURCES, WRITERS, ACRONYMS, un) == set()


def test_a_body_named_as_the_speaker_is_its_chapters_and_the_documents_it_wrote():
    authors = {name: author_forms(d.meta.organisation, ACRONYMS) for name, d in DOCS.items()}

    def named(question: str) -> set:
        return source_named(question, SOURCES, WRITERS, ACRONYMS, authors)

    assert named("What did UNCTAD propose on temporary movement?") == {
        ("un.txt", "United Nations Conference on Trade and Development")}
    assert named("According to the International Labour Organization, who should ratify it?") == {
        ("un.txt", "The International Labour Organization")}
    assert named("How did IOM want the Dialogue to change the way the public sees migration?") == {
        ("un.txt", "International Organization for Migration"), ("iom.txt", "I. Effects"), ("msg.txt", "Key messages")}
    assert named("What did Mexico propose?") == set()  # (no chapter, no document of its own)
    unctad = {("un.txt", "United Nations Conference on Trade and Development")}
    assert named("How does UNCTAD distinguish the two?") == named("When did UNCTAD hold it?") == unctad  # or acts
    assert named("Does UNCTAD support it?") == unctad
    assert named("What is UNCTAD's position on temporary movement?") == named("In UNCTAD's view, who gains?") \
        == named("Describe UNCTAD's approach to Mode 4.") == unctad
    for question in ("What does UNCTAD stand for?", "What does UNCTAD mean?", "How do UNCTAD's members vote?",
                     "What did UNCTAD and the ILO do?"):  # (what it is, its members; two bodies)
        assert named(question) == set(), question
    assert named("What does IOM say about the ILO?") == {  # the speaker, not the body spoken of
        ("un.txt", "International Organization for Migration"), ("iom.txt", "I. Effects"), ("msg.txt", "Key messages")}
    # a group named in lower case speaks in the one document whose title names it
    assert named("Why did civil society argue for it?") == named("What did civil society participants say?") \
        == {("csd.txt", "Remittances")}
    assert named("What did governments propose?") == named("Where did civil society meet?") == set()
    assert named("What did the report say about remittances?") == named("Why do recommendations stress data?") == set()


def test_what_a_source_that_fits_every_source_leaves_after_the_others_is_a_side():
    iom = {("iom.txt", "I. Effects"), ("msg.txt", "Key messages")}
    assert named_sources("How do IOM's key messages paper and its longer 2006 paper each describe RCPs?",
                         iom, WRITERS, ACRONYMS) == [{("msg.txt", "Key messages")}, {("iom.txt", "I. Effects")}]


def test_bare_names_are_chapters_titled_with_them_else_their_organisation_s_documents():
    assert sides("What did UNCTAD and the World Bank each propose?") == [
        {("un.txt", "United Nations Conference on Trade and Development")}, {("un.txt", "The World Bank")}]
    assert sides("What do the GFMD civil society report and the South Centre each say?") == [
        {("csd.txt", "Remittances")}, {("sc.txt", "II. BACKGROUND")}]
    un = {src for src in SOURCES if src[0] == "un.txt"}
    iom = {("un.txt", "International Organization for Migration")}
    assert sides("Do IOM and the UN agree on remittances?") == [iom, un - iom]  # a source is on one side only


def test_one_source_named_with_its_genre_word_is_where_the_answer_comes_from():
    assert source_named("How many countries had ratified the protocols, according to the South Centre note?",
                        SOURCES, WRITERS, ACRONYMS) == {("sc.txt", "II. BACKGROUND")}
    assert source_named("How many countries had ratified the protocols?", SOURCES, WRITERS, ACRONYMS) == set()
    assert source_named("What do the South Centre note and the GFMD civil society report say?",
                        SOURCES, WRITERS, ACRONYMS) == set()  # two sources: a comparison's sides


def test_years_that_date_a_named_source_are_found():
    assert reference_years("What do IOM's 2006 paper and the 2013 UN system report say about the MDGs?") \
        == {"2006", "2013"}
    assert reference_years("How much did remittances reach in 2013, according to the South Centre note?") == set()


def test_the_words_that_name_the_source_asked_are_its_author_s_or_chapter_s_capitalised_ones():
    authors = {name: author_forms(d.meta.organisation, ACRONYMS) for name, d in DOCS.items()}
    south = {("sc.txt", "II. BACKGROUND")}
    assert name_terms("In which jobs do women end up, according to the South Centre?", south, ACRONYMS, authors) \
        == set(content_terms("South Centre"))
    ilo = {("un.txt", "The International Labour Organization")}
    assert name_terms("What does the International Labour Organization say about international labour standards?",
                      ilo, ACRONYMS, authors) == set(content_terms("International Labour Organization ILO"))
    assert name_terms("What does the ILO say about labour standards?", ilo, ACRONYMS, authors) == {"ilo"}
    assert name_terms("What does the ILO say?", set(), ACRONYMS, authors) == set()  # no source named
    # A word of one chapter's title is the topic, not the speaker, when the whole document is named.
    note = {("sc.txt", "II. BACKGROUND"), ("sc.txt", "Global Governance")}
    assert name_terms("What does the South Centre say about Global Governance?", note, ACRONYMS, authors) \
        == set(content_terms("South Centre"))
