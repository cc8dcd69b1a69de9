"""The chat app in a real headless Chromium (through Playwright) and under concurrent clients.

The app runs in-thread on a free loopback port with a deterministic fake assistant; one more
test (marked ``model``) drives it over the real ``qa.Assistant``. Screenshots go to
``$APP_SCREENSHOT_DIR`` when set, else to the test's tmp dir.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from conftest_app import (ANSWERABLE, FEES, FAILING, FAILURE, SUM_QUOTE, TITLE, UNANSWERABLE,
                          UNANSWERABLE_REASON, UPLOAD_REFUSAL, FakeAssistant, serve)

import app_gradio
from qa import render

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips these tests with the install hint
    expect = None
from qa.settings import Settings

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
MAX_CHARS = 300  # question limit of the app under test, small to test the cut
TIMEOUT_MS = 60_000  # every browser wait
CLIENT_TIMEOUT_S = 60  # every gradio_client call
INSTALL_HINT = "run .ci/install-browser.sh (installs Debian's chromium and playwright)"


def screenshot_path(tmp_path: Path, name: str) -> Path:
    """Where to save a screenshot: ``$APP_SCREENSHOT_DIR/name`` or the test's tmp dir."""
    folder = Path(os.environ.get("APP_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


@pytest.fixture(scope="module")
def fake() -> FakeAssistant:
    return FakeAssistant(delay=0.05)  # a little work, so concurrent requests overlap


@pytest.fixture(scope="module")
def app_url(fake: FakeAssistant) -> Iterator[str]:
    demo, url = serve(fake, Settings(max_question_chars=MAX_CHARS))
    yield url
    demo.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A headless Chromium context with a fresh profile."""
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason=f"playwright missing: {INSTALL_HINT}")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} missing: {INSTALL_HINT}")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM),
            headless=True, args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        yield context
        context.close()


def open_app(browser: Any, url: str) -> Any:
    """A new page on the app, ready for a question."""
    page = browser.new_page()
    page.goto(url)
    page.locator("#qa-question textarea").wait_for()
    return page


@pytest.fixture
def page(browser: Any, app_url: str) -> Iterator[Any]:
    page = open_app(browser, app_url)
    yield page
    page.close()


def ask(page: Any, question: str, timeout_ms: int = TIMEOUT_MS) -> Any:
    """Type ``question``, press Enter and wait for the reply; returns the reply's locator."""
    replies = page.locator('#qa-chat [data-testid="bot"]')
    before = replies.count()
    box = page.locator("#qa-question textarea")
    expect(box).to_be_editable(timeout=timeout_ms)  # the previous answer has re-enabled it
    box.fill(question)
    expect(box).to_have_value(question)
    box.press("Enter")
    expect(replies).to_have_count(before + 1, timeout=timeout_ms)
    expect(page.locator("#qa-chat .qa-pending")).to_have_count(0, timeout=timeout_ms)
    return replies.last


def test_serves_on_loopback_by_default(app_url: str) -> None:
    assert app_url.startswith("http://127.0.0.1:")


def test_answer_shows_markers_and_sources(page: Any, tmp_path: Path) -> None:
    reply = ask(page, ANSWERABLE)
    expect(reply.locator(".qa-text")).to_contain_text(SUM_QUOTE)
    expect(reply.locator(".qa-marker")).to_have_count(2)
    sources = reply.locator(".qa-source")
    expect(sources).to_have_count(2)
    expect(sources.first.locator(".qa-title")).to_have_text(TITLE)
    expect(sources.first.locator(".qa-quote")).to_have_text(f"“{SUM_QUOTE}”")
    expect(sources.first.locator("mark")).to_be_hidden()  # the paragraph waits in <details>
    sources.first.locator("summary").click()
    expect(sources.first.locator("mark")).to_have_text(SUM_QUOTE)
    expect(sources.first.locator(".qa-paragraph")).to_contain_text("in many villages.")
    page.screenshot(path=str(screenshot_path(tmp_path, "app-fake.png")))


def test_unanswerable_question_abstains_with_closest_passages(page: Any) -> None:
    reply = ask(page, UNANSWERABLE)
    expect(reply.locator(".qa-abstain")).to_contain_text(render.ABSTAIN_HEADLINE)
    expect(reply.locator(".qa-abstain")).to_contain_text(UNANSWERABLE_REASON)
    expect(reply.locator(".qa-source")).to_have_count(3)


def test_html_in_questions_and_documents_shows_as_text(page: Any) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    injected = '<img src=x onerror="window.pwned=1"><b id="injected">bold</b>'
    ask(page, injected)
    expect(page.locator('#qa-chat [data-testid="user"]').last).to_contain_text(injected)
    reply = ask(page, FEES)
    reply.locator(".qa-source summary").click()
    expect(reply.locator(".qa-paragraph")).to_contain_text("<script>alert(1)</script>")
    assert page.locator("#injected").count() == 0
    assert page.locator("#qa-chat img, #qa-chat script, #qa-chat b#injected").count() == 0
    assert page.evaluate("window.pwned") is None
    assert dialogs == []


def test_follow_up_questions_use_the_conversation(page: Any, fake: FakeAssistant) -> None:
    ask(page, "Which projects do diaspora groups fund?")
    reply = ask(page, "And who pays for them?")
    expect(reply.locator(".qa-text")).to_contain_text(
        "previous: Which projects do diaspora groups fund?")
    question, history, k, reader = fake.calls[-1]
    assert question == "And who pays for them?"
    assert [m["role"] for m in history] == ["user", "assistant"]
    assert (k, reader) == (app_gradio.DEFAULT_K, "extractive")


def test_long_question_is_cut_with_a_visible_notice(page: Any) -> None:
    reply = ask(page, "Why? " * 100)
    expect(reply.locator(".qa-notice")).to_contain_text(
        f"only its first {MAX_CHARS} characters were used")


def test_example_question_and_copy_box(page: Any) -> None:
    page.get_by_text(app_gradio.EXAMPLES[1]).click()
    expect(page.locator('#qa-chat [data-testid="bot"] .qa-source')).to_have_count(1)
    page.get_by_text("Copy answer with references").click()
    expect(page.locator("#qa-copy textarea")).to_have_value(
        re.compile(rf"^Echo: {re.escape(app_gradio.EXAMPLES[1])} .*\n\nReferences:\n"
                   rf"\[1\] {re.escape(TITLE)}, section"))


def test_uploads_are_added_listed_or_refused_with_the_reason(page: Any, tmp_path: Path) -> None:
    page.get_by_role("button", name="Documents").click()
    upload = page.locator("#qa-upload input[type=file]")
    report = tmp_path / "harbour-report.pdf"
    report.write_bytes(b"%PDF-1.4 stand-in: the fake assistant does not read it")
    upload.set_input_files(str(report))
    expect(page.locator("#qa-upload-status .qa-added")).to_contain_text("Added harbour-report.pdf")
    expect(page.locator("#qa-documents")).to_contain_text("Uploaded harbour-report.pdf")
    expect(page.locator("#qa-documents")).to_contain_text("3 pages")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 stand-in")
    page.locator("#qa-upload input[type=file]").set_input_files(str(scan))
    expect(page.locator("#qa-upload-status .qa-error")).to_contain_text(f"scan.pdf {UPLOAD_REFUSAL}")
    page.screenshot(path=str(screenshot_path(tmp_path, "app-upload.png")))


def test_library_errors_are_shown_not_raised(app_url: str) -> None:
    from gradio_client import Client

    client = Client(app_url, verbose=False, analytics_enabled=False)
    _, chat, copy = client.predict(FAILING, 3, "extractive", api_name="/ask")
    assert copy == FAILURE
    assert "No answer." in str(chat[-1]["content"])


def test_concurrent_clients_keep_their_own_conversations(app_url: str,
                                                        fake: FakeAssistant) -> None:
    from gradio_client import Client

    start = threading.Barrier(8, timeout=CLIENT_TIMEOUT_S)

    def converse(number: int) -> tuple[str, str]:
        client = Client(app_url, verbose=False, analytics_enabled=False)
        start.wait()
        first = client.predict(f"Client {number}: first question", 5, "extractive",
                               api_name="/ask")[2]
        second = client.predict(f"Client {number}: follow-up", 5, "extractive",
                                api_name="/ask")[2]
        return first, second

    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(converse, n) for n in range(8)]
        results = [future.result(timeout=CLIENT_TIMEOUT_S) for future in futures]
    for number, (first, second) in enumerate(results):
        assert first.startswith(f"Echo: Client {number}: first question | previous: none |")
        assert second.startswith(f"Echo: Client {number}: follow-up | previous: Client "
                                 f"{number}: first question |")


@pytest.mark.model
def test_real_assistant_answers_and_abstains(browser: Any, tmp_path: Path) -> None:
    try:
        from qa import Assistant
    except ImportError as error:
        pytest.skip(f"qa.Assistant cannot be imported yet: {error}")
    assistant = Assistant()
    titles = {meta.title for meta in assistant.documents}
    demo, url = serve(assistant)
    page = open_app(browser, url)
    try:
        reply = ask(page, "How much money does the Somali diaspora organisation HIRDA send "
                          "to Somalia each year?", timeout_ms=120_000)
        expect(reply.locator(".qa-source").first).to_be_visible()
        assert reply.locator(".qa-source .qa-title").first.inner_text() in titles
        reply.locator(".qa-source summary").first.click()
        expect(reply.locator(".qa-source mark").first).to_be_visible()
        page.screenshot(path=str(screenshot_path(tmp_path, "app-real.png")))
        reply = ask(page, "What was IOM's operational budget for 2008?", timeout_ms=120_000)
        expect(reply.locator(".qa-text, .qa-abstain").first).to_be_visible()
    finally:
        page.close()
        demo.close()
