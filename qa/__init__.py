"""Local, citation-first question answering over policy documents on migration and development.

>>> from qa import Assistant
>>> answer = Assistant().ask("How many bilateral labour migration agreements have OECD countries signed?")
>>> answer.citations[0].quote  # verbatim text of the corpus file
"""

from .assistant import Assistant
from .errors import QAError, QuestionError
from .evaluate import evaluate
from .retrieve import Retriever
from .settings import Settings
from .types import Answer, Citation, Hit

__all__ = ["Answer", "Assistant", "Citation", "Hit", "QAError", "QuestionError", "Retriever", "Settings",
           "evaluate"]
