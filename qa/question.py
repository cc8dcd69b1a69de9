"""What a question asks for: its type, the answer type it expects, and its key terms."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .countries import country_names
from .errors import QuestionError
from .terms import content_terms

# Expected answer types, checked against candidate sentences.
COUNT, MONEY, PERCENT, DATE, PERSON, URL, NONE = "count", "money", "percent", "date", "person", "web address", "none"
COUNTRY, COUNTRIES = "country", "countries"  # "which countries" asks for two or more
RATE = "rate"  # of growth or of a share: "6% a year", "fourfold", "doubled"
NAME = "name"  # of a thing: "What was the framework called?"
ACTORS = "actors"  # kinds of actor, two or more: "governments, employers and unions"

_NUMBER = r"(?<![\d,.])\d[\d,.]*"  # from the start of a number only: linear on long digit runs
_FOLD = r"\b(?:two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|\d+)-?fold\b"  # "four-fold"
_HONORIFIC = r"(?:Mr|Ms|Mrs|Dr|H\.E)"
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
PATTERNS = {
    MONEY: re.compile(rf"(?:(?:US\s?\$|USD|EUR|Euros?\b|€|\$|£|CHF)\s?{_NUMBER}(?:\s?(?:million|billion|bn|m)\b)?"
                      rf"|{_NUMBER}\s?(?:million|billion)?\s?(?:US dollars|dollars|[Ee]uros?|pounds|francs|USD|EUR)\b)"),
    # (or a fraction of a whole: "About half the world's migrants are women"; not "the second half of 2007")
    PERCENT: re.compile(rf"{_NUMBER}\s?(?:%|per\s?cent|percent)|(?i:(?<!first )(?<!second )(?<!latter )(?<!former )"
                        r"\b(?:(?:about|almost|nearly|roughly|some|over|more than|less than)\s)?(?:half|a third|one[- ]third"
                        r"|two[- ]thirds|a quarter|one[- ]quarter|three[- ]quarters)(?=\s(?:of\s)?(?:the|all|its|their)\b))"),
    RATE: re.compile(rf"{_NUMBER}\s?(?:%|per\s?cent|percent|times\b)|{_FOLD}|\b(?:doubl|tripl|quadrupl)(?:ed|es|ing)\b"),
    DATE: re.compile(rf"\b(?:(?:\d{{1,2}}\s)?{_MONTH}\s)?(?:1[89]\d\d|20\d\d)\b"),
    COUNT: re.compile(rf"(?:{_FOLD}|\b(?:\d[\d,]*(?:\.\d+)?(?:\s(?:million|billion))?|one|two|three|four|five|six|"
                      r"seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|dozen)\b)(?!\s?%)"),
    URL: re.compile(r"\b(?:https?://|www\.)[^\s)\]]*[^\s.,;:)\]]"),
    # what follows "called", "known as"...: a quoted title, whole ('entitled "An informal conversation on…"',
    # 'commonly called "Mode 4"'), or capitalised words that end on one ("called the International
    # Agenda for Migration Management (IAMM)", not "known as the GFMD to most delegates")
    NAME: re.compile(r"\b(?:called|named|entitled|titled|known as)\s((?:the\s)?(?:[\"“‘*][^\"”’*\n]{1,200}[\"”’*]"
                     r"|[A-Z][\w’'-]*(?:(?:\s(?:of|for|on|and|in|the|to))*\s[A-Z][\w’'-]*|\s\d+\b)*(?:\s\([A-Z]{2,}\))?))"),
    ACTORS: re.compile(r"\b(?:governments?|(?<!United )(?-i:States)|member states|employers(?:'|’)? (?:organi[sz]ations|associations)|employers?"
                       r"|(?:trade )?unions|workers(?:'|’)? organi[sz]ations|intergovernmental (?:bodies|organi[sz]ations)"
                       r"|international organi[sz]ations|civil society|NGOs?|non-governmental organi[sz]ations"
                       r"|(?:the )?private (?:business )?sector|business community|businesses|diasporas?|academia|researchers"
                       r"|local authorities|municipalities|(?<!social )(?:the )?media|social partners|recruitment agencies"
                       r"|migrants(?:'|’)? (?:organi[sz]ations|associations)|national human rights institutions)\b", re.I),
    PERSON: re.compile(rf"\b{_HONORIFIC}\.?(?:\s{_HONORIFIC}\.?)?(?:\s[A-Z][\w-]+)+"
                       r"|\b[A-Z][a-zß-öø-ÿ]+\s(?:[A-Z]\.\s)?[A-Z][a-zß-öø-ÿ-]+\b"),
}
# Every candidate name, overlapping: "Rapporteur François Crépeau" holds "François Crépeau".
_NAMES = re.compile(rf"(?=({PATTERNS[PERSON].pattern}))")
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
_DAYS = re.compile(rf"\b\d{{1,2}}(?:(?:st|nd|rd|th)?\s?(?:to|-|–|and)\s?\d{{1,2}})?(?:st|nd|rd|th)?\s{_MONTH}\b"
                   rf"|\b{_MONTH}\s\d{{1,2}}(?:st|nd|rd|th)?\b(?!\d)")
_LABELLED = re.compile(r"\b(?:[Rr]esolutions?|No\.|Nos\.|[Aa]rticles?|[Pp]aragraphs?|paras?\.|[Pp]ages?|pp?\.|[Ss]ession"
                       r"|[Cc]onvention)\s?\d[\d.,/-]*(?:\s?(?:,|and|to|–|-)\s?\d[\d.,/-]*)*"
                       r"|\b[A-Z]{1,6}(?:/\w+)+")  # and document symbols: "A/68/190"
# Wording that marks a sentence as the kind of statement a question kind asks for.
KIND_CUES = {
    "recommendation": re.compile(r"\b(?:should|must|recommend\w*|advocat\w*|calls? (?:on|for|upon)|called (?:on|for|upon)"
                                 r"|urge\w*|propos\w*|suggest\w*|needs? to|encourag\w*|at a minimum)\b", re.I),
    "list": re.compile(r":\s[^:.]*,\s[^,]*,\s|[,;]\s[^,;]*[,;]\s[^,;]*[,;]\s"),  # an enumeration
    # "since" as a reason, not a time ("since the 2006 HLD", "since 2010"); what follows or serves
    # ("Its temporary character means that public opinion is less negative", "is seen as a means
    # to meet… demands"; not "by means of": fifteen gold sets, new-2 k009 right, no answer lost)
    "explain": re.compile(r"\b(?:because|due to|since(?!\s+(?:the|then|\d|its|their|early|late|January|February|"
                          r"March|April|May|June|July|August|September|October|November|December)\b)|as a result"
                          r"|therefore|thus|reasons?|leads? to|caus\w*|depends? (?:in part )?on|owing to|so that"
                          r"|given that|means that|a means (?:to|of|for))\b", re.I),
}

_WHICH = (r"\b(?:which|what)\s+(?:(?!(?:does|do|did|can|could|should|would|will|is|are|was|were|has|have|had)\b)"
          r"[\w-]+\s+){0,3}?")
# Wording that asks for each answer type, in order of precedence ("how much ... percentage").
_ASKS = {
    RATE: re.compile(r"\bhow (?:fast|quickly)\b|\b(?:what|which) (?:\w+ ){0,3}rate\b"
                     r"|\bhow much\b[^?,]*?\b(?:grown|grew|grow|increased|risen|rose|widen\w*|narrow\w*|f[ae]ll"
                     r"|fallen|declined|dropped)\b"),
    PERCENT: re.compile(r"\b(?:percentage|per ?cent|what share|what proportion)\b|%"),
    # (not "cost" in a compound: "what cost-reduction goal did the group set?", new-16 g035; "low-cost")
    MONEY: re.compile(r"\bhow much\b|\bbudget\b|(?<![-–])\bcost\b(?![-–])|\bfees?\b|\bcharges?\b|\bprice\b|\bwhat amount\b"
                      r"|\bfund(?:s|ing)?\b.*\bhow\b"),
    # "how many times a year" asks how often; "when Belarus cut the number of agencies" no count
    COUNT: re.compile(r"\bhow many\b(?! times)|\b(?:what|which) (?:is|was|are|were) the (?:\w+ )?number of\b"),
    DATE: re.compile(r"(?:^|[,;:]\s(?=when (?:was|were|did|is|are|will|does|do|has|had)\b))when\b"
                     r"(?![^?]*, (?:how|what|which|who)\b)|\band when\b|\bsince when\b|,\swhen\s*\?"
                     r"|\b(?:what|which) (?:month and )?(?:year|date|month)\b"),
    PERSON: re.compile(r"^who\b|\band who\b|\bwho (?:chaired|is|was|led|heads)\b"),
    URL: re.compile(r"\bwhere (?:online|on the (?:web|internet))\b|\bweb address\b|\burl\b"
                    r"|\b(?:what|which) (?:is the )?(?:web ?site|web ?page)\b"),
    # "which (two major migrant-sending) countries", not "what does ICAO recommend countries do"
    COUNTRIES: re.compile(rf"{_WHICH}countries\b"),
    COUNTRY: re.compile(rf"{_WHICH}country\b"),
    ACTORS: re.compile(rf"{_WHICH}(?:actors|stakeholders)\b"),
    # "entitled" asks for no name ("Which migrants are entitled, and to what?"); nor do the names of countries
    NAME: re.compile(r"\b(?:called|named|known as)(?: (?:before|then|now|originally|previously|today))?\s*(?:[?,;]|and\b)"
                     r"|\bwhat (?:is|was|are|were) (?:the )?names? of\b(?! (?:the )?countr(?:y|ies)\b)"),
}

# An explanation, a recommendation or a comparison that speaks of a cost, a fee or a budget asks
# for a sum only in so many words ("how much", "what budget", "what is the cost"; "Why is sending
# money so expensive, and why does lowering the cost matter?" asks for none).
_NO_SUM = ("explain", "recommendation", "compare")
_SUM = re.compile(r"\bhow much\b|\bwhat amount\b"
                  r"|\b(?:what|which) (?:\w+ ){0,3}?(?:cost|budget|fee|charge|price)s?\b")

# "Which / what" and a plural noun that an auxiliary verb follows, at once or after a
# preposition's phrase, asks for several things ("In which languages has…?", "What challenges has
# UNICEF faced…?", "What alternatives to detention has it proposed?"); not "What leads to…",
# "What happens to migrants who are…", nor "the way in which…". Over fifteen gold sets it marks
# 15 list questions, 2 factoids and 2 unanswerable ones that parsed as factoids; mean overall
# correct 0.730 -> 0.732 (new-2 k039), precision 0.794 -> 0.796, nothing lost. After a comma too
# ("According to IOM, what challenges…"): new-10 u002 lost. Irregular plurals ("criteria",
# "people") are missed.
_AUXILIARY = r"(?:has|have|had|does|do|did|are|were|can|could|should|would|will|might)\b"
_MANY = re.compile(r"(?:^|[.?!] )(?:(?:in|through|between|from|of|on|by|to|with|for|under|among|at) )?"
                   r"(?:which|what) (?:(?!(?:is|are|was|were)\b)[\w-]+ )?(?!(?:does|has|was|this|thus)\b)"
                   r"[a-z-]{2,}(?:ies|[^sui']s) "
                   rf"(?:(?:to|of|for|in|on) (?:(?!\b(?:who|that|which)\b)[^?.!,;:])*?\b)?{_AUXILIARY}")

# A question in two parts ("When was it set up, and how often does it meet?"); "WHO" is no "who".
_TWO_PART = re.compile(r"\b[Aa]nd (?:(?:on|in|at|for|from|by|until|with|to) )?(?:when|how|who|whom|what|where|which|since|why)\b"
                       r"|\?.+\?")
_ACRONYM = re.compile(r"\b[A-Z]{2,}s?\b")

# A question that asks what one thing is or means ("What is the GFMD?", "What are remittances?",
# "What is meant by 'brain waste'?", "What does 'circularity' mean?", "How does the South Centre
# note define remittances?"); its subject is six words at most.
_SUBJECT = r"[\"“‘']?(?P<subject>[\w’'-]+(?:\s[\w’'-]+){0,5}?)[\"”’']?"
_DEFINE = (re.compile(rf"^(?:what (?:is|are|was|were)(?: meant by)?|define) (?:the |an? )?{_SUBJECT}\s*\??$", re.I),
           re.compile(rf"^what does (?:the )?(?:term |word |phrase )?{_SUBJECT} mean\s*\??$", re.I),
           re.compile(rf"^how (?:does|do|did) [^?]{{1,80}}? define (?!(?:and|or)\b)"
                      rf"(?:the )?(?:term |word |concept of )?{_SUBJECT}\s*\??$", re.I))
# What follows a subject that a sentence defines: "is a / the / one of" (or "is also / now /
# essentially / primarily / often / generally / widely / usually a…", "is considered / regarded
# as / known as a…"), "refers to", "means", "aims to", "seeks to" (not "was launched": when, not
# what), each also after an acronym in brackets or a clause between commas ("The Global Migration
# Group (GMG) is an…", "IOM, set up in 1951, is the…"); "are" and a plural noun right after the
# subject ("Social remittances are ideas, behaviours…", "are transfers of…"; not "are numerous",
# "are sometimes in kind", "are tens of billions"); "defined as" within a few words; or a
# description after a comma ("Not Just Numbers, an educational toolkit…", not "IOM, the ILO and
# UNHCR" or "…, a number of…"); "i.e." or "that is," ("Irregular migration – i.e. migration in
# which…"); not "where “brain drain” is especially dramatic". Sixteen gold sets: new-13 x010 and
# y002 quote their definitions ("The Colombo Process is considered a…"), no other answer changed;
# "i.e.": new-13 x027 right, nothing else changed.
_DEFINING = (r"\s*(?:\([^()]{1,100}\))?(?:,[^,.;]{1,80},)?\s(?:(?:is|are|was|were)\s"
             r"(?:(?:also|now|essentially|primarily|often|generally|widely|usually)\s)?"
             r"(?:(?:considered|regarded as|seen as|known as|described as|understood as)\s)?(?:an?|the|one of)"
             r"|refers? to|means|aims? to|seeks? to)\b"
             r"|\s(?:are|were)\s(?!(?:always|sometimes|perhaps|thus|overseas|nowadays|upwards|towards|afterwards"
             r"|besides|tens|hundreds|thousands|millions|billions)\b)[a-z]{3,}s(?<!ous)(?<!ss)"
             r"(?:,|\s(?:of|that|which|who|from|by|in)\b)"
             r"|[^.;]{0,40}\bdefined as\b"
             r"|\s*[–—,-]?\s*\(?(?:i\.e\.|that is,)"
             r"|\s*(?:\([^()]{1,100}\))?,\san?\s(?!(?:number|few|lot|range|series|variety|total|majority)\b)")

# What a body thinks ("What is UNICEF's position on…", "the view of the World Bank") asks what it
# says, in any words; not a term ("the bottom-up approach").
STANCE_WORD = r"(?:views?|positions?|stances?|opinions?|perspectives?|attitudes?|approach(?:es)?)\b"
_STANCE = re.compile(rf"(?:['’]s|s['’])\s{STANCE_WORD}(?=\s+(?:on|of|to|towards|about|regarding)\b|\W*$)"
                     rf"|^{STANCE_WORD}\sof\s", re.I)

_FOLLOW_UP = re.compile(r"^(and|what about|how about|and what|what of|same for|also|then)\b|"
                        r"\b(it|they|them|this|that|these|those|its|their)\b", re.I)


@dataclass(frozen=True)
class Question:
    """A parsed question."""

    text: str
    kind: str  # factoid, list, explain, recommendation, compare
    wants: tuple[str, ...] = ()  # every answer type asked for ("who is it, and since when?")
    focus: str = ""  # a follow-up's own words, when ``text`` joins it to the previous question
    subject: str = ""  # what "What is the GFMD?" asks to have defined: "GFMD"

    @property
    def expects(self) -> str:
        """The answer type of the key value (the first asked for), or NONE."""
        return self.wants[0] if self.wants else NONE

    @property
    def two_part(self) -> bool:
        """True when the question (a follow-up's own words) asks two things at once."""
        return bool(_TWO_PART.search(self.focus or self.text))


def check_question(text: object, max_chars: int) -> str:
    """Normalise a question or raise :class:`QuestionError` saying what to change."""
    if not isinstance(text, str):
        raise QuestionError(f"a question must be text, not {type(text).__name__}")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    text = " ".join(text.split())
    if not text:
        raise QuestionError("the question is empty; type a question about migration and development")
    if len(text) > max_chars:
        raise QuestionError(f"the question is {len(text)} characters long; keep it under {max_chars}")
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        raise QuestionError("the question has no words; type a question in English")
    latin = sum("LATIN" in unicodedata.name(ch, "") for ch in letters)
    if latin / len(letters) < 0.5:
        raise QuestionError("the documents are in English and so far only English questions are "
                            "understood; please ask in English")
    return text


def parse(text: str) -> Question:
    """Classify a question by its wording (rules, no model)."""
    q = " ".join(_ACRONYM.sub(" ", text).lower().split())  # "WHO" is no "who"
    named = " ".join(text.lower().split())  # (with its acronyms: "How do IOM and UNCTAD describe…?")
    # A comparison: "differ", "each say", "Do A and B agree?", "How do A and B describe…?", "How did
    # it change between A and B?" (the last two: new-15 n030 and n031 right, no other answer changed)
    if re.search(r"\b(differ|difference|distinguish|compare|compared|versus|vs\.?|each say|each propose|both)\b", q) \
            or re.search(r"(?:\bnot|n't)\b[^.?]*\bthe same\b", q) or re.search(r"\beach\b", q) and " and " in q \
            or re.search(r"^(?:do|does|did|are|is)\b[^?]* and [^?]*\b(?:agree|disagree)\b", q) \
            or re.search(r"^how (?:do|did) [^?]+ and [^?]+ (?:describe|present|portray|characteri[sz]e)\b", named) \
            or re.search(r"\bchang\w* between (?!(?:19|20)\d\d\b)[^?]* and ", named):  # (not "between 2000 and 2010")
        kind = "compare"
    elif re.search(r"\b(recommend\w*|propos\w*|suggest\w*|should|call(?:ed)? (?:on|for)|want\w*|urge\w*)\b", q):
        kind = "recommendation"
    elif re.search(r"^(why|how does|how do|how can|how is|how are|what (?:does|is) .*mean)|\bwhy\b|\bexplain"
                   r"|\b(?:what|which) (?:\w+ ){0,3}reasons?\b|\bfor what reason", q) \
            and not (_DEFINE[2].match(q) and _subject(text)):  # a definition, as "What is X?" asks
        kind = "explain"
    # (also after a preposition, "Into what categories…?", or as "…several categories. What are
    # they?": new-17 j010 right, no other answer changed; and "Which cross-cutting themes…?")
    elif re.search(r"(?:^|[.?!] )(?:(?:in|into|on|of|under|among|across|to|from|for|by|with) )?(which|what) "
                   r"(?:[\w-]+ ){0,3}(countries|agencies|actors|themes|areas|kinds|types|factors|organi[sz]ations"
                   r"|conventions|categories|measures)|\blist\b|stand for|\b(?:what|which) are they\s*\??$", q):
        kind = "list"
    else:
        kind = "factoid"
    wants = tuple(kind_ for kind_, cue in _ASKS.items() if cue.search(q)
                  and not (kind_ == MONEY and kind in _NO_SUM and not _SUM.search(q)))
    if kind == "factoid" and not wants and _MANY.search(q):
        kind = "list"
    return Question(text, kind, wants, subject="" if wants else _subject(text))


def _subject(text: str) -> str:
    """What the question asks to have defined; none in "What is it?", "What is the total for
    2010?" or "What is the World Bank's view on remittances?" (what a body thinks, not a term)."""
    define = next((m for m in (pattern.match(text.strip()) for pattern in _DEFINE) if m), None)
    subject = define.group("subject").strip("'’‘\"“”") if define else ""
    if not content_terms(subject) or re.search(r"\d|\b(?:and|or) (?:what|how|why|when|who|where)\b", subject) \
            or _STANCE.search(subject):
        return ""
    return subject


def definition(forms: list[str]) -> re.Pattern[str]:
    """A sentence that says what one of ``forms`` is: "The GFMD is the largest forum…",
    "Remittances, broadly defined as monetary transfers…", "The term “brain drain” refers to…",
    "MIDA aims to…", or spells it out where it brings it in: "…chief executives… as a Business
    Advisory Board (BAB) to exchange ideas…" (sixteen gold sets: new-13 y013 right, nothing else
    changed)."""
    names = "|".join(r"\s+".join(map(re.escape, form.split())) for form in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])[\"“‘']?(?:{names})s?(?![\w-])[\"”’']?(?:{_DEFINING}|\s*\((?:{names})\))", re.I)


