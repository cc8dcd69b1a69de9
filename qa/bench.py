"""``qa bench``: build, cold-start, latency, memory and scale figures, measured in one run.

Every figure comes from this machine in one run: medians and 95th percentiles over repeated
runs. Cold start and peak memory are measured in fresh subprocesses (so nothing this process
has loaded counts); latency in this process, warm, with one client and with 8 concurrent
clients (threads sharing one :class:`~qa.assistant.Assistant`). Results go to ``bench.json``
and ``bench.md`` (a Markdown table with the targets), each written atomically.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .corpus import load_corpus
from .embed import get_embedder
from .errors import QAError
from .files import atomic_write
from .index import embedding_texts
from .bench_report import render
from .settings import Settings

# Peak resident memory of the calling process, in MB. VmHWM belongs to the process' own memory
# map; ru_maxrss would also count the parent's memory at fork time (Linux keeps it across exec).
PEAK_RSS = """
def peak_rss_mb():
    import resource
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""

# A fresh process answers questions read from stdin and reports its peak memory.
CHILD = PEAK_RSS + """
import json, sys
from qa.assistant import Assistant
from qa.settings import Settings
questions, n = json.loads(sys.stdin.read())
assistant = Assistant(Settings.from_env())
for i in range(n):
    assistant.ask(questions[i % len(questions)])
print(json.dumps({"peak_rss_mb": round(peak_rss_mb(), 1), "torch_loaded": "torch" in sys.modules}))
"""

# A fresh process loads an embedder and encodes one sentence.
EMBEDDER_CHILD = PEAK_RSS + """
import json, sys, time
started = time.perf_counter()
from qa.embed import get_embedder
get_embedder(sys.argv[1]).embed(["How are remittances taxed?"])
print(json.dumps({"seconds": round(time.perf_counter() - started, 2), "torch_loaded": "torch" in sys.modules,
                  "peak_rss_mb": round(peak_rss_mb(), 1)}))
"""


@dataclass(frozen=True)
class Plan:
    """How much to measure. The default takes a few minutes; :meth:`quick` a few seconds."""

    build_runs: int = 3
    cold_runs: int = 3
    query_rounds: int = 3  # passes over the questions, per latency figure
    clients: int = 8
    rss_questions: int = 100
    embed_sample: int = 2000  # texts timed through the bare model
    fp32_sample: int = 300  # texts compared with the fp32 model (0: skip, no torch loaded)
    vector_sizes: tuple[int, ...] = (100_000, 1_000_000)
    lexical_sizes: tuple[int, ...] = (100_000, 1_000_000)

    @classmethod
    def quick(cls) -> "Plan":
        """A smoke run: one of everything, small synthetic corpora (one still IVF)."""
        return cls(build_runs=1, cold_runs=1, query_rounds=1, rss_questions=10, embed_sample=200,
                   fp32_sample=0, vector_sizes=(60_000,), lexical_sizes=(5_000,))


