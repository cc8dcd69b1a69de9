"""The ``qa`` command: a thin layer over the library. Errors are one line on stderr."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .errors import QAError
from .question import check_question
from .settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env().with_(corpus_dir=getattr(args, "corpus", None),
                                             index_dir=getattr(args, "index", None),
                                             reader_model=getattr(args, "reader_model", None))
        return args.run(args, settings)
    except QAError as exc:
        print(f"qa: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("qa: interrupted; nothing saved was changed", file=sys.stderr)
        return 130
    except BrokenPipeError:  # what reads the output stopped ("qa ask … | head"): no error to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # (the flush at exit would fail again)
        return 141  # (as a command killed by SIGPIPE)
    except Exception as exc:  # a bug: still one line, never a traceback
        print(f"qa: internal error ({type(exc).__name__}: {exc}); please report it with the command "
              "you ran", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="qa", description="Cited answers from policy documents on migration.")
    sub = p.add_subparsers(required=True, metavar="COMMAND")

    def command(name: str, run, help_: str, parent=sub) -> argparse.ArgumentParser:
        c = parent.add_parser(name, help=help_, description=help_)
        c.add_argument("--corpus", type=Path, help="corpus folder (default: the bundled corpus)")
        c.add_argument("--index", type=Path, help="index folder (default: index/ of the project)")
        c.set_defaults(run=run)
        return c

    index = sub.add_parser("index", help="build the index").add_subparsers(required=True, metavar="ACTION")
    command("build", _build, "build (or rebuild) the index of a corpus", index)

    corpus = sub.add_parser("corpus", help="add, list or remove documents").add_subparsers(
        required=True, metavar="ACTION")
    add = command("add", _corpus_add, "add PDF, Word, HTML, Markdown or text files and update the "
                  "index (only the new files are embedded)", corpus)
    add.add_argument("files", nargs="+", type=Path, metavar="FILE")
    add.add_argument("--title", default="", help="title to show in citations (default: the file's own)")
    add.add_argument("--organisation", default="", help="publishing organisation (default: the file's own)")
    add.add_argument("--date", default="", help="publication date, YYYY[-MM[-DD]] (default: the file's own)")
    listing = command("list", _corpus_list, "list the documents of the corpus", corpus)
    listing.add_argument("--json", action="store_true", help="print the manifest entries as JSON")
    remove = command("remove", _corpus_remove, "remove a document and update the index", corpus)
    remove.add_argument("name", help="the document's file name, or the name of the file it was added from")

    search = command("search", _search, "show the passages retrieved for a query")
    search.add_argument("query")
    search.add_argument("-k", type=int, default=10, help="how many passages (default 10)")
    search.add_argument("--json", action="store_true", help="print JSON")

    ask = command("ask", _ask, "answer a question with cited quotes")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the Answer as JSON")
    _reader_options(ask)
    ask.add_argument("-k", type=int, default=10, help="passages to read (default 10)")

    ev = command("eval", _eval, "score the assistant against a gold set")
    ev.add_argument("--gold", type=Path, required=True, help="gold JSONL file")
    ev.add_argument("--out", type=Path, required=True, help="folder for predictions, metrics and report")
    ev.add_argument("--baseline", type=Path, help="an earlier run's folder to compare with")
    _reader_options(ev)
    ev.add_argument("-k", "--k", dest="k", type=int, default=10)

    ab = command("ablate", _ablate, "compare retrieval modes and readers on a gold set")
    ab.add_argument("--gold", type=Path, required=True, help="gold JSONL file")
    ab.add_argument("--out", type=Path, required=True, help="folder for the table and each run")
    ab.add_argument("--readers", default="extractive",
                    help="comma-separated readers to compare (default: extractive)")
    ab.add_argument("--reader-model", help="model folder or name for the hf-qa and generative readers")
    ab.add_argument("-k", "--k", dest="k", type=int, default=10)

    adapt = command("adapt", _adapt, "fit the query adapter on gold sets (see qa.adapt)")
    adapt.add_argument("--gold", type=Path, nargs="+", required=True, help="gold JSONL files to fit on")
    adapt.add_argument("--out", type=Path, required=True, help="the adapter file to write (.npz); "
                       "use it with QA_QUERY_ADAPTER=PATH")

    bench = command("bench", _bench, "measure build, cold start, latency, memory and scale")
    bench.add_argument("--out", type=Path, required=True, help="folder for bench.json and bench.md")
    bench.add_argument("--gold", type=Path, default=Path("eval/gold/dev.jsonl"),
                       help="questions to ask (default: eval/gold/dev.jsonl)")
    bench.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    return p


def _reader_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--reader", help="extractive (default), hf-qa or generative")
    command.add_argument("--reader-model", help="model folder or name for the hf-qa and generative readers")


def _build(args, settings: Settings) -> int:
    from .retrieve import build_index

    index = build_index(settings)
    m = index.manifest
    print(f"indexed {len(index.documents)} documents: {m['passages']} passages, {m['sentences']} sentences "
          f"in {m['build_seconds']} s -> {settings.index_dir}")
    return 0


def _corpus_add(args, settings: Settings) -> int:
    from .documents import add_documents

    change = add_documents(args.files, settings, args.title, args.organisation, args.date,
                           progress=sys.stderr.isatty())
    for meta in change.documents:
        pages = f", {len(meta.pages)} pages" if meta.pages else ""
        print(f"added {meta.source or meta.file} as {meta.file}: {meta.title}{pages}")
    _print_change(change, settings)
    return 0


def _corpus_list(args, settings: Settings) -> int:
    from .documents import list_documents

    documents = list_documents(settings)
    if args.json:
        print(json.dumps([meta.to_dict() for meta in documents], ensure_ascii=False, indent=1))
        return 0
    for meta in documents:
        pages = f"{len(meta.pages)} pages" if meta.pages else ""
        about = ", ".join(p for p in (meta.organisation, meta.date, pages) if p)
        print(f"{meta.source or meta.file}  {meta.title}" + (f" ({about})" if about else ""))
    return 0


def _corpus_remove(args, settings: Settings) -> int:
    from .documents import remove_document

    change = remove_document(args.name, settings, progress=sys.stderr.isatty())
    print(f"removed {args.name}")
    _print_change(change, settings)
    return 0


def _print_change(change, settings: Settings) -> None:
    m = change.index.manifest
    print(f"index updated in {change.seconds} s: embedded {change.embedded} sentences and titles, reused "
          f"{change.reused} documents; {len(change.index.documents)} documents, {m['passages']} passages "
          f"-> {settings.index_dir}")


def _search(args, settings: Settings) -> int:
    from .retrieve import Retriever

    query = check_question(args.query, settings.max_question_chars)  # before any slow index work
    hits = Retriever(settings=settings).search(query, k=args.k)
    if args.json:
        print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=1))
        return 0
    for rank, h in enumerate(hits, 1):
        print(f"{rank:>2}. [{h.score:.4f}] {h.doc} {h.start}-{h.end} · {h.section or '-'} ¶{h.paragraph}")
        print(f"    {h.text[:240]}")
    return 0


def _ask(args, settings: Settings) -> int:
    from .assistant import Assistant

    check_question(args.question, settings.max_question_chars)  # before any slow index work
    answer = Assistant(settings).ask(args.question, k=args.k, reader=args.reader)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=1))
        return 0
    print(answer.text)
    if answer.short_answer:
        print(f"\nIn short: {answer.short_answer}")
    if answer.citations:  # (an abstention quotes the nearest passage its reason points to)
        print("\nNearest passage:" if answer.abstained else "\nSources:")
    for i, c in enumerate(answer.citations, 1):
        page = f" · page {c.page}" if c.page is not None else ""
        print(f"[{i}] {c.title}{page} · {c.section or '-'} · paragraph {c.paragraph} "
              f"({c.doc}, chars {c.start}-{c.end})")
        print(f"    “{' '.join(c.shown.split())}”")
    print(f"\nconfidence {answer.confidence:.2f}")
    return 0


def _eval(args, settings: Settings) -> int:
    from .assistant import Assistant
    from .evaluate import AtK, load_gold, predict, score, write_run

    _check_k(args.k)
    assistant = Assistant(settings.with_(reader=args.reader))
    texts = {name: d.text for name, d in assistant.retriever.index.documents.items()}
    gold = load_gold(args.gold, texts)
    predictions = predict(AtK(assistant, args.k), gold, progress=sys.stderr.isatty())
    metrics, rows = score(predictions, gold, texts)
    report = write_run(args.out, predictions, metrics, rows, gold, baseline_dir=args.baseline)
    keys = ("overall_correct", "correct_answerable", "refusal_rate_unanswerable", "hit@5", "citation_precision",
            "answer_f1", "latency_p50_s")
    print("  ".join(f"{k} {metrics[k]:.3f}" for k in keys if isinstance(metrics.get(k), float)))
    print(f"report: {report}")
    return 0


def _adapt(args, settings: Settings) -> int:
    from .adapt import fit_on_gold
    from .embed import get_embedder
    from .evaluate import load_gold
    from .retrieve import open_index

    if args.out.suffix != ".npz" or not args.out.parent.is_dir():
        raise QAError(f"--out {args.out} must be a .npz file in an existing folder")
    index = open_index(settings)
    texts = {name: d.text for name, d in index.documents.items()}
    if len({path.stem for path in args.gold}) < len(args.gold):
        raise QAError("two --gold files share a name; an adapter records its gold sets by file name, so rename one")
    gold = {path.stem: load_gold(path, texts) for path in args.gold}
    adapter = fit_on_gold(index, get_embedder(settings.embedder), gold)
    adapter.save(args.out)
    print(f"fitted on {adapter.questions} questions of {', '.join(adapter.trained_on)} -> {args.out}")
    return 0


def _bench(args, settings: Settings) -> int:
    from .bench import Plan, run_bench

    try:
        lines = args.gold.read_text(encoding="utf-8").splitlines()
        questions = [json.loads(line)["question"] for line in lines if line.strip()]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise QAError(f"cannot read questions from {args.gold} ({exc}); pass --gold with a JSONL file "
                      "of objects with a \"question\"") from exc
    results = run_bench(settings, questions, args.out, Plan.quick() if args.quick else None,
                        log=lambda line: print(f"qa bench: {line}", file=sys.stderr))
    print(f"index build {results['index_build_s']['median']} s, cold start {results['cold_start_s']['median']} s, "
          f"search p50 {results['search_p50_ms']} ms, answer p50 {results['query_p50_ms']} ms, "
          f"peak RSS {results['rss_mb']} MB")
    print(f"report: {args.out / 'bench.md'}")
    return 0


def _check_k(k: int) -> None:
    if k < 10:
        raise QAError(f"-k {k} is too few: a predictions file lists at least 10 retrieved passages "
                      "(DESIGN.md); use -k 10 or more")


def _ablate(args, settings: Settings) -> int:
    from .ablate import ablate, markdown
    from .assistant import READERS
    from .evaluate import load_gold
    from .retrieve import open_index

    _check_k(args.k)
    readers = [r.strip() for r in args.readers.split(",") if r.strip()]
    unknown = [r for r in readers if r not in READERS]
    if unknown:
        raise QAError(f"unknown reader {unknown[0]!r} in --readers; use some of {', '.join(READERS)}")
    if "hf-qa" in readers and not settings.reader_model:
        raise QAError("--readers hf-qa needs --reader-model DIR, a SQuAD-style question-answering model")
    index = open_index(settings)
    gold = load_gold(args.gold, {name: d.text for name, d in index.documents.items()})
    table = ablate(settings, gold, index, args.out, readers, args.k, progress=sys.stderr.isatty())
    print(markdown(table), end="")
    print(f"table: {args.out / 'ablation.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
