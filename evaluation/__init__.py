"""Measuring presschat against question sets with gold paragraphs: retrieval scores (Hits@k,
MRR) and answer scores (correctness, citations, refusals)."""
