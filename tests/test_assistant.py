import numpy as np
import pytest

from qa import read
from qa.assistant import Assistant
from qa.errors import QAError, QuestionError
from qa.countries import country_names
from qa.question import (ACTORS, COUNT, COUNTRIES, COUNTRY, DATE, MONEY, NAME, NONE, PERCENT, PERSON, RATE, URL, definition,
                         is_follow_up, matches, parse, short_answer)


def test_question_types_and_expected_values():
    assert parse("How many bilateral agreements were signed?").expects == COUNT
    assert parse("What share of remittances is saved?").expects == PERCENT
    assert parse("How much does HIRDA send each year?").expects == MONEY
    assert MONEY not in parse("When was this, and what cost-reduction goal did the group set?").wants  # no sum
    assert parse("When was the code adopted?").expects == DATE
    actors = parse("Which actors did IOM want the HLD to bring together in a new partnership?")
    assert actors.expects == ACTORS and parse("Which stakeholders should be consulted?").expects == ACTORS
    assert short_answer(ACTORS, "It should call upon governments, intergovernmental bodies, employers and unions.",
                        actors.text) == "governments, intergovernmental bodies, employers, unions"
    assert not matches(ACTORS, "Governments should act.")  # two kinds of actor or more
    assert not matches(ACTORS, "The report states that Governments and governments must act.")  # (one kind)
    assert short_answer(ACTORS, "The United States government and NGOs met.", "Which actors?") == "government, NGOs"
    assert MONEY not in parse("Which low-cost channels did migrants use?").wants
    assert parse("What did UN DESA and UNFPA each propose?").kind == "compare"
    assert parse("Which countries are the case studies?").kind == "list"
    assert parse("Into what categories does the note divide IOM's work?").kind == "list"
    assert parse("Which cross-cutting themes kept coming up?").kind == "list"
    assert parse("What are they doing about remittance costs?").kind != "list"
    assert parse("The note divides IOM's work into several categories. What are they?").kind == "list"
    assert parse("Why do the poorest not emigrate?").kind == "explain"
    assert parse("Do IOM and the South Centre agree that brain drain costs tax revenue?").kind == "compare"
    assert parse("Does the report say that migration and development share goals?").kind == "factoid"
    assert parse("How do the civil society report and the UPU chapter describe M-PESA?").kind == "compare"
    assert parse("How did ratification change between the 2006 note and the 2013 report?").kind == "compare"
    assert parse("How do remittances and savings affect growth?").kind == "explain"
    assert parse("How do IOM and UNCTAD describe remittances?").kind == "compare"  # (sources by acronym)
    assert parse("How much did remittances change between 2000 and 2010?").kind != "compare"  # (years)
    assert parse("What are the main reasons civil society gave for it?").kind == "explain"
    assert parse("Who is the Special Rapporteur, and since when?").wants == (DATE, PERSON)
    assert parse("What is the JMDI budget, and who pays?").wants == (MONEY, PERSON)
    assert parse("Why do the poorest not emigrate?").wants == ()
    assert parse("What did ILO and WHO agree on?").wants == ()  # the WHO is no "who"
    assert parse("What percentile of earners migrate?").wants == ()
    assert parse("When war broke out in Libya, how many migrants left?").wants == (COUNT,)
    assert parse("What is the total number of CEOs on the board?").wants == (COUNT,)
    assert parse("What happened when Belarus cut the number of recruitment agencies?").wants == ()
    assert parse("In what month and year was the board set up, and how many times a year does it meet?").wants == (DATE,)
    assert parse("What amount does HIRDA transfer to Somalia?").expects == MONEY
    assert parse("What are the charges for sending money to Morocco?").expects == MONEY
    # an explanation, a recommendation or a comparison asks for a sum only in so many words
    assert parse("Why is sending money home so expensive, and why does lowering the cost matter?").expects == NONE
    assert parse("What practical steps does the South Centre suggest to bring down the cost?").expects == NONE
    assert parse("Why did the budget grow, and how much was it in 2005?").expects == MONEY
    assert parse("Did Sri Lanka lift its ban on women's migration, and if so, when?").expects == DATE
    assert parse("What budget does UNDP propose for the programme, and why?").expects == MONEY
    assert parse("Which UN organisations are co-sponsors of UNAIDS?").kind == "list"  # (an acronym dropped)
    assert parse("When did it start, and who pays?").two_part and not parse("When did it start?").two_part
    # the question after a preamble, and a list that two sources give differently
    assert parse("UNICEF added survey modules. What four areas do they measure?").kind == "list"
    assert parse("Which countries piloted it? IOM and UNDP don't give the same list.").kind == "compare"
    # "which / what" and a plural noun that a verb or a preposition follows asks for several things
    assert parse("In which languages has IOM published its glossary?").kind == "list"
    assert parse("What challenges has UNICEF faced since 2006?").kind == "list"
    assert parse("What alternatives to detention does it propose?").kind == "recommendation"  # (its own cue first)
    assert parse("What is Connections for Development?").kind == "factoid"  # a definition
    assert parse("What holds diaspora members back?").kind == "factoid"  # a verb
    assert parse("What happens to migrants who are stranded?").kind == "factoid"  # a verb, a relative clause
    assert parse("What is the channel through which remittances are sent?").kind == "factoid"
    assert parse("What types of data do countries collect?").kind == "list"
    assert parse("Which languages are official, and how many people speak them?").kind == "factoid"  # a count


def test_short_answer_rules():
    assert short_answer(PERCENT, "About half the world's migrants are women.", "What share are women?") == "About half"
    assert short_answer(PERCENT, "In the second half of 2007 it chaired the GMG.", "What share?") == ""
    assert short_answer(PERCENT, "In the second half of the decade it grew.", "What share?") == ""
    assert short_answer(PERCENT, "Two-thirds of all remittances go home.", "What share?") == "Two-thirds"
    s = "Remittances reached USD 325 billion in 2010 and 14% were saved by 70,000 users."
    assert short_answer(MONEY, s, "How much?") == "USD 325 billion"
    assert short_answer(PERCENT, s, "What share?") == "14%"
    assert short_answer(DATE, s, "When?") == "2010"
    assert short_answer(COUNT, s, "How many users?") == "70,000"  # a sum or a share is no count
    assert not matches(COUNT, "It covers Iraq and UNSC resolution 1244-administered Kosovo.")  # nor a resolution
    assert short_answer(MONEY, "It remits more than Euro 200,000 per year.", "How much?") == "Euro 200,000"
    assert short_answer(MONEY, "The fund holds 40 million euro.", "How much?") == "40 million euro"
    assert not matches(COUNT, "It met in 2005.")  # a year is not a count
    assert not matches(COUNT, "It ran from 20 to 23 May 2013 in Bangkok.")  # nor a day of the month
    assert short_answer(COUNT, "On June 3rd, 450 people met; 12 stayed.", "How many met?") == "450"
    assert short_answer(DATE, "It met in 2005 and 2006.", "What happened after 2005?") == "2006"
    assert parse("Where online can people find IOM's migration law database?").expects == URL
    assert short_answer(URL, "We launched our data base (see www.iml.iom.int/section.do) in 2006.", "Where?") \
        == "www.iml.iom.int/section.do"
    assert parse("What is the link between migration and development?").wants == ()


