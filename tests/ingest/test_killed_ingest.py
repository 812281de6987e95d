"""An ingest killed with SIGKILL half-way leaves a store that the next run completes exactly,
and no embedding process behind."""

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import psutil
import pytest

from retrieval.index import Index
from retrieval.settings import load_settings

pytestmark = pytest.mark.slow


def test_next_run_completes_a_killed_ingest_without_duplicates(
    shared: Path, tmp_path: Path
) -> None:
    corpus = shared / "doj" / "doj_opa_demo_200.jsonl"
    env = {
        **os.environ,
        "PRESSCHAT_DATA_DIR": str(tmp_path),
        "PRESSCHAT_EMBEDDER": "minilm",
        "PRESSCHAT_EMBED_BATCH_SIZE": "16",
    }
    command = [sys.executable, "-m", "presschat", "ingest", str(corpus)]
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE)
    assert process.stderr is not None
    progress = b""
    deadline = time.monotonic() + 300
    # Kill once several write batches (64 chunks each) have been embedded and stored.
    while time.monotonic() < deadline:
        progress += os.read(process.stderr.fileno(), 4096)
        done = [int(m) for m in re.findall(rb"\| *(\d+)/\d+ \[", progress)]
        if done and done[-1] >= 700:
            break
    children = psutil.Process(process.pid).children(recursive=True)  # the embedding process
    assert children
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    _, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, "the embedding process outlived the killed ingest"

    settings = load_settings(data_dir=tmp_path, embedder="minilm")
    partial = Index.from_settings(settings).store.count()
    assert partial > 0

    finished = subprocess.run(
        [*command, "--json", "-q"], env=env, capture_output=True, text=True, timeout=600
    )
    assert finished.returncode == 0, finished.stderr
    store = Index.from_settings(settings).store
    states = store.release_states()
    assert len(states) == 200
    assert all(
        s.chunks == s.expected_chunks and len(s.release_hashes) == 1 for s in states.values()
    )
    keys = Counter((str(m["release_id"]), int(m["seq"])) for _, m, _ in store.scan())
    assert max(keys.values()) == 1 and sum(keys.values()) == store.count()
