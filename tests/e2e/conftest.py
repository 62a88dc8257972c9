"""Fixtures of the whole platform: the all-in-one as its own process, and headless Chromium."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import sync_playwright

from shared.settings import ROOT
from tests.helpers import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _log_tail(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")[-3000:] if path.exists() else ""


def _wait_for_wishes(proc: subprocess.Popen, base: str, log: Path, timeout: float = 30.0) -> list[dict]:
    """Poll the wall's API until it lists at least one published wish."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"all-in-one exited with {proc.returncode}:\n{_log_tail(log)}")
        try:
            items = requests.get(f"{base}/api/v1/wishes", timeout=2).json()["items"]
            if items:
                return items
        except (requests.RequestException, ValueError, KeyError):
            pass
        time.sleep(0.2)
    pytest.fail(f"no published wish within {timeout}s:\n{_log_tail(log)}")


@pytest.fixture
def allinone(tmp_path):
    """The all-in-one on a free port with its own var dir; yields (base URL, published wishes)."""
    port = free_port()
    env = {**os.environ, "MICROWISH_VAR_DIR": str(tmp_path / "var"),
           "MICROWISH_HOST": "127.0.0.1", "MICROWISH_PORT": str(port)}
    for key in ("MICROWISH_BROKER_URL", "MICROWISH_DATABASE_URL"):
        env.pop(key, None)  # the embedded default: memory:// and SQLite
    log = tmp_path / "allinone.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "services.allinone"], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        yield base, _wait_for_wishes(proc, base, log)
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@pytest.fixture
def browser():
    """Debian's headless Chromium, driven by Playwright; closed afterwards."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
