"""Checks of an answer against its question and sources, by kind of question."""
