"""Fixtures of the whole platform: the all-in-one in this process or as its own, and headless
Chromium."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import sync_playwright

from services import demo
from services.allinone import AllInOne
from shared.settings import ROOT, from_env
from tests.helpers import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _running(tmp_path):
    p = AllInOne(from_env({"MICROWISH_VAR_DIR": str(tmp_path)}).with_overrides(
        relay_idle_seconds=0.05))
    p.migrate()
    p.start()
    yield p
    p.stop()


@pytest.fixture
def platform(tmp_path):
    """The all-in-one in this process, its files in the test's own folder."""
    yield from _running(tmp_path)


@pytest.fixture
def demo_platform(tmp_path, monkeypatch):
    """The platform as `microwish run` starts it: 浦东's wall open to the whole city at once."""
    for name, value in demo.SETTINGS.items():
        monkeypatch.setenv(name, value)
    yield from _running(tmp_path)


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


class AllInOneProcess:
    """`python -m services.allinone` on a free port and its own var dir, as a newcomer runs it."""

    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tmp_path / "allinone.log"
        self.env = {**os.environ, "MICROWISH_VAR_DIR": str(tmp_path / "var"),
                    "MICROWISH_HOST": "127.0.0.1", "MICROWISH_PORT": str(self.port),
                    # the demo story would claim the wishes the tests mean to: off unless asked
                    "MICROWISH_DEMO_STORY": "off",
                    # the demo's past deeds would give `member` points the tests count: off too
                    "MICROWISH_DEMO_POINTS": "off"}
        for key in ("MICROWISH_BROKER_URL", "MICROWISH_DATABASE_URL"):
            self.env.pop(key, None)  # the embedded default: the local bus and SQLite
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "services.allinone"], cwd=ROOT,
                                         env=self.env, stdout=out, stderr=subprocess.STDOUT)

    def wait_serving(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"all-in-one exited with {self.proc.returncode}:\n{_log_tail(self.log)}")
            try:
                if requests.get(f"{self.base}/api/v1/wishes", timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        pytest.fail(f"not serving within {timeout}s:\n{_log_tail(self.log)}")

    def wishes(self, timeout: float = 30.0) -> list[dict]:
        return _wait_for_wishes(self.proc, self.base, self.log, timeout)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.kill()


@pytest.fixture
def allinone_process(tmp_path):
    """The all-in-one as its own process, not yet started; stopped afterwards."""
    made = AllInOneProcess(tmp_path)
    yield made
    made.stop()


@pytest.fixture
def allinone(allinone_process):
    """The all-in-one serving; yields (base URL, published wishes)."""
    allinone_process.start()
    yield allinone_process.base, allinone_process.wishes()


@pytest.fixture
def browser():
    """Debian's headless Chromium, driven by Playwright; closed afterwards."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
