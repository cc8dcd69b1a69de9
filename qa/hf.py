"""Loading a transformers model for a reader: once, with errors that say the fix."""

from __future__ import annotations

from .errors import MissingDependencyError, QAError


def load_model(auto_class: str, name: str, location: str, reader: str, kind: str, **extra: str) -> tuple:
    """A tokenizer and an eval-mode model, plus the torch module to run it with.

    Args:
        auto_class: the transformers Auto class ("AutoModelForQuestionAnswering"...).
        name: the model as the user named it (for messages).
        location: the folder or cached model name to load from.
        reader: the reader's name, for the install message.
        kind: what the model is ("question-answering"...), for the error message.
        extra: loading arguments such as ``gguf_file``.

    Raises:
        MissingDependencyError: transformers or torch is not installed.
        QAError: the model cannot be loaded from ``location``.
    """
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise MissingDependencyError(f"the {reader} reader needs transformers and torch; "
                                     "run: pip install transformers torch==2.13.0") from exc
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(location, **extra)
        model = getattr(transformers, auto_class).from_pretrained(location, **extra).eval()
    except (OSError, ValueError, ImportError) as exc:
        raise QAError(f"cannot load the {kind} model {name!r} ({exc}); pass a local {kind} model folder") from exc
    return tokenizer, model, torch