def run_bench(settings: Settings, questions: list[str], out_dir: Path | str, plan: Plan | None = None,
              log=print) -> dict:
    """Measure everything and write ``bench.json`` and ``bench.md`` into ``out_dir``.

    Args:
        settings: the pipeline to measure (its corpus is built into its ``index_dir``).
        questions: questions to ask (the dev set's), cycled as needed.
        out_dir: the folder for the results (created if needed).
        plan: how much to measure; default :class:`Plan` (``Plan.quick()`` for a smoke run).
        log: where progress lines go.

    Returns:
        The results, as written to ``bench.json``.
    """
    from .retrieve import build_index

    plan = plan or Plan()
    if not questions:
        raise QAError("the benchmark needs at least one question; pass a gold file with questions")
    results: dict = {"quick": plan == Plan.quick(), "plan": asdict(plan), "machine": _machine(),
                     "settings": {"embedder": settings.embedder, "faiss_factory": settings.faiss_factory,
                                  "faiss_nprobe": settings.faiss_nprobe, "reader": settings.reader}}
    docs = load_corpus(settings.corpus_dir)
    log(f"building the index of {settings.corpus_dir} ({plan.build_runs}x)...")
    build_s, build_cpu_s = [], []
    for _ in range(plan.build_runs):
        started, cpu = time.perf_counter(), time.process_time()
        index = build_index(settings, docs=docs, progress=False)
        build_s.append(time.perf_counter() - started)
        build_cpu_s.append(time.process_time() - cpu)
    m = index.manifest
    # what a build embeds: sentences, section titles and the passages' words
    texts = list(dict.fromkeys(embedding_texts(index.passages, index.sentences, index.acronyms)[0]
                               + list(index.term_forms.values())))
    build, build_cpu = percentiles(build_s), percentiles(build_cpu_s)
    results.update(index_build_s=build, index_build_cpu_s=build_cpu,
                   corpus={"documents": len(docs), "passages": m["passages"], "sentences": m["sentences"],
                           "terms": m["terms"], "faiss_factory": m["faiss_factory"]},
                   build_passages_per_s=round(m["passages"] / build["median"], 1),
                   build_sentences_per_s=round(m["sentences"] / build["median"], 1))
    results["embedding"] = _embedding(settings, texts, build["median"], build_cpu["median"], plan)
    log("cold start and peak memory in fresh processes...")
    cold = [_child(settings, questions, 1) for _ in range(plan.cold_runs)]
    results["cold_start_s"] = percentiles([c["seconds"] for c in cold])
    results["embedding"]["torch_after_cold_answer"] = cold[0]["torch_loaded"]
    results["rss_mb"] = round(_child(settings, questions, plan.rss_questions)["peak_rss_mb"], 1)
    results["rss_questions"] = plan.rss_questions
    log(f"query latency, 1 and {plan.clients} clients...")
    results["query"] = _latency(settings, questions, plan)
    one = results["query"]
    results.update(search_p50_ms=one["search"]["single"]["p50_ms"], search_p95_ms=one["search"]["single"]["p95_ms"],
                   query_p50_ms=one["answer"]["single"]["p50_ms"], query_p95_ms=one["answer"]["single"]["p95_ms"])
    results["scale"] = _scale(index, questions, plan, log)
    results["machine"]["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write(out / "bench.json", json.dumps(results, indent=2) + "\n")
    atomic_write(out / "bench.md", render(results))
    return results


def percentiles(values: list[float]) -> dict:
    """Median, 95th percentile and count of a list of timings."""
    return {"median": round(float(np.median(values)), 3), "p95": round(float(np.percentile(values, 95)), 3),
            "runs": len(values)}


def _machine() -> dict:
    from .embed import cores

    cpu = next((line.split(":", 1)[1].strip() for line in _read_lines("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    return {"cores": cores(), "cpu": cpu, "python": platform.python_version(),
            "date": time.strftime("%Y-%m-%d %H:%M"), "load_avg_start": [round(x, 2) for x in os.getloadavg()]}


def _read_lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def _embedding(settings: Settings, texts: list[str], build_s: float, build_cpu_s: float, plan: Plan) -> dict:
    """The bare model's throughput against the build's, and int8 against fp32.

    Throughput is given per second of wall time and per second of CPU time (all threads): on a
    machine shared with other work, the CPU figures move far less from run to run.
    """
    embedder = get_embedder(settings.embedder)
    if not hasattr(embedder, "encode_tokens"):
        return {"model_id": embedder.model_id, "note": "not an ONNX embedder: no throughput figures"}
    rng = np.random.default_rng(0)
    sample = [texts[i] for i in rng.permutation(len(texts))[: plan.embed_sample]]
    tokens = embedder.tokenize(sample)
    embedder.encode_tokens(tokens[:8])  # warm up
    started, cpu = time.perf_counter(), time.process_time()
    embedder.encode_tokens(tokens)
    bare_s, bare_cpu_s = time.perf_counter() - started, time.process_time() - cpu
    n_tokens, build_tokens = sum(map(len, tokens)), embedder.count_tokens(texts)
    out = {"model_id": embedder.model_id, "texts_embedded": len(texts), "tokens_embedded": build_tokens,
           "bare_sentences_per_s": round(len(sample) / bare_s, 1), "bare_tokens_per_s": round(n_tokens / bare_s),
           "build_tokens_per_s": round(build_tokens / build_s),
           "build_vs_bare": round(build_tokens / build_s / (n_tokens / bare_s), 3),
           "bare_tokens_per_cpu_s": round(n_tokens / bare_cpu_s),
           "build_tokens_per_cpu_s": round(build_tokens / build_cpu_s),
           "build_vs_bare_cpu": round(build_tokens / build_cpu_s / (n_tokens / bare_cpu_s), 3)}
    if plan.fp32_sample:
        compared = sample[: plan.fp32_sample]
        cosine = np.sum(embedder.embed(compared) * get_embedder("minilm").embed(compared), axis=1)
        out["cosine_vs_fp32"] = {"min": round(float(cosine.min()), 4), "mean": round(float(cosine.mean()), 4),
                                 "n": len(compared)}
        out["load_and_first_vector"] = {name: _run_child(EMBEDDER_CHILD, [name], "", settings)
                                        for name in (settings.embedder, "minilm")}
    return out


def _child(settings: Settings, questions: list[str], n: int) -> dict:
    """Start a fresh process that answers ``n`` questions; its wall time and what it reports."""
    started = time.perf_counter()
    report = _run_child(CHILD, [], json.dumps([questions, n]), settings)
    return dict(report, seconds=round(time.perf_counter() - started, 3))


def _run_child(code: str, args: list[str], stdin: str, settings: Settings) -> dict:
    env = dict(os.environ, **{f"QA_{k.upper()}": str(v) for k, v in asdict(settings).items()})
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parent.parent), env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, "-c", code, *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=600)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise QAError(f"a benchmark subprocess failed ({last}); check that `qa ask` works with the same settings")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _latency(settings: Settings, questions: list[str], plan: Plan) -> dict:
    from .assistant import Assistant

    assistant = Assistant(settings)
    asked = questions * plan.query_rounds
    for q in questions[:3]:  # warm up
        assistant.ask(q)
    calls = {"search": lambda q: assistant.retriever.search(q, k=10), "answer": assistant.ask}
    return {name: {"single": _timed(call, asked, 1), f"concurrent_{plan.clients}": _timed(call, asked, plan.clients)}
            for name, call in calls.items()}


def _timed(call, questions: list[str], clients: int) -> dict:
    def one(q: str) -> float:
        started = time.perf_counter()
        call(q)
        return (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        ms = list(pool.map(one, questions))
    wall = time.perf_counter() - started
    return {"p50_ms": round(float(np.median(ms)), 2), "p95_ms": round(float(np.percentile(ms, 95)), 2),
            "questions_per_s": round(len(questions) / wall, 1), "n": len(questions)}


def _scale(index, questions: list[str], plan: Plan, log) -> dict:
    from .scale import as_dict, lexical_scale, vector_scale

    out: dict = {"vector": [], "lexical": []}
    for n in plan.vector_sizes:
        log(f"synthetic vector search, {n:,} passages...")
        out["vector"].append(as_dict(vector_scale(index.sentence_vectors, n)))
    sentences = [s.text for s in index.sentences]
    for n in plan.lexical_sizes:
        log(f"synthetic lexical search, {n:,} passages...")
        out["lexical"].append(as_dict(lexical_scale(sentences, n, questions)))
    return out
