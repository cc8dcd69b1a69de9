"""``bench.md``: the results of ``qa bench`` as Markdown tables, each figure beside its target."""

from __future__ import annotations

# (key path in bench.json, label, target, "max" when lower is better / "min" when higher is)
HEADLINE = [
    (("index_build_s", "median"), "index build of the bundled corpus, s", 25, "max"),
    (("index_build_cpu_s", "median"), "index build, CPU seconds (all threads)", None, None),
    (("embedding", "build_vs_bare"), "build tokens/s ÷ bare model tokens/s", 0.9, "min"),
    (("embedding", "build_vs_bare_cpu"), "the same per CPU second", 0.9, "min"),
    (("cold_start_s", "median"), "cold start (new process to first answer), s", 3, "max"),
    (("search_p50_ms",), "search alone p50, ms", 10, "max"),
    (("search_p95_ms",), "search alone p95, ms", None, None),
    (("query_p50_ms",), "full answer p50, ms", 50, "max"),
    (("query_p95_ms",), "full answer p95, ms", 150, "max"),
    (("rss_mb",), "peak RSS after {rss_questions} answers, MB", 800, "max"),
    (("embedding", "cosine_vs_fp32", "min"), "int8 vs fp32 cosine, min over corpus sample", 0.99, "min"),
]
SCALE_P50_MS, SCALE_RECALL = 20, 0.95  # targets at 10^6 passages


def render(r: dict) -> str:
    """The Markdown report of one ``qa bench`` result dict."""
    m = r["machine"]
    lines = [
        "# qa bench",
        "",
        f"Measured by `qa bench{' --quick' if r['quick'] else ''}` on {m['date']}: {m['cores']} cores ({m['cpu']}), "
        f"load average {m['load_avg_start'][0]} at the start and {m['load_avg_end'][0]} at the end. "
        f"Corpus: {r['corpus']['documents']} documents, {r['corpus']['passages']:,} passages, "
        f"{r['corpus']['sentences']:,} sentences, {r['corpus']['terms']:,} words; "
        f"embedder `{r['settings']['embedder']}`, "
        f"FAISS `{r['corpus']['faiss_factory']}`. Medians and p95 over repeated runs.",
        "",
        "| figure | measured | target | met |",
        "|---|---|---|---|",
    ]
    for path, label, target, sense in HEADLINE:
        value = _get(r, path)
        if value is None:
            continue
        met = "" if target is None else ("yes" if (value <= target if sense == "max" else value >= target) else "no")
        bound = "" if target is None else f"{'≤' if sense == 'max' else '≥'} {target}"
        lines.append(f"| {label.format(**r)} | {value:g} | {bound} | {met} |")
    lines += ["", _runs(r), "", "## Latency (warm, one process)", "",
              "| call | clients | p50 ms | p95 ms | questions/s |", "|---|---|---|---|---|"]
    for call, modes in r["query"].items():
        for mode, q in modes.items():
            clients = mode.split("_")[-1] if "_" in mode else "1"
            lines.append(f"| {call} | {clients} | {q['p50_ms']} | {q['p95_ms']} | {q['questions_per_s']} |")
    lines += ["", *_embedding(r["embedding"]), "", *_scale(r["scale"])]
    return "\n".join(lines) + "\n"


def _get(r: dict, path: tuple[str, ...]):
    for key in path:
        if not isinstance(r, dict) or key not in r:
            return None
        r = r[key]
    return r


def _runs(r: dict) -> str:
    b, c = r["index_build_s"], r["cold_start_s"]
    return (f"Index build: median {b['median']} s, p95 {b['p95']} s over {b['runs']} runs, "
            f"{r['index_build_cpu_s']['median']} CPU s "
            f"({r['build_passages_per_s']} passages/s, {r['build_sentences_per_s']} sentences/s). "
            f"Cold start: median {c['median']} s, p95 {c['p95']} s over {c['runs']} runs.")


def _embedding(e: dict) -> list[str]:
    lines = ["## Embedding", ""]
    if "bare_tokens_per_s" not in e:
        return lines + [e.get("note", "")]
    lines += [f"`{e['model_id']}`: the bare model (tokenised input, length-sorted batches) reads "
              f"{e['bare_tokens_per_s']:,} tokens/s ({e['bare_sentences_per_s']} sentences/s); the index build "
              f"{e['build_tokens_per_s']:,} tokens/s over {e['texts_embedded']:,} distinct texts (sentences, "
              f"titles, words; {e['tokens_embedded']:,} tokens; ratio {e['build_vs_bare']}). Per CPU second: bare "
              f"{e['bare_tokens_per_cpu_s']:,}, build {e['build_tokens_per_cpu_s']:,} tokens (ratio "
              f"{e['build_vs_bare_cpu']}). torch imported after a cold answer: "
              f"{'yes' if e.get('torch_after_cold_answer') else 'no'}."]
    if "cosine_vs_fp32" in e:
        c = e["cosine_vs_fp32"]
        lines += ["", f"Cosine of int8 against fp32 vectors on {c['n']} corpus sentences: min {c['min']}, "
                  f"mean {c['mean']}.", "", "| embedder, fresh process | load + first vector, s | peak RSS, MB | torch |",
                  "|---|---|---|---|"]
        for name, x in e["load_and_first_vector"].items():
            lines.append(f"| `{name}` | {x['seconds']} | {x['peak_rss_mb']} | {'yes' if x['torch_loaded'] else 'no'} |")
    return lines


def _scale(s: dict) -> list[str]:
    lines = ["## Synthetic corpora (search alone, one client)", "",
             "Vectors: mixtures of two corpus sentence vectors plus noise (see `qa/scale.py`); recall@10 against "
             "exact search "
             f"(`IndexFlatIP`). Target at 10^6: p50 ≤ {SCALE_P50_MS} ms with recall@10 ≥ {SCALE_RECALL}.", "",
             "| passages | index | nprobe | p50 ms | p95 ms | recall@10 | exact p50 ms | index MB | exact MB | build s |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for v in s["vector"]:
        lines.append(f"| {v['n']:,} | `{v['factory']}` | {v['nprobe']} | {v['search_p50_ms']} | {v['search_p95_ms']} "
                     f"| {v['recall_at_10']} | {v['exact_p50_ms']} | {v['index_mb']} | {v['exact_index_mb']} "
                     f"| {v['build_s']} |")
    sweeps = [f"{v['n']:,}: " + ", ".join(f"nprobe {x['nprobe']} → {x['recall_at_10']} ({x['p50_ms']} ms)"
                                            for x in v["sweep"]) for v in s["vector"] if len(v["sweep"]) > 1]
    if sweeps:
        lines += ["", "nprobe sweep (recall@10, p50): " + "; ".join(sweeps) + "."]
    lines += ["", "Lexical (BM25, bm25s): passages of 4 random corpus sentences; top 50 per question.", "",
              "| passages | index s | p50 ms | p95 ms | mmap p50 ms | mmap p95 ms | on disk MB |",
              "|---|---|---|---|---|---|---|"]
    for x in s["lexical"]:
        lines.append(f"| {x['n']:,} | {x['index_s']} | {x['search_p50_ms']} | {x['search_p95_ms']} "
                     f"| {x['mmap_search_p50_ms']} | {x['mmap_search_p95_ms']} | {x['disk_mb']} |")
    return lines