def test_which_countries_asks_for_the_countries_a_sentence_names():
    assert parse("Which two major migrant-sending countries set up offices abroad?").expects == COUNTRIES
    assert parse("Which countries does it give as examples?").expects == COUNTRIES
    assert parse("Which country led the way, and in what year?").wants == (DATE, COUNTRY)
    assert parse("What does ICAO recommend countries do about e-passports?").wants == ()
    assert parse("How many countries had ratified it?").wants == (COUNT,)
    listed = "It is piloted in Bangladesh, Jamaica, Mali and the Republic of Moldova, with UNDP."
    assert country_names(listed) == ["Bangladesh", "Jamaica", "Mali", "Republic of Moldova"]
    assert country_names("Trinidad and Tobago, The Netherlands and Turkey") == ["Trinidad and Tobago", "Netherlands",
                                                                               "Turkey"]
    assert country_names("The Nigerian delegation met in Georgetown.") == []  # whole words only
    assert country_names("The Republic of Moldova signed; Moldova ratified.") == ["Republic of Moldova"]  # one country
    assert country_names("the Democratic Republic of the Congo") == ["Democratic Republic of the Congo"]
    assert short_answer(COUNTRIES, "Mali, Senegal and Oman", "Which countries tackle informality?") \
        == "Mali, Senegal, Oman"  # "Mali" in "informality" is no country the question names
    assert short_answer(COUNTRIES, listed, "Which countries piloted it with Mali?") \
        == "Bangladesh, Jamaica, Republic of Moldova"  # a country the question names is no answer
    assert matches(COUNTRY, "The conference was held in Mexico.")
    assert not matches(COUNTRIES, "The conference was held in Mexico.")  # "which countries" wants more than one


def test_how_fast_asks_for_a_rate_of_growth():
    assert parse("How quickly was the number of migrants growing in the 1990s?").expects == RATE
    assert parse("What compliance rate does the Special Rapporteur cite?").expects == RATE
    assert parse("How much has the number of students abroad grown?").expects == RATE
    assert parse("How much did the income gap between rich and poor countries widen?").expects == RATE
    assert parse("How much does HIRDA send each year?").expects == MONEY
    assert short_answer(RATE, "Their GDP went from 41 times to 66 times that of the poorest.", "How much?") == "41 times"
    assert short_answer(RATE, "Since 1975 it has grown nearly four-fold, to 3.6 million.", "How fast?") == "four-fold"
    assert short_answer(RATE, "Migration grew at 6% per year in the 1990s.", "How quickly?") == "6%"
    assert short_answer(RATE, "Remittances doubled in ten years.", "How fast?") == "doubled"
    assert not matches(RATE, "The number of migrants reached 214 million in 2010.")
    assert not matches(RATE, "It avoids double taxation and is a triple win; the pages unfold.")
    assert parse("What was the growth rate of remittances?").expects == RATE
    assert parse("How much does it cost, and has the budget grown?").expects == MONEY  # the rate is another clause


def test_what_is_it_called_asks_for_the_name_that_follows_called_or_known_as():
    assert parse("What was the policy framework that came out of the consultations called?").expects == NAME
    assert parse("What was the group called before, and which agencies made it up?").expects == NAME
    assert parse("What is the book called, and when was it expected?").wants == (DATE, NAME)
    assert parse("What is the name of the fund?").expects == NAME
    assert parse("Which services are migrants entitled to?").wants == ()  # "entitled to" names nothing
    framework = "These were compiled in a framework called the International Agenda for Migration Management (IAMM)."
    assert short_answer(NAME, framework, "What was it called?") \
        == "the International Agenda for Migration Management (IAMM)"
    assert short_answer(NAME, 'movement across borders (commonly called "Mode 4" in trade parlance)', "What?") == "Mode 4"
    assert short_answer(NAME, "The group, known as the Geneva Migration Group, met.", "What?") == "the Geneva Migration Group"
    assert not matches(NAME, "States are called upon to act.")
    assert short_answer(NAME, 'a paper entitled "An informal conversation on global governance" was issued', "What?") \
        == "An informal conversation on global governance"  # a quoted title whole
    assert short_answer(NAME, "known as the GFMD to most delegates", "What?") == "the GFMD"  # ends on a name
    assert short_answer(NAME, "the so-called Berne Initiative in 2001", "What?") == "Berne Initiative"
    assert parse("Which migrants are entitled, and to what?").wants == ()
    assert parse("What are the names of the countries that signed?").wants == ()


def test_a_person_is_named_by_an_honorific_or_words_the_corpus_never_writes_in_lower_case():
    common = frozenset({"secretary", "general", "assembly", "civil", "society"})
    assert short_answer(PERSON, "The panel was chaired by H.E. Mr. Ali Hachani of Tunisia.", "Who?", common) \
        == "H.E. Mr. Ali Hachani"
    assert short_answer(PERSON, "The current mandate holder, François Crépeau, took office.", "Who?", common) \
        == "François Crépeau"
    assert not matches(PERSON, "As the UN Secretary General said, Civil Society met.", common)
    assert short_answer(PERSON, "Rapporteur François Crépeau took office.", "Who?", common | {"rapporteur"}) \
        == "François Crépeau"  # a name right after a capitalised common word
    # the start of a body's name is no person ("King Baudouin Foundation", "San Remo Institute")
    assert not matches(PERSON, "The King Baudouin Foundation thanks the San Remo Institute.",
                       common | {"the", "foundation", "institute"})


def test_follow_up_detection():
    assert is_follow_up("and what about women migrants?")
    assert not is_follow_up("What does IOM recommend for trafficking victims who cannot return?")


def test_what_is_x_asks_for_a_sentence_that_defines_x():
    assert parse("What is the GFMD?").subject == "GFMD"
    assert parse("What are remittances?").subject == "remittances"
    assert parse('What is meant by "brain waste"?').subject == "brain waste"
    assert parse("What does the term circularity mean?").subject == "circularity"
    assert parse("What does IOM do?").subject == parse("Who is the Special Rapporteur?").subject == ""
    assert parse("What is ‘brain drain’?").subject == "brain drain"
    # a follow-up's pronoun, a value asked for or a year is nothing to define
    assert parse("What is it?").subject == parse("What does this mean?").subject == ""
    assert parse("What is the total amount of remittances in 2010?").subject == ""
    assert parse("What is the budget?").subject == ""  # asks for money
    assert parse("What is the link between migration and development in the view of the South Centre?").subject == ""
    # what a body thinks is no term to define; "the bottom-up approach" is one
    assert parse("What is the World Bank's view on remittances?").subject == ""
    assert parse("What is the position of UNICEF on children left behind?").subject == ""
    assert parse("What are Member States' positions on return?").subject == ""
    assert parse("What is the bottom-up approach?").subject == "bottom-up approach"
    defined = parse("How does the South Centre note define remittances?")
    assert defined.subject == "remittances" and defined.kind == "factoid"  # as "What are remittances?"
    assert parse("How does IOM define migration, and why?").kind == "explain"
    assert parse("How does IOM define and measure integration?").subject == ""
    assert parse("What is the Women's Perspective programme?").subject == "Women's Perspective programme"
    gfmd = definition(["GFMD", "Global Forum on Migration and Development"])
    assert gfmd.search("The GFMD is the largest forum for governments outside the United Nations.")
    assert gfmd.search("The Global Forum on Migration and Development (GFMD), set up in 2007, is a State-led process.")
    assert not gfmd.search("The GFMD was launched in 2007.")  # when, not what
    assert not gfmd.search("(c) GFMD 2010 - Background paper")
    assert definition(["Not Just Numbers"]).search("IOM produced Not Just Numbers, an educational toolkit.")
    assert not definition(["IOM"]).search("IOM, the ILO and UNHCR work together.")  # (a list)
    assert not gfmd.search("Beyond the GFMD, a number of proposals were made.")
    drain = definition(["brain drain"])
    assert drain.search("The term “brain drain” refers to the loss of skilled personnel.")
    assert drain.search("Brain drain, broadly defined as the loss of skills, matters.")
    assert not drain.search("This matters where “brain drain” is especially dramatic.")
    assert not definition(["art"]).search("Articles defined as goods")  # a whole word
    assert definition(["Colombo Process"]).search("The Colombo Process is considered a Regional Consultative Process.")
    social = definition(["social remittances"])
    assert social.search("(Social remittances are ideas, behaviours and identities that flow home.)")
    assert social.search("Social remittances are transfers of norms.")
    assert not social.search("Social remittances are numerous, and social remittances are growing.")
    assert not social.search("Social remittances are sometimes in kind.")
    assert definition(["irregular migration"]).search("Irregular migration – i.e. migration without the right to stay")
    bab = definition(["BAB", "Business Advisory Board"])
    assert bab.search("IOM brought chief executives together as a Business Advisory Board (BAB) to exchange ideas.")
    assert not bab.search("The Business Advisory Board (chaired by IOM) met twice.")  # (not its name in brackets)


