"""What an ingest run reports: its progress as it goes, its failures and its final summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Failure:
    """An input that could not be ingested, and why (each on one line)."""

    where: str
    reason: str


@dataclass(frozen=True)
class Tally:
    """How far a run has got. There is no total up front: files are read as the run goes, so
    `chunks_queued` (chunks of the releases read so far that need writing) grows with it."""

    files: int = 0
    releases: int = 0
    chunks_stored: int = 0
    chunks_queued: int = 0
    failed: int = 0


class Progress(Protocol):
    """Where ingest reports as it goes (the CLI draws a bar and prints failures at once)."""

    def update(self, tally: Tally) -> None:
        """Called after each file is opened, each release is read and each batch is stored."""

    def failed(self, failure: Failure) -> None:
        """An input failed; called as soon as it is known."""


class SilentProgress:
    """Progress that goes nowhere (the default)."""

    def update(self, tally: Tally) -> None:
        pass

    def failed(self, failure: Failure) -> None:
        pass


@dataclass
class IngestReport:
    """What an ingest run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    files: int = 0
    chunks_written: int = 0
    chunks_embedded: int = 0
    seconds: float = 0.0
    requests: int = 0
    not_modified: int = 0
    bytes_downloaded: int = 0

    def add(self, other: IngestReport) -> None:
        """Count another run into this one (syncing sources one by one, reported as one)."""
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.removed += other.removed
        self.failed += other.failed
        for name in ("files", "chunks_written", "chunks_embedded", "seconds", "requests"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.not_modified += other.not_modified
        self.bytes_downloaded += other.bytes_downloaded

    @property
    def ok(self) -> bool:
        """True when every input was ingested."""
        return not self.failed

    def summary_line(self) -> str:
        """One line for people: the CLI prints it, the admin page and the API show it."""
        line = (
            f"added {len(self.added)}, updated {len(self.updated)}, "
            f"unchanged {self.unchanged}, removed {len(self.removed)}, "
            f"failed {len(self.failed)} — "
            + (f"{self.files} files, " if self.files or not self.requests else "")
            + f"{self.chunks_embedded} paragraphs embedded in {self.seconds:.1f} s"
        )
        if self.requests:
            line += (
                f" — {self.requests} requests, {self.not_modified} not modified, "
                f"{_size(self.bytes_downloaded)} downloaded"
            )
        return line

    def as_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data, with the summary line."""
        return {
            "summary": self.summary_line(),
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "removed": len(self.removed),
            "failed": len(self.failed),
            "files": self.files,
            "chunks_written": self.chunks_written,
            "chunks_embedded": self.chunks_embedded,
            "seconds": round(self.seconds, 3),
            "requests": self.requests,
            "not_modified": self.not_modified,
            "bytes_downloaded": self.bytes_downloaded,
            "failures": [{"where": f.where, "reason": f.reason} for f in self.failed],
            "removed_ids": self.removed,
        }


def _size(count: int) -> str:
    if count < 10_000:
        return f"{count} B"
    if count < 10 * 2**20:
        return f"{count / 2**10:.0f} KB"
    return f"{count / 2**20:.1f} MB"
