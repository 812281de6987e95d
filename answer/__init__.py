"""Answering on top of retrieval: the assistant (follow-ups, dates in questions, retrieval, the
prompt, citations, refusals), the Generator seam with its local llama.cpp and OpenAI-compatible
backends, and the answer contract the CLI, the web chat and the API render."""
