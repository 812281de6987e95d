"""Answers said in Kazakh by the Kazakh question itself."""
