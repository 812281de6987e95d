"""Takes the README's screenshot: the bundled example served with the default (real) models,
one question asked in Debian's Chromium, the answer and its sources captured.

    .venv/bin/python scripts/screenshot.py [docs/screenshot.png]
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "What trade turnover do Kazakhstan and Tajikistan aim for?"


def main() -> None:
    target = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "screenshot.png")
    presschat = str(ROOT / ".venv" / "bin" / "presschat")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "PRESSCHAT_DATA_DIR": data}
        subprocess.run(
            [presschat, "ingest", "-q", str(ROOT / "examples" / "releases")], env=env, check=True
        )
        server = subprocess.Popen([presschat, "serve", "--port", str(port)], env=env)
        url = f"http://127.0.0.1:{port}/"
        try:
            for _ in range(600):
                try:
                    urllib.request.urlopen(url + "healthz", timeout=2)
                    break
                except OSError:
                    time.sleep(0.5)
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path="/usr/bin/chromium",
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
                )
                page = browser.new_page(viewport={"width": 1280, "height": 820})
                page.goto(url)
                page.locator("#pc-question textarea").fill(QUESTION)
                page.locator("#pc-ask").click()
                page.locator("#pc-chat .pc-citation").first.wait_for(timeout=300_000)
                page.wait_for_timeout(500)
                page.screenshot(path=str(target))
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
