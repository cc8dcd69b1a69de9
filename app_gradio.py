"""Chat in the browser with the migration and development documents: ``python app_gradio.py``.

A thin adapter over the library: :class:`qa.Assistant` answers and adds uploaded documents,
:mod:`qa.render` formats, this file only wires them into Gradio. It binds to ``GRADIO_SERVER_NAME`` (default
``127.0.0.1``) and ``GRADIO_SERVER_PORT`` (default 7860); ``QA_*`` variables set the
pipeline (see :meth:`qa.settings.Settings.from_env`).

Every session keeps its own conversation in ``gr.State``; the one shared object is the
assistant, which is thread-safe.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import gradio as gr

from qa import render
from qa.assistant import READERS
from qa.documents import Change
from qa.errors import QAError
from qa.ingest import READERS as FILE_TYPES
from qa.settings import Settings
from qa.types import Answer, DocumentMeta

Message = dict[str, str]

TITLE = "Ask the migration and development documents"
INTERNAL_ERROR = ("Something went wrong while answering; the error was logged on the server. "
                  "Please try again or rephrase the question.")
DEFAULT_K = 10  # the passages the reader sees; the default of Assistant.ask
# Questions answered at once (the Assistant is thread-safe): a slow generative answer does not
# hold up everyone else's; uploads stay one at a time.
ASKS_AT_ONCE = 4
EXAMPLES = (
    "How much money does the Somali diaspora organisation HIRDA send to Somalia each year?",
    "How does IOM distinguish people smuggling from human trafficking?",
    "What does 'portable justice' mean for temporary migrant workers?",
    "Which UN agency does the South Centre suggest as the focal point on migration?",
)
CSS = """
.qa-answer p { margin: 0 0 .45em; }
.qa-marker { font-size: .72em; font-weight: 600; color: var(--color-accent); margin-left: 1px; }
.qa-sources { margin-top: .7em; padding-top: .5em;
  border-top: 1px solid var(--border-color-primary); }
.qa-heading { font-size: .78em; font-weight: 600; letter-spacing: .05em; text-transform: uppercase;
  color: var(--body-text-color-subdued); margin-bottom: .35em; }
.qa-confidence { font-weight: 400; letter-spacing: 0; text-transform: none; margin-left: .5em; }
.qa-source { margin: .4em 0; padding: .45em .7em; border: 1px solid var(--border-color-primary);
  border-radius: 8px; background: var(--background-fill-secondary); }
.qa-source summary { cursor: pointer; line-height: 1.45; }
.qa-number { font-weight: 600; color: var(--color-accent); }
.qa-title { font-weight: 600; }
.qa-origin, .qa-location { color: var(--body-text-color-subdued); font-size: .92em; }
.qa-quote { display: block; margin: .3em 0 0 1.9em; font-style: italic; }
.qa-paragraph { margin: .6em 0 .2em; padding: .3em .9em; border-left: 3px solid var(--color-accent);
  font-size: .93em; line-height: 1.5; }