def test_a_subject_to_define_must_be_in_the_top_passages_its_words_close_together():
    hits = ["Few credit unions are at the end of the chain; remittance services lose money "
            "when commissions fall, and labour migration grew.", "They take dirty, dangerous and demeaning (3D) jobs."]
    assert read._forms("RCPs", {"RCP": "Regional Consultative Process"}) == \
        ["RCPs", "RCP", "Regional Consultative Process"]
    assert read._forms("bottom-up approach to migration", {}) == ["bottom-up approach to migration", "bottom-up approach"]
    # qualified by a name, the head alone ("capital") is not the subject; a body named in full
    # is also written by its acronym in place
    assert read._forms("capital of France", {}, by_name=True) == ["capital of France"]
    assert read._forms("capital of the European Union", {"EU": "European Union"}, by_name=True) == \
        ["capital of the European Union", "capital of the EU"]
    common = frozenset({"the", "migration", "approach"})  # what the corpus writes in lower case
    assert read._qualified_by_name("capital of France", common) and read._qualified_by_name("capital of france", common)
    assert read._qualified_by_name("role of the EU", common) and not read._qualified_by_name("approach to migration", common)
    assert not read._qualified_by_name("Colombo Process", common)  # a name, not qualified by one
    mandate = ("The work of UNESCO on migration focuses primarily on its social and human dimensions, and is rooted "
               "in its mandate to promote international peace and mutual respect.")
    assert read._mentioned(["mandate of UNESCO"], [mandate], near=False)  # anywhere in the sentence
    assert not read._mentioned(["mandate of UNESCO"], [mandate])
    assert read._mentioned(["3D jobs"], hits)
    assert read._mentioned(["chain migration"], ["a chain of remittance agents and migration"])
    assert read._mentioned(["it"], [])  # no content words: nothing to look for
    assert read._a_term("chain migration") and read._a_term("Global Migration Data Portal")
    assert not read._a_term("main obstacles facing migrants")
    assert not read._mentioned(["chain migration"], hits)  # both words, far apart
    assert read._mentioned(["Migrant Workers Convention"],
                           ["the Convention on the Protection of the Rights of All Migrant Workers"])


def test_answers_quote_the_corpus_exactly(tiny_settings):
    assistant = Assistant(tiny_settings)
    answer = assistant.ask("How much money does HIRDA send to Somalia per year?")
    assert not answer.abstained
    assert answer.citations and "[1]" in answer.text
    for c in answer.citations:
        assert assistant.document_text(c.doc)[c.start:c.end] == c.quote
    assert "EUR 200,000" in answer.short_answer


def test_a_sentence_that_carries_the_quote_on_comes_with_it_in_one_citation(tiny_settings):
    assistant = Assistant(tiny_settings)
    answer = assistant.ask("How much money did migrants send home as remittances in 2010?")
    first = answer.citations[0]
    # "... reached USD 325 billion in 2010. The cost of sending money home averages 9 per cent..."
    assert "USD 325 billion" in first.quote and "9 per cent" in first.quote
    assert assistant.document_text(first.doc)[first.start:first.end] == first.quote
    assert answer.text.count("[") == len(answer.citations)


def test_the_calibration_follows_the_model_and_the_adapter():
    from types import SimpleNamespace

    def retriever(embedder, setting, adapter):
        return SimpleNamespace(settings=SimpleNamespace(embedder=embedder, query_adapter=setting), adapter=adapter)

    assert read._calibration(retriever("minilm-int8", "bundled", object())) == read.ADAPTED
    assert read._calibration(retriever("minilm", "none", None)) == read.PLAIN
    custom = read._calibration(retriever("minilm-int8", "/tmp/mine.npz", object()))
    assert custom.floor == 0 and custom.mid == read.PLAIN.mid  # fitted for neither: no floor
    assert read._calibration(retriever("hash", "bundled", None)).floor == 0


def test_abstains_when_a_key_term_is_absent(tiny_settings):
    answer = Assistant(tiny_settings).ask("How much money did the Philippines receive in 2006?")
    assert answer.abstained and "don't say" in answer.text and answer.reason
    assert answer.confidence < 0.5


def test_a_loose_match_below_the_confidence_floor_is_quoted_as_the_nearest_passage_not_as_an_answer(
        tiny_settings, monkeypatch):
    assistant = Assistant(tiny_settings)
    question = "When was the Business Advisory Board convened?"
    answered = assistant.ask(question)
    assert not answered.abstained and "November 2005" in answered.short_answer
    monkeypatch.setattr(read, "PLAIN", read.Calibration(read.PLAIN.mid, read.PLAIN.scale, answered.confidence + 0.01))
    assert not assistant.ask(question).abstained  # the confidence was fitted for the bundled model only
    monkeypatch.setattr(read, "CALIBRATED_FOR", (tiny_settings.embedder,))
    loose = assistant.ask(question)
    assert loose.abstained and "matches this question closely" in loose.reason and not loose.short_answer
    assert loose.citations == answered.citations and loose.confidence < answered.confidence


def test_a_value_comes_from_a_passage_about_what_the_question_names(tiny_settings):
    assistant = Assistant(tiny_settings)
    # Geneva is in a top passage (the board meets there), not in the passage with the sums sent home
    answer = assistant.ask("How much money did migrants in Geneva send home?")
    assert any("Geneva" in h.text for h in answer.retrieved[:3])
    assert answer.abstained and "'Geneva'" in answer.reason
    assert not assistant.ask("How much money did migrants send home?").abstained


def test_a_date_the_question_gives_may_be_its_source_documents_date(tiny_settings):
    manifest = tiny_settings.corpus_dir / "manifest.json"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('"2010"', '"2010-03"'), encoding="utf-8")
    # alpha.txt is dated March 2010 in the manifest; its HIRDA passage never writes the date
    answer = Assistant(tiny_settings).ask("How much does HIRDA send to Somalia, according to the March 2010 note?")
    assert not answer.abstained and answer.short_answer == "EUR 200,000"
    assert "2010" not in answer.citations[0].quote and "March" not in answer.citations[0].quote


@pytest.mark.parametrize("bad", ["", "   ", "x" * 5000, "?!?", "Что такое миграция и развитие?", None])
def test_bad_questions_get_a_clear_error(tiny_settings, bad):
    with pytest.raises(QuestionError):
        Assistant(tiny_settings).ask(bad)


def test_unknown_reader_names_the_choices(tiny_settings):
    with pytest.raises(QAError, match="extractive"):
        Assistant(tiny_settings).ask("Who convened the board?", reader="nope")


def test_follow_up_uses_the_previous_question(tiny_settings):
    assistant = Assistant(tiny_settings)
    history = [{"role": "user", "content": "When was the Business Advisory Board convened?"},
               {"role": "assistant", "content": "In November 2005 [1]"}]
    answer = assistant.ask("and how often does it meet?", history=history)
    assert any("twice a year" in c.quote for c in answer.citations)


def test_a_follow_up_s_year_takes_the_place_of_the_earlier_one(tiny_settings):
    assistant = Assistant(tiny_settings)
    history = [{"role": "user", "content": "Who chaired the GMG in 2007?"}]
    assert assistant._with_context("and in 2013?", history) == "Who chaired the GMG? and in 2013?"
    assert assistant._with_context("and who led it?", history) == "Who chaired the GMG in 2007? and who led it?"
    opening = [{"role": "user", "content": "In 2007, who chaired the GMG?"}]
    assert assistant._with_context("and in 2013?", opening) == "who chaired the GMG? and in 2013?"
    named = [{"role": "user", "content": "What does resolution 2005/47 say about the 2030 Agenda?"}]  # (no year asked)
    assert assistant._with_context("and in 2013?", named) == f"{named[0]['content']} and in 2013?"


