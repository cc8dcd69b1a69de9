"""Error types. Every message names the bad value and says how to fix it."""

from __future__ import annotations


class QAError(Exception):
    """Base class for every error the library raises on purpose."""


class CorpusError(QAError):
    """A corpus directory or document cannot be used (missing, empty, not UTF-8...)."""


class IndexLoadError(QAError):
    """A saved index is missing, unreadable or corrupted."""


class StaleIndexError(IndexLoadError):
    """The saved index was built from another corpus, model or format; rebuild it."""


class QuestionError(QAError):
    """A question cannot be answered as given (empty, too long, not text...)."""


class MissingDependencyError(QAError):
    """An optional dependency is not installed; the message gives the install command."""