def fits_kind(kind: str, sentence: str) -> bool:
    """True when a sentence has the wording a question kind asks for (a recommendation's
    "should", an explanation's "because"); always true for kinds without such wording."""
    cue = KIND_CUES.get(kind)
    return cue is None or bool(cue.search(sentence))


def matches(expects: str, sentence: str, common: frozenset[str] = frozenset()) -> bool:
    """True when a sentence holds the kind of value the question expects.

    ``common`` holds the words the corpus also writes in lower case: a pair of capitalised
    words with one of them ("Secretary General") is no person's name.
    """
    return expects == NONE or bool(_values(expects, sentence, common))


def short_answer(expects: str, sentence: str, question: str, common: frozenset[str] = frozenset()) -> str:
    """The value the question asks for, taken verbatim from the sentence ("" if none)."""
    if expects == NONE:
        return ""
    found = _values(expects, sentence, common)
    asked = question.lower()
    # a value already in the question is not the answer ("Mali" is no answer to "... informality")
    found = [f for f in found if not re.search(rf"(?<!\w){re.escape(f.lower())}(?!\w)", asked)]
    if expects in (COUNTRY, COUNTRIES, ACTORS):
        return ", ".join(found)  # the country named, or all of them
    return found[0] if found else ""


def _values(expects: str, sentence: str, common: frozenset[str]) -> list[str]:
    """The values of a type in a sentence, in order; "how much" may be answered by a share."""
    if expects in (COUNTRY, COUNTRIES):
        names = country_names(sentence)
        return names if len(names) >= (2 if expects == COUNTRIES else 1) else []
    if expects == NAME:
        return [m.group(1).strip(" ,.*\"“”‘’'") for m in PATTERNS[NAME].finditer(sentence)]
    if expects == ACTORS:  # several kinds of actor, each once ("Government" and "governments" are one)
        kinds = {_kind_of_actor(m.group()): m.group() for m in reversed(list(PATTERNS[ACTORS].finditer(sentence)))}
        return list(reversed(kinds.values())) if len(kinds) >= 2 else []
    found = [m.group().strip(" ,.") for m in PATTERNS[expects].finditer(sentence)]
    if expects == MONEY and not found:
        return _values(PERCENT, sentence, common)
    if expects == COUNT:  # a year, a day of the month ("20 to 23 May"), a sum or a share, or the
        # number of a resolution or a page ("resolution 1244", "No. 112") is no count
        for other in (_DAYS, _LABELLED, PATTERNS[MONEY], PATTERNS[PERCENT]):
            sentence = other.sub(" ", sentence)
        found = [m.group().strip(" ,.") for m in PATTERNS[COUNT].finditer(sentence)]
        return [f for f in found if not _YEAR.match(f.replace(",", ""))]
    if expects == PERSON:  # (not the start of a body's name: "King Baudouin Foundation")
        names = [m.group(1).strip(" ,.") for m in _NAMES.finditer(sentence)
                 if not _opens_a_body(sentence, m.start(1) + len(m.group(1)), common)]
        return [f for f in names if re.match(_HONORIFIC, f) or not any(w.lower() in common for w in f.split())]
    return found


_NEXT_WORD = re.compile(r"\s([A-Z][a-z]+)\b")


def _opens_a_body(sentence: str, end: int, common: frozenset[str]) -> bool:
    """True when the capitalised words that end at ``end`` go on with one the corpus also writes
    in lower case: they open the name of a body ("King Baudouin Foundation"), not a person's."""
    after = _NEXT_WORD.match(sentence, end)
    return after is not None and after.group(1).lower() in common


def _kind_of_actor(name: str) -> str:
    """One form of the names of a kind of actor: "The private sector", "private sector"; "NGOs", "NGO"."""
    return re.sub(r"(?:[’']|s|s[’'])$", "", re.sub(r"^the\s", "", name.lower()))


def is_follow_up(text: str) -> bool:
    """A short question leaning on the previous turn ("and what about women migrants?")."""
    return len(text.split()) <= 8 and bool(_FOLLOW_UP.search(text))
