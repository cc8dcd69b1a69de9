"""Unit tests of qa.render: escaping, markers, sources, abstentions, plain text."""

from __future__ import annotations

import re

import pytest
from conftest_app import (ANSWERABLE, DIASPORA_HIT, DOC, FEES, FEES_HIT, FEES_QUOTE, META, SUM_HIT, SUM_QUOTE,
                          TEXT, TITLE, UNANSWERABLE, UNANSWERABLE_REASON, FakeAssistant, citation)
from hypothesis import given
from hypothesis import strategies as st

from qa import render
from qa.types import Answer, Citation, DocumentMeta, Hit

DOCUMENTS = {DOC: META}
TEXTS = {DOC: TEXT}
OUR_TAGS = re.compile(r'<br>|</?sup( class="qa-marker")?>')


@pytest.fixture
def assistant() -> FakeAssistant:
    return FakeAssistant()


def test_text_html_escapes_markup_and_styles_only_existing_markers() -> None:
    out = render.text_html("<script>alert(1)</script> claim [1], see [7]\nnext line [2]", 2)
    assert "<script" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert out.count('<sup class="qa-marker">') == 2
    assert "see [7]" in out  # no citation 7: left as text
    assert "claim<sup" in out and "<br>next line" in out


@given(st.text())
def test_text_html_never_lets_a_tag_through(text: str) -> None:
    assert "<" not in OUR_TAGS.sub("", render.text_html(text, citations=3))


def test_question_html_shows_html_as_text() -> None:
    out = render.question_html('<img src=x onerror="alert(1)"><b id="x">hi</b>')
    assert "<img" not in out and "<b " not in out
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in out


def test_answer_html_has_markers_and_numbered_sources(assistant: FakeAssistant) -> None:
    out = render.answer_html(assistant.ask(ANSWERABLE), DOCUMENTS, TEXTS)
    assert out.count('<sup class="qa-marker">') == 2
    assert out.count('<details class="qa-source">') == 2
    assert '<span class="qa-number">[2]</span>' in out
    assert f'<span class="qa-title">{TITLE}</span>' in out
    assert "Test Organisation for Migration, 2020" in out
    assert "section “1. Remittances”, paragraph 1" in out
    assert f"“{SUM_QUOTE}”" in out
    assert "confidence 90%" in out


def test_answer_html_highlights_the_quote_inside_its_paragraph(assistant: FakeAssistant) -> None:
    out = render.answer_html(assistant.ask(ANSWERABLE), DOCUMENTS, TEXTS)
    first = re.search(r'<blockquote class="qa-paragraph">(.*?)</blockquote>', out).group(1)
    assert first == (f"<mark>{SUM_QUOTE}</mark> This money pays for schools and clinics in "
                     "many villages.")  # the paragraph only: blank lines bound it


def test_answer_html_escapes_script_in_document_paragraph(assistant: FakeAssistant) -> None:
    out = render.answer_html(assistant.ask(FEES), DOCUMENTS, TEXTS)
    assert "<script" not in out
    assert "fraud: &lt;script&gt;alert(1)&lt;/script&gt; is not" in out
    assert "<mark>Transfer fees average 7 per cent of the amount sent.</mark>" in out


def test_answer_html_puts_notice_first(assistant: FakeAssistant) -> None:
    out = render.answer_html(assistant.ask(FEES), DOCUMENTS, TEXTS, notice="Cut <here>")
    assert out.startswith('<div class="qa-answer"><p class="qa-notice">Cut &lt;here&gt;</p>')


def test_abstention_says_so_with_reason_and_three_closest_passages() -> None:
    hits = tuple(Hit(doc=DOC, start=0, end=14, score=1 / i, text="1. Remittances",
                     section="<b>S</b>", paragraph=i) for i in range(1, 5))
    answer = Answer(question="q", text="", short_answer="", citations=(), confidence=0.0,
                    abstained=True, reason="No <b>budget</b> figures.", retrieved=hits)
    out = render.answer_html(answer, DOCUMENTS, TEXTS)
    headline = f"<strong>{render.ABSTAIN_HEADLINE}</strong>"
    assert f"{headline} No &lt;b&gt;budget&lt;/b&gt; figures." in out
    assert "Closest passages found" in out and "Sources" not in out
    assert out.count('<details class="qa-source">') == 3
    assert "section “&lt;b&gt;S&lt;/b&gt;”, paragraph 3" in out
    assert "paragraph 4" not in out


