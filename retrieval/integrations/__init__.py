"""presschat's retrieval offered to other frameworks (a second concern of retrieval/, kept in
its own folder): `retrieval.integrations.langchain` for LangChain."""