def test_follow_up_is_answered_about_its_own_subject_or_not_at_all(tiny_settings):
    assistant = Assistant(tiny_settings)
    history = [{"role": "user", "content": "What do the documents say about sending money home?"}]
    rural = assistant.ask("and what about rural areas?", history=history)
    assert not rural.abstained and all("rural" in c.quote for c in rural.citations)
    martians = assistant.ask("and what about Martians?", history=history)
    assert martians.abstained and martians.reason.count("'Martians'") == 1
    # every rare word of it, not one of them ("the South Centre" is no "centres")
    aliens = assistant.ask("and what about rural aliens?", history=history)
    assert aliens.abstained and "'aliens'" in aliens.reason and "'rural'" not in aliens.reason
    assert not assistant.ask("and what about rural banks?", history=history).abstained
    apart = assistant.ask("and what about rural executives?", history=history)  # each held, never together
    assert apart.abstained and "'rural executives'" in apart.reason


@pytest.mark.model
def test_real_corpus_answers_and_abstains(bundled_settings):
    assistant = Assistant(bundled_settings)
    answer = assistant.ask("How many bilateral labour migration agreements have OECD countries signed?")
    assert not answer.abstained and answer.short_answer == "176"
    assert answer.citations[0].doc == "002_e445566e33997e6b.txt"
    for c in answer.citations:
        assert assistant.document_text(c.doc)[c.start:c.end] == c.quote
    invented = assistant.ask("What recommendations did the International Telecommunication Union (ITU) make?")
    assert invented.abstained
    # a sentence that says what the GFMD is, not one of the many that name it ("(c) GFMD 2010 - …")
    assert assistant.ask("What is the GFMD?").citations[0].quote.startswith("The GFMD is the largest forum")
    chain = assistant.ask("What is chain migration?")  # "chain" and "migration", never together
    assert chain.abstained and "chain migration" in chain.reason
    # "human capital" elsewhere, France in passing; however it is typed
    for question in ("What is the capital of France?", "what is the capital of france?"):
        refused = assistant.ask(question)
        assert refused.abstained and "capital of" in refused.reason, question
    for question in ("What is the mandate of UNESCO?", "What is the role of IOM?",
                     "What is the World Bank's view on remittances?"):
        assert not assistant.ask(question).abstained, question
    # a line of the list of acronyms is quoted alone, not run on into the next entries
    expansion = assistant.ask("What does GFMD stand for?")
    assert expansion.text == "GFMD Global Forum on Migration and Development [1]"
    assert expansion.citations[0].section == "List of acronyms"


def test_key_words_are_the_names_a_passage_must_hold():
    from qa.read import key_words

    assert key_words("Has South Korea signed MoUs under its Employment Permit System?", {}) == ["Korea", "System"]
    assert key_words("What share of Mexico's GDP came from remittances in 2006?", {"GDP": "gross domestic product"}) \
        == ["Mexico", "2006"]
    # a quote that closes on a name is not part of it; nor is a plural's apostrophe
    assert key_words("What are the 'four Ps' of this work?", {}) == ["Ps"]
    assert key_words("What does the 'Colombo Process' do?", {}) == ["Process"]
    assert key_words("What do 'Migrants' Rights' cover?", {}) == ["Migrants", "Rights"]
    # With the corpus' rarity, a run's rarest word is a key too: "Colombo" of "Colombo Process".
    rarity = {"Colombo": 6.0, "Process": 2.0, "World": 1.0, "Tourism": 5.0, "Organization": 1.0}.get
    assert key_words("How many states are in the Colombo Process?", {}, rarity) == ["Colombo", "Process"]
    assert key_words("What did the World Tourism Organization recommend?", {}, rarity) == ["Tourism", "Organization"]


def test_a_name_spelled_out_is_found_by_its_acronym():
    from types import SimpleNamespace

    from qa.read import _missing_terms
    from qa.terms import content_terms

    passage = frozenset(content_terms("FAO recommends that the 2013 HLD devote attention to food security."))
    index = SimpleNamespace(acronyms={"HLD": "High-level Dialogue", "FAO": "Food and Agriculture Organization"},
                            sentences=[SimpleNamespace(passage=0)])
    retriever = SimpleNamespace(index=index, passage_terms=[passage], idf=lambda term: 1.0)
    hits = [SimpleNamespace(position=0)]
    assert _missing_terms("What did FAO want the 2013 High-level Dialogue to focus on?", [0], hits, retriever) == []
    assert _missing_terms("What did FAO want the 2013 Global Forum to focus on?", [0], hits, retriever) == ["Forum"]


def test_a_name_misspelt_by_one_letter_or_a_swap_is_still_found():
    from types import SimpleNamespace

    from qa.read import _missing_terms
    from qa.terms import content_terms

    passage = frozenset(content_terms("Caxia Catalunya, a savings bank in Spain, helps people send money."))
    index = SimpleNamespace(acronyms={}, sentences=[SimpleNamespace(passage=0)])
    retriever = SimpleNamespace(index=index, passage_terms=[passage], idf=lambda term: 1.0)
    hits = [SimpleNamespace(position=0)]
    assert _missing_terms("How far does the Caixa network reach?", [0], hits, retriever) == []  # swapped
    assert _missing_terms("How far does the Caxio network reach?", [0], hits, retriever) == []  # one letter
    assert _missing_terms("How far does the Cairo network reach?", [0], hits, retriever) == ["Cairo"]
    assert _missing_terms("How far does the Saxia network reach?", [0], hits, retriever) == ["Saxia"]


def _fake_passages(texts, sections, between):
    """A retriever over one document of ``texts`` as passages, ``between`` each two."""
    from types import SimpleNamespace

    from qa.terms import content_terms

    starts = [sum(len(t) + len(between) for t in texts[:i]) for i in range(len(texts))]
    passages = [SimpleNamespace(doc="d", start=b, end=b + len(t), section=section, text=t)
                for t, b, section in zip(texts, starts, sections)]
    index = SimpleNamespace(acronyms={}, sentences=[SimpleNamespace(passage=i) for i in range(len(texts))],
                            passages=passages, documents={"d": SimpleNamespace(text=between.join(texts))})
    return SimpleNamespace(index=index, passage_terms=[frozenset(content_terms(t)) for t in texts],
                           idf=lambda term: 1.0)


def test_a_value_asked_in_a_year_needs_the_year_written_not_only_its_documents_date():
    from types import SimpleNamespace

    from qa.read import _missing_terms

    retriever = _fake_passages(["IOM's operational budget was USD 1.1 billion in 2005."], ["Budget"], " ")
    retriever.passage_terms = [retriever.passage_terms[0] | {"2006"}]  # the paper's date
    hits = [SimpleNamespace(position=0)]
    assert _missing_terms("What was IOM's budget in 2006?", [0], hits, retriever, value=True) == ["2006"]
    assert _missing_terms("In 2006, what was IOM's budget?", [0], hits, retriever, value=True) == ["2006"]
    assert _missing_terms("What was IOM's budget in 2005?", [0], hits, retriever, value=True) == []
    assert _missing_terms("How much had IOM spent by 2006?", [0], hits, retriever, value=True) == []
    assert _missing_terms("What did IOM say about budgets in 2006?", [0], hits, retriever) == []