def test_abstention_quotes_the_nearest_passage_its_reason_points_to_then_others() -> None:
    nearest = citation(FEES_QUOTE, 2)
    answer = Answer(question="q", text="", short_answer="", citations=(nearest,), confidence=0.1,
                    abstained=True, reason="Not for 2008; the closest passage is quoted below.",
                    retrieved=(FEES_HIT, SUM_HIT, DIASPORA_HIT))
    out = render.answer_html(answer, DOCUMENTS, TEXTS)
    assert out.index("Nearest passage") < out.index("Other close passages")
    assert out.count('<details class="qa-source">') == 3  # the quote, and the two passages not holding it
    assert f"“{FEES_QUOTE}”" in out and '<span class="qa-number">[3]</span>' in out
    lines = render.plain_text(answer, DOCUMENTS).splitlines()
    assert lines[2:4] == ["Nearest passage:", f'[1] {TITLE}, section "1. Remittances", paragraph 2: "{FEES_QUOTE}"']
    assert lines[5] == "Other close passages:" and lines[6].startswith("[2]") and len(lines) == 8


def test_abstention_of_fake_shows_escaped_passage(assistant: FakeAssistant) -> None:
    out = render.answer_html(assistant.ask(UNANSWERABLE), DOCUMENTS, TEXTS)
    assert UNANSWERABLE_REASON in out
    assert '<span class="qa-quote">Some agencies warned about fraud: &lt;script&gt;' in out
    assert "<script" not in out


def test_paragraph_span_treats_whitespace_lines_as_breaks() -> None:
    text = "first\n \t\nsecond third\nfourth\n\nfifth"
    start = text.index("third")
    low, high = render.paragraph_span(text, start, start + 5)
    assert text[low:high] == "second third\nfourth"


def test_excerpt_cuts_a_long_paragraph_with_ellipses() -> None:
    text = "word " * 1000 + "QUOTE. " + "word " * 1000
    start = text.index("QUOTE.")
    doc = {DOC: text}
    cited = Citation(doc=DOC, title=TITLE, section="", paragraph=0, start=start,
                     end=start + 6, quote="QUOTE.")
    part = render.excerpt(cited, doc, ())
    assert part.quote == "QUOTE."
    assert part.before.startswith("… ") and part.after.endswith(" …")
    assert len(part.before) <= render.CONTEXT_CHARS + 2


def test_a_sentence_a_page_break_cut_is_shown_without_the_page_s_footnotes() -> None:
    text = "Before. For example, the\n\n12 A footnote.\n\nBerne Initiative was launched. After."
    start, end = text.index("For"), text.index(" After")
    cited = Citation(doc=DOC, title=TITLE, section="", paragraph=1, start=start, end=end,
                     quote=text[start:end], elided=((text.index("\n\n12"), text.index("Berne")),))
    assert cited.shown == "For example, the … Berne Initiative was launched."
    assert "footnote" not in render.citation_html(1, cited, {}, {DOC: text}, ())
    assert render.excerpt(cited, {DOC: text}, ()).quote == cited.shown


def test_excerpt_falls_back_to_the_retrieved_passage_then_to_the_quote(
        assistant: FakeAssistant) -> None:
    answer = assistant.ask(ANSWERABLE)
    cited = answer.citations[1]  # "This money pays for schools\nand clinics"
    part = render.excerpt(cited, {}, answer.retrieved)
    assert part == render.Excerpt(f"{SUM_QUOTE} ", "This money pays for schools and clinics",
                                  " in many villages.")
    assert render.excerpt(cited, {}, ()) == render.Excerpt("", cited.quote, "")


def test_plain_text_lists_numbered_references(assistant: FakeAssistant) -> None:
    out = render.plain_text(assistant.ask(ANSWERABLE))
    assert out == (
        f"{SUM_QUOTE} [1] It pays for schools and clinics. [2]\n\nReferences:\n"
        f'[1] {TITLE}, section "1. Remittances", paragraph 1: "{SUM_QUOTE}"\n'
        f'[2] {TITLE}, section "1. Remittances", paragraph 1: '
        '"This money pays for schools and clinics"'
    )


