"""The transformer readers' plumbing, with tiny randomly initialised models built here."""

from __future__ import annotations

import pytest

from qa.assistant import Assistant
from qa.cli import main
from qa.errors import QAError
from qa.read_generate import GenerativeReader, supported

transformers = pytest.importorskip("transformers")
torch = pytest.importorskip("torch")

QUESTION = "How much money does HIRDA send to Somalia per year?"
HIRDA = "The Himilo Relief and Development Association (HIRDA) sends more than EUR 200,000 per year to Somalia."


def _tokenizer():
    from qa.embed import _minilm_dir

    return transformers.AutoTokenizer.from_pretrained(str(_minilm_dir()))


@pytest.fixture(scope="module")
def tiny_qa_model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny-qa")
    tokenizer = _tokenizer()
    torch.manual_seed(0)
    config = transformers.BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2,
                                     num_attention_heads=2, intermediate_size=64)
    transformers.BertForQuestionAnswering(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return str(folder)


@pytest.fixture(scope="module")
def tiny_causal_model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny-lm")
    tokenizer = _tokenizer()
    torch.manual_seed(0)
    config = transformers.GPT2Config(vocab_size=tokenizer.vocab_size, n_embd=32, n_layer=2, n_head=2,
                                     n_positions=2048)
    transformers.GPT2LMHeadModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return str(folder)


def _quotes_are_exact(assistant: Assistant, answer) -> None:
    for c in answer.citations:
        assert assistant.document_text(c.doc)[c.start:c.end] == c.quote


def test_span_reader_loads_a_model_folder_and_answers_with_a_cited_sentence(tiny_settings, tiny_qa_model):
    assistant = Assistant(tiny_settings.with_(reader="hf-qa", reader_model=tiny_qa_model))
    answer = assistant.ask(QUESTION)
    _quotes_are_exact(assistant, answer)
    if answer.abstained:  # a random model may prefer "no answer"
        assert "no answer" in answer.reason
    else:
        assert len(answer.citations) == 1 and 0 <= answer.confidence <= 1
        assert answer.short_answer in " ".join(answer.citations[0].quote.split())


def test_span_reader_cites_the_sentence_that_holds_the_span(tiny_settings, tiny_qa_model, monkeypatch):
    from qa.read_span import SpanReader

    def best_span(self, question, context):
        at = context.find("EUR 200,000")
        return (0.9, at, at + len("EUR 200,000"), 0.01) if at >= 0 else (0.0, 0, 0, 0.5)

    monkeypatch.setattr(SpanReader, "_best_span", best_span)
    answer = Assistant(tiny_settings.with_(reader="hf-qa", reader_model=tiny_qa_model)).ask(QUESTION)
    assert not answer.abstained and answer.short_answer == "EUR 200,000"
    assert [c.quote for c in answer.citations] == [HIRDA]


def test_generative_reader_runs_a_causal_model_and_falls_back_to_quotes(tiny_settings, tiny_causal_model):
    assistant = Assistant(tiny_settings)
    reader = GenerativeReader(tiny_causal_model)
    assert isinstance(reader.generate("Question: what is sent?"), str)
    quotes = assistant.ask(QUESTION)
    answer = Assistant(tiny_settings.with_(reader="generative", reader_model=tiny_causal_model)).ask(QUESTION)
    # Random text is supported by no sentence, so the extractive quotes stand.
    assert answer.text == quotes.text and answer.citations == quotes.citations


def test_generated_sentences_are_kept_only_when_a_passage_supports_them(tiny_settings, monkeypatch):
    written = ("HIRDA sends more than EUR 200,000 per year to Somalia. "
               "HIRDA sends EUR 900,000 per year to Kenya. Bananas are yellow.")
    monkeypatch.setattr(GenerativeReader, "generate", lambda self, prompt: written)
    assistant = Assistant(tiny_settings.with_(reader="generative"))
    answer = assistant.ask(QUESTION)
    assert answer.text == "HIRDA sends more than EUR 200,000 per year to Somalia. [1]"
    assert [c.quote for c in answer.citations] == [HIRDA]
    retrieval = assistant.retriever.retrieve(QUESTION)
    candidates = list(assistant.retriever.index.passage_sentences[retrieval.hits[0].position])
    assert supported("Sending money to Somalia costs nothing.", candidates, assistant.retriever) == []


def test_transformer_readers_explain_what_is_missing(tiny_settings, capsys, monkeypatch):
    with pytest.raises(QAError, match="needs a model"):
        Assistant(tiny_settings.with_(reader="hf-qa")).ask(QUESTION)
    with pytest.raises(QAError, match="cannot load"):
        Assistant(tiny_settings.with_(reader="generative", reader_model="/no/such/model")).ask(QUESTION)
    monkeypatch.setenv("QA_EMBEDDER", "hash")
    assert main(["ask", QUESTION, "--reader", "magic", "--corpus", str(tiny_settings.corpus_dir),
                 "--index", str(tiny_settings.index_dir)]) == 2
    assert "unknown reader 'magic'" in capsys.readouterr().err