def test_a_year_may_open_the_passage_before_and_a_nationality_is_its_country():
    from types import SimpleNamespace

    from qa.read import _missing_terms

    texts = ["In 2010 WHO held a global consultation on migrant health in Madrid.",
             "The framework it agreed has four pillars: monitoring, policy, health systems and partnerships.",
             "Migrants in the Netherlands set up 200 businesses."]
    retriever = _fake_passages(texts, ["WHO", "WHO", "Diaspora"], "\n\n")
    hits = [SimpleNamespace(position=1)]
    assert _missing_terms("What areas did the 2010 framework cover?", [1], hits, retriever) == []
    assert _missing_terms("What areas did the 2011 framework cover?", [1], hits, retriever) == ["2011"]
    # a name must be in the quoted passage when a value is asked for ...
    assert _missing_terms("How many pillars has the Madrid framework?", [1], hits, retriever, value=True) == ["Madrid"]
    # ... or in the first half of its paragraph, when the chunker cut one in two
    halves = _fake_passages(texts, ["WHO", "WHO", "Diaspora"], " ")
    assert _missing_terms("How many pillars has the Madrid framework?", [1], hits, halves, value=True) == []
    assert _missing_terms("What did the 2010 diaspora set up?", [2], [SimpleNamespace(position=2)], retriever) \
        == ["2010"]  # the passage before is another section's
    for nationality, missing in [("Dutch", []), ("Moldovan", ["Moldovan"])]:
        question = f"How many businesses did {nationality} migrants set up?"
        assert _missing_terms(question, [2], [SimpleNamespace(position=2)], retriever, value=True) == missing


def test_a_quoted_sentence_brings_the_one_that_carries_it_on():
    from types import SimpleNamespace as NS

    from qa.read import _take

    long = "A General Assembly panel on migration and human rights was held in New York in July 2006."
    ix = NS(continues={}, continued={}, references=set(), sentences=[NS(passage=0, text=long), NS(passage=0, text="The meeting was chaired by Mr. Hachani."),
                       NS(passage=0, text=long), NS(passage=0, text="Remittances grew in 2006."),
                       NS(passage=0, text=long), NS(passage=1, text="The next passage starts here.")])
    for first, expected in [(0, [0, 1]), (2, [2]), (4, [4])]:
        chosen: list[int] = []
        _take(ix, chosen, first)
        assert chosen == expected
    reason = "Migrants need a certain income threshold to afford international travel, money and networks."
    ix = NS(continues={}, continued={}, references=set(), sentences=[NS(passage=0, text=reason), NS(passage=0, text="Therefore it is often not the poorest that migrate.")])
    chosen = []
    _take(ix, chosen, 1)
    assert chosen == [0, 1]  # a conclusion comes with its reason
    for opening, expected in [("They have since been ratified by 18 countries.", [0, 1]),
                              ("Remittances have since been ratified by 18 countries.", [1]),
                              ("Populations in the latter thus face huge costs.", [0, 1]),
                              ("In 2008 the former Special Rapporteur presented a report.", [1])]:
        ix.sentences[1].text = opening
        chosen = []
        _take(ix, chosen, 1)
        assert chosen == expected  # a sentence that points back comes with what it points to
    back = NS(continues={}, continued={}, references={0},
              sentences=[NS(passage=0, text=reason), NS(passage=0, text="They have since been ratified by 18 countries.")])
    chosen = []
    _take(back, chosen, 1)
    assert chosen == [1]  # never a footnote that only cites a source
    back.references, back.continued = set(), {0: 2}
    back.sentences.append(NS(passage=0, text="The first half of a sentence a page break cut"))
    chosen = []
    _take(back, chosen, 1)
    assert sorted(chosen) == [0, 1, 2]  # the sentence before, whole
    chosen = []
    _take(ix, chosen, 0, follow=True)
    assert chosen == [0, 1]  # an explanation goes on to the next sentence


def _sentence_scores(question: str, passages: list[list[str]]) -> dict[str, float]:
    """Each sentence's score (less its passage's rank) from read._score, with every vector zero
    and every word of the question of weight 1."""
    from types import SimpleNamespace as NS

    from qa.terms import Weigher, content_terms

    asked = parse(question)

    def coverage(query: str) -> Weigher:
        weight = {t: 1.0 for t in content_terms(query)}
        return Weigher(weight, {}, len(weight) or 1.0)

    texts = [t for p in passages for t in p]
    bounds = np.cumsum([0] + [len(p) for p in passages])
    ix = NS(passage_sentences=[range(a, b) for a, b in zip(bounds, bounds[1:])], sentence_vectors=np.zeros((len(texts), 4)),
            references=set(), acronyms={}, passages=[NS(section="S")] * len(passages),
            sentences=[NS(text=t, doc="a", passage=int(np.searchsorted(bounds, k, side="right")) - 1)
                       for k, t in enumerate(texts)])
    retriever = NS(index=ix, coverage=coverage, authors={},
                   passage_terms=[set()] * len(passages), common_words=frozenset())
    hits = [NS(position=p) for p in range(len(passages))]
    return {texts[s]: x - read.W_RANK / (1 + rank) for x, s, rank in read._score(asked, question, np.zeros(4), hits, retriever)}


def test_a_sentence_opening_on_a_demonstrative_holds_the_words_of_the_one_before():
    cause = "Push factors stem from conditions in a migrant's home country."
    score = _sentence_scores("Which home-country conditions act as push factors for migration?", [
        [cause, "These conditions include economic hardship and insecurity."],
        [cause, "Several conditions include economic hardship and insecurity."]])
    # "These conditions" are the push factors the sentence before names
    assert score["These conditions include economic hardship and insecurity."] \
        > score["Several conditions include economic hardship and insecurity."] + 0.1


def test_the_words_that_name_the_value_asked_for_are_not_words_to_cover():
    named, given = "A higher proportion of women are invisible.", "Women are almost 50 per cent of the staff."
    score = _sentence_scores("What proportion are women?", [[named], [given]])
    assert score[given] > score[named] + 0.1  # the value, not the word for it


def test_a_sentence_that_only_repeats_the_question_is_no_answer():
    logo, said = "King Baudouin Foundation", "The King Baudouin Foundation supports projects for a better society."
    assert set(_sentence_scores("What is the King Baudouin Foundation?", [[logo], [said]])) == {said}
    assert logo in _sentence_scores("Is there a King Baudouin Foundation?", [[logo], [said]])  # (it says so)
    assert logo in _sentence_scores("King Baudouin Foundation", [[logo], [said]])  # (a source looked for)
    pasted = "The foundation which Baudouin set up supports projects."  # (a statement, though it says "which")
    assert pasted in _sentence_scores(pasted, [[pasted], [said]])


def test_a_sentence_before_in_the_same_paragraph_comes_in_one_citation_even_across_passages():
    from types import SimpleNamespace as NS

    from qa.assistant import _runs
    from qa.read import _take

    doc = "Some argue small numbers matter. This is especially relevant in health.\n\nThis opens a paragraph."
    starts = [0, doc.index("This is"), doc.index("This opens")]
    ix = NS(continues={}, continued={}, references=set(), documents={"a": NS(text=doc)},
            sentences=[NS(doc="a", passage=p, start=b, end=b + len(t), text=t) for p, b, t in
                       zip((0, 1, 2), starts, ("Some argue small numbers matter.", "This is especially relevant in health.",
                                               "This opens a paragraph."))],
            passages=[NS(doc="a", section="S", paragraph=n) for n in (4, 4, 5)])  # (a paragraph cut in two)
    chosen: list[int] = []
    _take(ix, chosen, 1)
    assert sorted(chosen) == [0, 1] and _runs(ix, sorted(chosen)) == [[0, 1]]  # what "This" points to
    chosen = []
    _take(ix, chosen, 2)
    assert chosen == [2]  # (not across paragraphs)