.qa-paragraph mark { background: #fde68a; color: #1f2937; padding: 0 2px; border-radius: 3px; }
.qa-abstain strong, .qa-notice, .qa-error strong { color: #b45309; }
.qa-notice { font-size: .92em; }
.qa-pending { color: var(--body-text-color-subdued); font-style: italic; }
.qa-documents ul { padding-left: 1.1em; margin: .3em 0; }
.qa-documents li { margin-bottom: .45em; }
.qa-documents code { font-size: .8em; }
.qa-added { color: #15803d; font-size: .92em; }
"""


class AssistantLike(Protocol):
    """What the app needs from :class:`qa.Assistant` (a fake in tests)."""

    @property
    def documents(self) -> list[DocumentMeta]: ...

    def document_text(self, doc: str) -> str: ...

    def ask(self, question: str, history: list[Message] | None = None, k: int | None = None,
            reader: str | None = None) -> Answer: ...

    def add_documents(self, paths: list[str]) -> Change: ...


def build_demo(assistant: AssistantLike, settings: Settings | None = None) -> gr.Blocks:
    """The chat app over ``assistant``, queued and ready to launch.

    Args:
        assistant: answers questions; shared by all sessions, so it must be thread-safe.
        settings: read for the question length limit and the default reader.
    """
    settings = settings or Settings()

    def respond(question: str, history: list[Message], shown: list[Message], k: float,
                reader: str) -> Iterator[tuple[Any, ...]]:
        """Show the question at once, then the answer; yields (box, chat, history, shown, copy)."""
        question, notice = render.clip_question(question or "", settings.max_question_chars)
        if not question.strip():
            yield "", shown, history, shown, gr.skip()
            return
        shown = [*shown, {"role": "user", "content": render.question_html(question)}]
        pending = {"role": "assistant", "content": render.pending_html()}
        yield "", [*shown, pending], history, shown, gr.skip()
        try:
            answer = assistant.ask(question, history=history, k=int(k), reader=reader)
        except QAError as error:
            reply, copy = render.error_html(str(error), notice), str(error)
        except Exception:  # a bug: the operator gets the traceback in the log, the user a message
            logging.getLogger(__name__).exception("answering %r failed", question[:200])
            reply, copy = render.error_html(INTERNAL_ERROR, notice), INTERNAL_ERROR
        else:
            documents = {meta.file: meta for meta in assistant.documents}  # uploads change them
            texts = {doc: assistant.document_text(doc) for doc in
                     {c.doc for c in answer.citations} | {h.doc for h in answer.retrieved}}
            reply = render.answer_html(answer, documents, texts, notice)
            copy = render.plain_text(answer, documents)
            history = [*history, {"role": "user", "content": answer.question},  # as normalised
                       {"role": "assistant", "content": answer.text}]
        shown = [*shown, {"role": "assistant", "content": reply}]
        yield "", shown, history, shown, copy

    def upload(paths: list[str] | None) -> tuple[Any, ...]:
        """Add the uploaded files; returns (status, document list, emptied upload box)."""
        if not paths:
            return gr.skip(), gr.skip(), gr.skip()
        try:
            change = assistant.add_documents(list(paths))
        except QAError as error:
            return render.upload_error_html(str(error)), gr.skip(), None
        except Exception:  # a bug: the operator gets the traceback in the log, the user a message
            logging.getLogger(__name__).exception("adding %s failed", [Path(p).name for p in paths])
            return render.upload_error_html(INTERNAL_ERROR), gr.skip(), None
        return (render.added_html(change.documents, change.embedded, change.seconds),
                render.documents_html(assistant.documents), None)

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        history = gr.State([])  # earlier turns as plain text, passed to the assistant
        shown = gr.State([])  # the same turns as rendered HTML, for the chatbot
        gr.Markdown(f"## {TITLE}\nAnswers come only from the policy documents listed under "
                    "*Documents* (add your own there), and every claim quotes its source: open a source "
                    "to see the sentence highlighted in its paragraph. When the documents do "
                    "not answer, the assistant says so.")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    show_label=False, height=600, render_markdown=False,
                    sanitize_html=True, allow_tags=False, latex_delimiters=[], buttons=[],
                    feedback_options=None, elem_id="qa-chat",
                    placeholder="Ask a question about migration and development, or pick "
                                "an example.",
                    examples=[{"text": example} for example in EXAMPLES],
                )
                box = gr.Textbox(show_label=False, placeholder="Type a question and press Enter",
                                 submit_btn="Ask", max_lines=6, autofocus=True,
                                 elem_id="qa-question")
            with gr.Column(scale=1, min_width=300):
                with gr.Accordion("Copy answer with references", open=False):
                    copy = gr.Textbox(show_label=False, lines=6, max_lines=20,
                                      interactive=False, buttons=["copy"], elem_id="qa-copy")
                with gr.Accordion("Answer settings", open=True):
                    k = gr.Slider(1, 20, value=DEFAULT_K, step=1, label="Number of sources (k)",
                                  info="Passages the reader looks at for each question.")
                    # (the span reader only once a model is set for it: it has none of its own)
                    readers = [name for name in READERS if name != "hf-qa" or settings.reader_model]
                    reader = gr.Radio(readers, value=settings.reader, label="Reader",
                                      info="extractive: quotes the best sentences verbatim.")
                with gr.Accordion("Documents", open=False):
                    listing = gr.HTML(render.documents_html(assistant.documents), elem_id="qa-documents")
                    files = gr.File(label=f"Add documents ({', '.join(FILE_TYPES)}; at most "
                                          f"{settings.max_document_mb} MB each)",
                                    file_count="multiple", file_types=list(FILE_TYPES), type="filepath",
                                    elem_id="qa-upload")
                    status = gr.HTML(elem_id="qa-upload-status")

        inputs, outputs = [box, history, shown, k, reader], [box, chatbot, history, shown, copy]
        box.submit(respond, inputs, outputs, api_name="ask", concurrency_limit=ASKS_AT_ONCE,
                   concurrency_id="ask")
        chatbot.example_select(_example_text, None, box, api_visibility="private").then(
            respond, inputs, outputs, api_visibility="private", concurrency_limit=ASKS_AT_ONCE,
            concurrency_id="ask")  # (one group: its limit is the lowest of its events')
        # The chatbot's own clear button empties the display; start the conversation afresh.
        chatbot.clear(lambda: ([], [], ""), None, [history, shown, copy], api_visibility="private")
        files.upload(upload, files, [status, listing, files], api_visibility="private")
    return demo.queue()


def _example_text(event: gr.SelectData) -> str:
    """The question of the example the user clicked."""
    return event.value["text"]


def launch(demo: gr.Blocks, *, server_port: int | None = None,
           prevent_thread_lock: bool = False, max_file_mb: int = Settings.max_document_mb) -> str:
    """Serve ``demo`` on the loopback interface unless ``GRADIO_SERVER_NAME`` says otherwise.

    Args:
        demo: the app from :func:`build_demo`.
        server_port: the port; by default ``GRADIO_SERVER_PORT`` or 7860.
        prevent_thread_lock: return at once and serve from a thread (tests).
        max_file_mb: Gradio refuses larger uploads before they reach the library's own check.

    Returns:
        The local URL of the app.
    """
    _, url, _ = demo.launch(
        server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        server_port=server_port or int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
        prevent_thread_lock=prevent_thread_lock, css=CSS, max_file_size=f"{max_file_mb}mb",
        # System fonts: the bundled semibold face renders some capitals oddly.
        theme=gr.themes.Default(font=("ui-sans-serif", "system-ui", "sans-serif"),
                                font_mono=("ui-monospace", "monospace")),
        run_history=False,  # answers stay out of browser storage and off third-party buckets
    )
    return url


def main() -> None:
    """Build the assistant once (model and index load here), then serve the chat."""
    from qa import Assistant  # imported here so tests can build the app with a fake

    print("Loading the documents, model and index…", flush=True)
    try:
        settings = Settings.from_env()
        assistant = Assistant(settings=settings)
    except QAError as error:  # a missing or stale index, say: the message gives the fix
        raise SystemExit(f"error: {error}") from None
    launch(build_demo(assistant, settings), max_file_mb=settings.max_document_mb)


if __name__ == "__main__":
    main()
