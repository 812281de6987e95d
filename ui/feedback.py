"""Thumbs up/down on answers, appended to a JSON Lines file that operators review."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any


class FeedbackLog:
    """One JSON object per line: when, the rating, the question, the answer and its citations
    exactly as the user saw them. Appends are serialized, so concurrent votes never interleave."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def record(
        self,
        *,
        rating: str,
        question: str,
        answer: Mapping[str, Any],
        client: str = "",
        comment: str = "",
    ) -> dict[str, Any]:
        """Append one vote; `rating` is "up" or "down". Returns the stored entry."""
        if rating not in ("up", "down"):
            raise ValueError(f"rating must be 'up' or 'down', not {rating!r}")
        entry = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "rating": rating,
            "question": question,
            "answer": answer.get("answer", ""),
            "refused": bool(answer.get("refused", False)),
            "citations": list(answer.get("citations", [])),
            "client": client,
            "comment": comment,
        }
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line)
        return entry

    def entries(self) -> list[dict[str, Any]]:
        """Every vote so far, oldest first."""
        if not self.path.exists():
            return []
        with self._lock:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]