def test_a_sentence_a_page_break_cut_is_one_citation_eliding_the_page_s_footnotes():
    from types import SimpleNamespace as NS

    from qa.assistant import _cite, _runs

    doc = "For example, the\n\n29 A footnote.\n\nBerne Initiative brought governments together. It met."
    texts = ("For example, the", "29 A footnote.", "Berne Initiative brought governments together.", "It met.")
    starts = [doc.index(t) for t in texts]
    ix = NS(continues={0: 2}, documents={"a": NS(text=doc, meta=NS(title="T", page_at=lambda _: None))},
            sentences=[NS(doc="a", passage=p, start=b, end=b + len(t), text=t)
                       for p, b, t in zip((0, 0, 1, 1), starts, texts)],
            passages=[NS(doc="a", section="S", paragraph=n) for n in (1, 3)])
    runs = _runs(ix, [0, 2, 3])
    assert runs == [[0, 2, 3]]
    cited = _cite(ix, runs[0])
    assert cited.quote == doc[cited.start:cited.end] and cited.paragraph == 1
    assert cited.shown == "For example, the … Berne Initiative brought governments together. It met."


def test_a_side_of_a_comparison_keeps_a_cut_sentence_whole_and_in_order():
    from types import SimpleNamespace as NS

    from qa.assistant import _runs
    from qa.read import _select

    texts = ["IOM counts 116 member States.", "Its membership rose as more States were admitted by",
             "¹ A footnote of the page.", "the Council in 2005, to 118.", "Therefore the note gives 118."]
    doc = "\n\n".join(texts)
    starts = [doc.index(t) for t in texts]
    ix = NS(continues={1: 3}, continued={3: 1}, references={2}, acronyms={}, documents={"sc.txt": NS(text=doc)},
            passages=[NS(doc="sc.txt", section="A", paragraph=1), NS(doc="sc.txt", section="B", paragraph=1),
                      NS(doc="sc.txt", section="B", paragraph=2)],
            sentences=[NS(doc="sc.txt", passage=p, start=b, end=b + len(t), text=t)
                       for p, b, t in zip((0, 1, 1, 2, 2), starts, texts)],
            sentence_vectors=np.eye(5, dtype=np.float32))
    sides = [{("sc.txt", "A")}, {("sc.txt", "B")}]
    chosen = _select(parse("What do A and B each say about membership?"), [(2.0, 4, 0), (1.9, 0, 1)], ix, sides)
    assert chosen == [0, 1, 3, 4]  # "Therefore…" brings the sentence before, and that its head, in order
    assert _runs(ix, chosen) == [[0], [1, 3, 4]]  # one citation for the cut sentence and what follows


def test_a_citation_shows_its_quote_without_what_it_elides():
    from qa.types import Citation

    text = "AAA.\n\n¹ note\n\nBBB\n\n2\n\nCCC."
    quote = Citation(doc="d", title="", section="", paragraph=1, start=0, end=len(text), quote=text,
                     elided=((4, text.index("BBB")), (text.index("BBB") + 3, text.index("CCC"))))
    assert quote.shown == "AAA. … BBB … CCC." and quote.to_dict()["shown"] == quote.shown
    assert Citation(doc="d", title="", section="", paragraph=1, start=0, end=4, quote=" AAA").shown == "AAA"


def test_a_sentence_that_introduces_a_list_brings_its_items():
    from types import SimpleNamespace as NS

    from qa.read import _take

    long = "The agenda of the Civil Society Day mirrored the government agenda to a large extent in 2007."
    lines = [[long], ["Three specific themes were identified:"],
             ["- Human capital and labour mobility.", "Its second sentence is left out."],
             ["- Remittances and other diaspora resources;"], ["These themes framed the debates."],
             ["- Not an item of it."]]
    raw, sentences = "", []
    for line in lines:
        for text in line:
            sentences.append(NS(doc="d", passage=0, start=len(raw), end=len(raw) + len(text), text=text))
            raw += text + " "
        raw += "\n"
    ix = NS(continues={}, continued={}, references=set(), sentences=sentences, documents={"d": NS(text=raw)})
    for first, expected in [(0, [0, 1, 2, 4]), (1, [1, 2, 4])]:
        chosen: list[int] = []
        _take(ix, chosen, first)
        assert chosen == expected


def test_a_lead_in_parted_from_its_list_by_footnotes_brings_the_items_after_them():
    from types import SimpleNamespace as NS

    from qa.read import _take

    texts = ["The community faces two tasks:", "Ibid.", "- Address the root causes", "- Manage migration well",
             "Policy must not be seen in isolation."]
    raw, sentences = "", []
    for k, text in enumerate(texts):
        sentences.append(NS(doc="d", passage=0 if k < 2 else 1, start=len(raw), end=len(raw) + len(text), text=text))
        raw += text + "\n"
    ix = NS(continues={0: 2}, continued={2: 0}, references={1}, sentences=sentences, documents={"d": NS(text=raw)})
    chosen: list[int] = []
    _take(ix, chosen, 0)
    assert chosen == [0, 2, 3]


def _leads_in_after(*texts: str) -> bool:
    """True when taking the first of these lines (each a paragraph of one passage) takes the last."""
    from types import SimpleNamespace as NS

    from qa.read import _take

    raw, sentences = "", []
    for text in texts:
        sentences.append(NS(doc="d", passage=0, start=len(raw), end=len(raw) + len(text), text=text))
        raw += text + "\n\n"
    ix = NS(continues={}, continued={}, references=set(), sentences=sentences, documents={"d": NS(text=raw)},
            passages=[NS(section="S")])
    chosen: list[int] = []
    _take(ix, chosen, 0)
    return len(texts) - 1 in chosen


def test_a_list_written_as_paragraphs_brings_each_item_from_the_section_s_passages():
    from types import SimpleNamespace as NS

    from qa.read import _take

    texts = ["IOM would conclude with three broad messages:", "First, cooperation is needed.", "It takes time.",
             "Second, dialogue must be promoted.", "Finally, innovation will be crucial.", "The time has come."]
    passages = [0, 1, 1, 2, 3, 4]
    raw, sentences = "", []
    for k, text in enumerate(texts):
        sentences.append(NS(doc="d", passage=passages[k], start=len(raw), end=len(raw) + len(text), text=text))
        raw += text + (" " if k == 1 else "\n\n")
    ix = NS(continues={}, continued={}, references=set(), sentences=sentences, documents={"d": NS(text=raw)},
            passages=[NS(section="Conclusion")] * 4 + [NS(section="Annex")])
    chosen: list[int] = []
    _take(ix, chosen, 0)
    assert chosen == [0, 1, 3, 4]  # each item's first sentence; not what follows the list
    assert not _leads_in_after("Training was given to police officers, border guards and labour inspectors in the region.",
                               "First responders arrived.")
    assert not _leads_in_after("These include:", "- (a) Hidden heterogeneity.", "First, in general discussions…")
    ix.passages[2] = NS(section="Annex")  # an item of another section ends the list
    chosen = []
    _take(ix, chosen, 0)
    assert chosen == [0, 1]
    ix.passages[2] = NS(section="Conclusion")
    sentences[0].text = "This could be true for a few reasons."  # a "First, …" after it makes it a lead-in
    sentences[0].passage = 1  # (in its passage)
    chosen = []
    _take(ix, chosen, 0)
    assert chosen == [0, 1, 3, 4]


