"""A LangChain ``BaseRetriever`` over :class:`qa.Retriever` (optional extra ``langchain``)."""

from __future__ import annotations

from .errors import MissingDependencyError

try:
    from langchain_core.callbacks import CallbackManagerForRetrieverRun
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise MissingDependencyError(
        "the LangChain adapter needs langchain-core; run: pip install 'qa-migration[langchain]'"
    ) from exc

from .retrieve import Retriever


class QARetriever(BaseRetriever):
    """LangChain retriever returning passages with their offsets in ``metadata``."""

    retriever: Retriever
    k: int = 10

    model_config = {"arbitrary_types_allowed": True}

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [Document(page_content=h.text, metadata={k: v for k, v in h.to_dict().items() if k != "text"})
                for h in self.retriever.search(query, k=self.k)]
