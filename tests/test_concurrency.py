"""Concurrency over one real Assistant (bundled corpus, bundled model): threads get exactly the
answers they get alone, and the app on 127.0.0.1 answers 200 requests from 16 clients with no
error and no conversation mixed up with another."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest_app import respond, serve

import app_gradio
from qa import render
from qa.assistant import Assistant
from qa.settings import PROJECT_ROOT

pytestmark = pytest.mark.model

THREADS = 32
CLIENTS, REQUESTS = 16, 200
TIMEOUT_S = 300
FOLLOW_UPS = ("and why?", "and what about women?", "and what do they recommend?")


@pytest.fixture(scope="module")
def assistant(bundled_settings) -> Assistant:
    return Assistant(bundled_settings)


@pytest.fixture(scope="module")
def questions() -> list[str]:
    lines = (PROJECT_ROOT / "eval" / "gold" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def test_threads_get_the_answers_they_get_alone(assistant, questions):
    asked = [(q, []) for q in questions[:THREADS - 4]]
    asked += [(f, [{"role": "user", "content": q}]) for f, q in zip(FOLLOW_UPS + FOLLOW_UPS[:1], questions[40:])]
    alone = [assistant.ask(q, history=h).to_dict() for q, h in asked]
    start = threading.Barrier(THREADS, timeout=TIMEOUT_S)

    def ask(item: tuple[str, list]) -> dict:
        start.wait()
        return assistant.ask(item[0], history=item[1]).to_dict()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        together = list(pool.map(ask, asked, timeout=TIMEOUT_S))
    assert together == alone


def test_app_under_load_keeps_every_conversation_apart(assistant, bundled_settings, questions):
    from gradio_client import Client

    turns = REQUESTS // CLIENTS + 1
    plans = [[FOLLOW_UPS[(c + t) % 3] if t % 4 == 3 else questions[(c * 7 + t) % len(questions)]
              for t in range(turns)] for c in range(CLIENTS)]
    plans = [plan[:turns - (c >= REQUESTS % CLIENTS)] for c, plan in enumerate(plans)]  # 200 in all
    assert sum(map(len, plans)) == REQUESTS
    demo, url = serve(assistant, bundled_settings)
    try:
        assert url.startswith("http://127.0.0.1:")
        expected = [conversation(demo, plan) for plan in plans]  # each alone, through the handler
        start = threading.Barrier(CLIENTS, timeout=TIMEOUT_S)

        def converse(plan: list[str]) -> list[tuple[list, str]]:
            client = Client(url, verbose=False, analytics_enabled=False)
            start.wait()
            return [client.predict(q, app_gradio.DEFAULT_K, "extractive", api_name="/ask")[1:] for q in plan]

        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            results = list(pool.map(converse, plans, timeout=TIMEOUT_S))
    finally:
        demo.close()
    for plan, copies, replies in zip(plans, expected, results):
        assert [copy for _, copy in replies] == copies
        chat = replies[-1][0]
        asked = ["".join(part["text"] for part in m["content"]) for m in chat if m["role"] == "user"]
        assert len(chat) == 2 * len(plan) and len(asked) == len(plan)
        assert asked == [render.question_html(q) for q in plan]


def conversation(demo, plan: list[str]) -> list[str]:
    """The copy-box text of each reply to one client asking ``plan`` in turn, alone."""
    history, copies = [], []
    for question in plan:
        *_, (_, _, history, _, copy) = respond(demo, question, history)
        copies.append(copy)
    return copies