def test_a_comparison_of_named_sources_quotes_each():
    from types import SimpleNamespace as NS

    from qa.read import _select
    from qa.sources import named_sources
    from qa.terms import content_terms

    writers = {"iom.txt": frozenset(content_terms("Perspectives IOM April 2006")),
               "sc.txt": frozenset(content_terms("Note South Centre September 2006"))}
    ix = NS(continues={}, continued={}, references=set(), acronyms={}, passages=[NS(section="Members")] * 3,
            sentences=[NS(doc="iom.txt", passage=0, start=0, text="IOM has 116 member States, 21 observer States and some 75 observer organisations."),
                       NS(doc="iom.txt", passage=2, start=90, text="Membership grew over ten years."),
                       NS(doc="sc.txt", passage=1, start=0, text="IOM has 118 member states.")],
            sentence_vectors=np.eye(3, dtype=np.float32))
    scored = [(2.0, 0, 0), (1.9, 1, 0), (1.0, 2, 1)]  # the South Centre's sentence scores far lower
    question = parse("What do IOM's paper and the South Centre note each say about membership?")
    sides = named_sources(question.text, {("iom.txt", "Members"), ("sc.txt", "Members")}, writers, {})
    assert sides == [{("iom.txt", "Members")}, {("sc.txt", "Members")}]
    assert _select(question, scored, ix, sides) == [0, 2]
    assert _select(question, scored, ix, []) == [0]  # no sources named: the best quote...
    # the sides are quoted together: a near-best sentence that says what the other side says wins
    ix.sentence_vectors = np.array([[1, 0], [0.6, 0.8], [0.6, 0.8]], dtype=np.float32)
    assert _select(question, [(2.0, 0, 0), (1.95, 1, 0), (1.0, 2, 1)], ix, sides) == [1, 2]
    assert _select(question, [(2.0, 0, 0), (1.5, 1, 0), (1.0, 2, 1)], ix, sides) == [0, 2]  # not a far worse one
    # each side is quoted on in its passage, within its share of the words
    ix.sentences[1].passage = 0
    # ...and the one after it, as for an explanation, however low it scores
    assert _select(question, [(2.0, 0, 0), (1.0, 1, 0), (0.9, 2, 1)], ix, []) == [0, 1]
    assert _select(question, [(2.0, 0, 0), (1.5, 1, 0), (1.0, 2, 1)], ix, sides) == [0, 1, 2]
    ix.sentences[0].text += " It has" + " many more" * 20  # 55 words: more than its share, 50
    assert _select(question, [(2.0, 0, 0), (1.5, 1, 0), (1.0, 2, 1)], ix, sides) == [0, 2]


def test_an_answer_quotes_its_passage_on_while_short_and_on_the_question():
    from types import SimpleNamespace as NS

    from qa.read import CONTEXT_SHARE, CONTEXT_WORDS, MAX_WORDS, _carry_on

    texts = ["Remittances are not a source of terrorist activities.", "Terrorist groups need far more money.",
             "Red tape raises the costs of sending money home.", "The meeting then turned to other matters."]
    ix = NS(continues={}, continued={}, references=set(), sentences=[NS(passage=0, text=t) for t in texts] + [NS(passage=1, text="x")])
    scored = [(1.0, 0, 0), (0.9, 1, 0), (0.8, 2, 0), (0.9, 4, 1), (CONTEXT_SHARE - 0.1, 3, 0)]
    chosen = [0]
    _carry_on(ix, chosen, scored, 0, CONTEXT_WORDS, MAX_WORDS)
    assert chosen == [0, 1, 2]  # not the sentence off the question, nor another passage
    long = NS(continues={}, continued={}, references=set(), sentences=[NS(passage=0, text="word " * 80)] + ix.sentences[1:])
    chosen = [0]
    _carry_on(long, chosen, scored, 0, CONTEXT_WORDS, MAX_WORDS)
    assert chosen == [0]  # long enough already
    chosen = [0]
    _carry_on(ix, chosen, scored, 0, CONTEXT_WORDS, 10)
    assert chosen == [0]  # the next sentence would not fit in 10 words
    chosen = [0]
    _carry_on(ix, chosen, [(1.0, 0, 0), (0.9, 1, 0), (0.8, 2, 0), (0.9, 4, 1), (0.9, 3, 0)], 0, 500, 500)
    assert chosen == [0, 1, 2, 3]  # the passage's last sentence ends it


def test_a_typed_question_takes_the_value_from_the_best_passage():
    from types import SimpleNamespace as NS

    from qa.read import _select

    ix = NS(continues={}, continued={}, references=set(), sentences=[NS(doc="a", passage=0, start=0, text="JMDI entered its second phase in December 2012, "
                          "focusing on local authorities as partners of civil society in migration and development."),
                       NS(doc="a", passage=0, start=120, text="Programme activities are funded over three years, "
                          "with a total budget of USD 9.5 million."),
                       NS(doc="b", passage=1, start=0, text="Remittances reached USD 325 billion.")])
    scored = [(2.0, 0, 0), (1.0, 2, 1), (0.9, 1, 0)]  # the budget sentence scores lowest
    assert _select(parse("What is the budget of the JMDI's second phase?"), scored, ix, []) == [0, 1]
    assert _select(parse("When did the JMDI's second phase start?"), scored, ix, []) == [0]
    # a sentence with a money value but nothing of the question's subject is not quoted
    assert _select(parse("How much do local authorities of the JMDI spend?"), scored, ix, []) == [0]


def test_a_question_in_two_parts_gets_two_quotes():
    from types import SimpleNamespace as NS

    from qa.read import _select

    long = "In November 2005 the Director General gathered a group of chief executives as a Business Advisory Board."
    ix = NS(continues={}, continued={}, references=set(), passages=[NS(section="BAB"), NS(section="BAB")],
            sentences=[NS(doc="a", passage=0, start=0, text=long),
                       NS(doc="a", passage=1, start=200, text=long.replace("November 2005", "2006"))])
    scored = [(2.0, 0, 0), (1.95, 1, 1)]  # (the next passage: an answer is quoted on in its own only)
    assert _select(parse("When was the Business Advisory Board set up?"), scored, ix, []) == [0]
    assert _select(parse("When was the Business Advisory Board set up, and how often does it meet?"),
                   scored, ix, []) == [0, 1]


def test_a_lead_in_quoted_with_its_items_needs_no_second_quote():
    from types import SimpleNamespace as NS

    from qa.read import _select

    texts = ["The outcomes of the Dialogue will set the agenda for the decade.",
             "Two concrete measures to enhance the benefits of migration are:",
             "- (a) Strengthen the evidence base.", "- (b) Reduce the costs of migrating."]
    starts = [0, 100, 200, 300]
    ix = NS(continues={}, continued={}, references=set(), passages=[NS(section="Recommendations")],
            documents={"a": NS(text="\n\n".join(texts))},
            sentences=[NS(doc="a", passage=0, start=b, end=b + len(t), text=t) for b, t in zip(starts, texts)])
    scored = [(2.0, 1, 0), (1.9, 0, 0), (1.0, 2, 0), (0.9, 3, 0)]
    question = parse("What two measures did the World Bank propose to increase the benefits of migration?")
    assert question.kind in ("recommendation", "list")
    assert _select(question, scored, ix, []) == [1, 2, 3]  # not the preamble too


def test_kind_cues_mark_recommendations_and_explanations():
    from qa.question import fits_kind

    assert fits_kind("recommendation", "IOM advocates for States to offer residence permits.")
    assert not fits_kind("recommendation", "IOM provides shelters.")
    assert fits_kind("explain", "Few emigrate because migration requires money.")
    assert fits_kind("explain", "Its temporary character means that public opinion is less negative.")
    assert not fits_kind("explain", "Temporary labour migration has grown.")
    assert not fits_kind("explain", "Migrants send money by means of mobile phones.")
    assert fits_kind("list", "IOM's work falls into six categories: movements, returns, health and counter-trafficking.")
    assert not fits_kind("list", "IOM works on migration and development.")
    assert fits_kind("factoid", "Anything at all.")


def test_a_full_stop_after_an_abbreviation_opens_no_sentence():
    from qa.read import key_words

    assert key_words("Compare e.g. Mexico and the Philippines.", {}) == ["Mexico", "Philippines"]
    assert key_words("It grew. Compare what Mexico says.", {}) == ["Mexico"]  # "Compare" opens a sentence


