"""What a re-sync of an unchanged site costs: 500 article pages on a loopback server.

    python bench/sync_bench.py [--pages 500]

Syncs a sitemap of N gov.kz-shaped pages into a fresh store (fake embedder, so the figure is
the fetching and bookkeeping, not the model), then syncs it again twice: with <lastmod> in the
sitemap (pages skipped without a request) and without (every page asked for conditionally,
answered 304). For each run: requests made, 304 answers, bytes downloaded, paragraphs embedded
(goal for re-syncs: 0) and seconds. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.web.sync import ingest_sources  # noqa: E402
from retrieval.embedders import FakeEmbedder  # noqa: E402
from retrieval.index import Index  # noqa: E402
from retrieval.settings import load_settings  # noqa: E402
from tests.ingest.web_site import Site, SiteServer, gov_kz_page, sitemap  # noqa: E402


def run(index: Index, embedder: FakeEmbedder, url: str) -> dict[str, Any]:
    embedded = embedder.passages_embedded
    started = time.perf_counter()
    report = ingest_sources(index, [], [url])
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "requests": report.requests,
        "not_modified": report.not_modified,
        "bytes_downloaded": report.bytes_downloaded,
        "embedded": embedder.passages_embedded - embedded,
        "added": len(report.added),
        "unchanged": report.unchanged,
        "failed": len(report.failed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=500)
    args = parser.parse_args()
    paths = [f"/{('en', 'ru', 'kk')[i % 3]}/press/{i}" for i in range(args.pages)]
    with SiteServer(Site()) as site, tempfile.TemporaryDirectory() as tmp:
        site.put("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
        for i, path in enumerate(paths):
            paragraphs = [
                f"Release {i}: paragraph {n} about trade, water and visas." for n in range(4)
            ]
            site.put(path, gov_kz_page(path[1:3], 1 + i % 28, f"Release {i}", paragraphs))
        xml = {"content_type": "application/xml"}
        site.put("/dated.xml", sitemap(site.base, [(p, "2025-09-01") for p in paths]), **xml)
        site.put("/undated.xml", sitemap(site.base, [(p, "") for p in paths]), **xml)
        settings = load_settings(
            data_dir=Path(tmp), embedder="fake", fetch_delay=0, fetch_max_pages=100_000
        )
        embedder = FakeEmbedder()
        index = Index.from_settings(settings, embedder=embedder)
        result = {
            "pages": args.pages,
            "first_sync": run(index, embedder, site.url("/undated.xml")),
            "resync_with_lastmod": None,
            "resync_conditional_get": run(index, embedder, site.url("/undated.xml")),
        }
        run(index, embedder, site.url("/dated.xml"))  # learns the dated sitemap
        result["resync_with_lastmod"] = run(index, embedder, site.url("/dated.xml"))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