def test_plain_text_of_an_abstention(assistant: FakeAssistant) -> None:
    out = render.plain_text(assistant.ask(UNANSWERABLE), DOCUMENTS)
    lines = out.splitlines()
    assert lines[0] == f"{render.ABSTAIN_HEADLINE} {UNANSWERABLE_REASON}"
    assert lines[2] == "Closest passages found:"
    assert lines[3].startswith(f'[1] {TITLE}, section "1. Remittances", paragraph 2: "Some')
    assert len(lines) == 6


def test_clip_question() -> None:
    assert render.clip_question("short", 10) == ("short", "")
    clipped, notice = render.clip_question("x" * 2500, 2000)
    assert clipped == "x" * 2000
    assert notice == ("Your question was 2,500 characters long; only its first 2,000 "
                      "characters were used.")


def test_error_and_documents_html_escape() -> None:
    assert "&lt;pip install x&gt;" in render.error_html("run <pip install x>")
    assert "<strong>No answer.</strong> Run &lt;pip" in render.error_html("run <pip install x>")  # (a sentence)
    out = render.documents_html([DocumentMeta(file="a.txt", title="<i>T</i>",
                                              organisation="O & P", date="2006-04")])
    assert "&lt;i&gt;T&lt;/i&gt;" in out and "O &amp; P, 2006-04" in out and "<i>" not in out


def test_pages_show_in_sources_plain_text_and_documents_list() -> None:
    meta = DocumentMeta(file="r.pdf.txt", title="Report", source="r.pdf", pages=(0, 100, 200))
    cited = Citation(doc="r.pdf.txt", title="Report", section="Wages", paragraph=2, start=150,
                     end=160, quote="ten euros.", page=2)
    answer = Answer(question="q", text="ten euros. [1]", short_answer="", citations=(cited,),
                    confidence=0.9, abstained=False)
    assert "page 2, section “Wages”, paragraph 2" in render.answer_html(answer, {}, {})
    assert '[1] Report, page 2, section "Wages", paragraph 2: "ten euros."' in render.plain_text(answer)
    closest = Hit(doc="r.pdf.txt", start=210, end=250, score=1.0, text="x", section="", paragraph=1)
    assert "page 3, paragraph 1" in render.hit_html(1, closest, {"r.pdf.txt": meta}, {})
    listed = render.documents_html([meta])
    assert "<code>r.pdf</code> · 3 pages" in listed


def test_upload_results_are_escaped() -> None:
    meta = DocumentMeta(file="<b>.pdf.txt", title="A & B", source="<b>.pdf", pages=(0, 9))
    out = render.added_html([meta], 1234, 2.345)
    assert "<code>&lt;b&gt;.pdf</code> (A &amp; B, 2 pages)" in out and "in 2.3 s (1,234 new" in out
    assert "&lt;script&gt;" in render.upload_error_html("<script>.pdf is not a readable PDF")


def test_the_app_offers_the_span_reader_only_once_a_model_is_set(assistant: FakeAssistant) -> None:
    import gradio as gr

    import app_gradio
    from qa.settings import Settings

    def offered(settings: Settings) -> list:
        demo = app_gradio.build_demo(assistant, settings)
        radio = next(block for block in demo.blocks.values() if isinstance(block, gr.Radio))
        return [value for _, value in radio.choices]

    assert offered(Settings()) == ["extractive", "generative"]  # (it has no model of its own)
    assert offered(Settings(reader_model="/models/squad2")) == ["extractive", "hf-qa", "generative"]


def test_the_app_answers_several_questions_at_once_and_adds_uploads_one_at_a_time(assistant: FakeAssistant) -> None:
    import app_gradio

    demo = app_gradio.build_demo(assistant)
    asks = [f for f in demo.fns.values() if f.fn is not None and f.fn.__name__ == "respond"]
    assert len(asks) == 2 and {(f.concurrency_id, f.concurrency_limit) for f in asks} == {("ask", app_gradio.ASKS_AT_ONCE)}
    upload = next(f for f in demo.fns.values() if f.fn is not None and f.fn.__name__ == "upload")
    assert upload.concurrency_limit in (1, "default")