def test_a_question_about_what_came_of_a_plan_is_not_answered_by_the_plan():
    from qa.read import _asks_outcome_of_a_plan

    plan = "In 2014 UNCTAD will hold an expert meeting on access to financial services."
    assert _asks_outcome_of_a_plan(parse("What did UNCTAD's 2014 expert meeting conclude?"), "What did UNCTAD's "
                                   "2014 expert meeting conclude?", plan)
    for asked in ("When was UNCTAD's expert meeting held?", "According to UNCTAD, when was the meeting held?",
                  "What will UNCTAD's expert meeting look at?", "Why did UNCTAD plan a meeting?",
                  "Did UNCTAD think the meeting could be a turning point?"):
        assert not _asks_outcome_of_a_plan(parse(asked), asked, plan), asked
    assert parse("According to IOM, when was the Dialogue held?").expects == DATE
    draft = "The draft standards will be presented for discussion and adoption at the conference in October 2013."
    asked = "Did the conference in October 2013 adopt the ILO's proposed standards?"
    assert _asks_outcome_of_a_plan(parse(asked), asked, draft)
    topic = "IMO's contribution covers the themes (which will be discussed at the HLD) of safety at sea."
    assert not _asks_outcome_of_a_plan(parse(asked), asked, topic)  # a topic to discuss is no plan
    convening = "ILO is convening the Tripartite Technical Meeting on Labour Migration from 4 to 8 November 2013."
    asked = "What did the ILO's Tripartite Technical Meeting conclude?"
    assert _asks_outcome_of_a_plan(parse(asked), asked, convening)  # (the present for what is to come)
    assert not _asks_outcome_of_a_plan(parse(asked), asked, "Those countries are hosting large refugee populations.")
    talks = "The draft text of the MoU is still being discussed by the countries concerned."
    asked = "Which countries ended up signing the memorandum of understanding?"
    assert _asks_outcome_of_a_plan(parse(asked), asked, talks)
    asked = "Did the government end up lifting its ban?"
    assert _asks_outcome_of_a_plan(parse(asked), asked, "The government is now reconsidering its ban.")
    asked = "How significant did IOM think the Dialogue could be?"  # "significant" signs nothing
    assert not _asks_outcome_of_a_plan(parse(asked), asked, "The Dialogue will take place in September.")


def test_a_fact_takes_its_second_part_from_its_own_passage_only():
    from types import SimpleNamespace as NS

    from dataclasses import replace

    from qa.read import _select

    texts = ["IOM set up its Business Advisory Board in 2005.", "It is chaired by a businessman.",
             "The Board meets twice a year in Geneva, said another report."]
    ix = NS(continues={}, continued={}, references=set(), sentences=[NS(doc="a", passage=p, start=0, text=t)
                                                   for p, t in zip((0, 0, 2), texts)],
            passages=[NS(section="IOM")] * 3)
    scored = [(1.0, 0, 0), (0.99, 2, 1), (0.95, 1, 0)]
    two_part = parse("When did IOM set up its Business Advisory Board, and how often does it meet?")
    assert two_part.kind == "factoid" and two_part.two_part
    assert _select(two_part, scored, ix, []) == [0, 1]  # not the other passage's sentence, however close
    assert 2 in _select(replace(two_part, kind="list"), scored, ix, [])  # a list's support may be elsewhere
    ix.sentences[2].passage = 1  # the passage next door, in the same section, holds the rest of a fact
    assert 2 in _select(two_part, scored, ix, [])
    nearly = [(1.0, 0, 0), (0.88, 2, 1), (0.5, 1, 0)]  # (next door is as good as its own passage)
    assert 2 in _select(two_part, nearly, ix, []) and 2 in _select(replace(two_part, kind="list"), nearly, ix, [])
    ix.sentences[2].doc = "b"  # (the first passage of the next document is not next door)
    assert 2 not in _select(replace(two_part, kind="list"), nearly, ix, [])
    ix.sentences[2].doc, ix.sentences[2].passage = "a", 2  # support from further away must be nearly as good
    assert 2 not in _select(replace(two_part, kind="list"), nearly, ix, [])


def test_each_value_a_question_asks_for_is_quoted_from_the_best_passage():
    from types import SimpleNamespace as NS

    from qa.read import _select

    texts = ["About 200 civil society representatives met in Brussels.", "The aim was to exchange ideas.",
             "The Foundation organised the Civil Society Day on July 9th 2007."]
    ix = NS(continues={}, continued={}, references=set(), sentences=[NS(doc="a", passage=0, start=0, text=t)
                                                                     for t in texts],
            passages=[NS(section="GFMD")])
    scored = [(1.3, 0, 0), (0.5, 1, 0), (0.4, 2, 0)]
    asked = parse("How many representatives met in Brussels for the Civil Society Day, and on what date was it held?")
    assert asked.two_part and asked.wants == (COUNT, DATE)
    assert 2 in _select(asked, scored, ix, [])  # the date, though the count's sentence scores far better


@pytest.mark.model
def test_real_corpus_sections_footnotes_and_plans(bundled_settings):
    assistant = Assistant(bundled_settings)
    ix = assistant.retriever.index
    # A recommendation without "should" fits the kind by its heading, which names the right section.
    robust = next(i for i, s in enumerate(ix.sentences) if s.text.startswith("- (c) More robust institutionalization"))
    assert assistant.retriever.kind_fits["recommendation"][robust]
    assert ix.passages[ix.sentences[robust].passage].section.endswith("6. Recommendations for the 2013 High-level Dialogue")
    # The list's lead-in is in the same passage as its items.
    assert ix.passages[ix.sentences[robust].passage].text.startswith("OHCHR proposes that the following actions")
    # "What was it called?" is answered by the name after "called", though the sentence before names the subject.
    called = assistant.ask("What was the non-binding policy framework that came out of the Berne Initiative consultations called?")
    assert not called.abstained and "International Agenda for Migration Management" in called.short_answer
    # A footnote that only cites the 10-Point Plan's 2011 booklet is no answer to when the plan came out...
    plan = assistant.ask("When did UNHCR publish its 10-Point Plan on refugee protection and international migration?")
    assert not plan.abstained and not any(c.quote.lstrip("¹²³⁴⁵⁶⁷⁸⁹⁰").startswith(" UNHCR, \"") for c in plan.citations)
    online = assistant.ask("Where online can I read UNHCR's 2011 booklet on the 10-Point Plan in Action?")
    assert online.short_answer == "www.unhcr.org/refworld/docid/4d9430ea2.html"  # but it gives the web address
    # A sentence a page break cut is one citation: "For example, the" / (footnote) / "Berne Initiative, …".
    berne = assistant.ask("What is the Berne Initiative?")
    cut = next(c for c in berne.citations if c.elided)
    assert ix.documents[cut.doc].text[cut.start:cut.end] == cut.quote and "Formerly" in cut.quote
    assert "the … Berne Initiative" in cut.shown and "Formerly" not in cut.shown and "[1] Berne" not in berne.text
    # ...and a meeting the documents only announce has no conclusions to quote.
    announced = assistant.ask("What did UNCTAD's 2014 expert meeting on remittances and women's economic empowerment conclude?")
    assert announced.abstained and "planned" in announced.reason


def test_within_the_source_a_question_names_its_name_is_no_sign_of_an_answer(bundled_settings):
    # The King Baudouin Foundation's own report names it in its address and board lines, not
    # where it gives its size.
    size = Assistant(bundled_settings).ask("How many staff does the King Baudouin Foundation have and how much "
                                           "does it spend a year?")
    assert not size.abstained and "40 million euro" in size.citations[0].quote


def test_a_comparison_within_the_one_source_it_names_is_answered_from_that_source(bundled_settings):
    # Two chapters of the 2013 UN report say how smuggling differs from trafficking; the
    # question asks IOM, whose 2006 paper says it.
    answer = Assistant(bundled_settings).ask("How does IOM distinguish people smuggling from human trafficking?")
    assert not answer.abstained and all("Experiences of IOM" in c.title for c in answer.citations)
    assert any("with the consent of the migrant" in c.quote for c in answer.citations)
