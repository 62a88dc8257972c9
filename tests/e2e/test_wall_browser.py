"""Headless Chromium opens the all-in-one's wish wall and sees masked, published wishes."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
FULL_DEMO_NAME = "李景荣"

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
    port = _free_port()
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


def test_wall_shows_published_wishes_with_masked_names(allinone):
    base, items = allinone
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{base}/", wait_until="domcontentloaded")
            assert "微心愿墙" in page.content()
            wish = items[0]
            card = page.locator("article.wish", has_text=wish["title"]).first
            card.wait_for(state="visible", timeout=10_000)
            assert card.is_visible()
            text = card.inner_text()
            assert "*" in wish["wisher"] and wish["wisher"] in text
            for item in items:  # every published wish is on the wall, its wisher masked
                other = page.locator("article.wish", has_text=item["title"]).first
                assert "*" in item["wisher"] and item["wisher"] in other.inner_text()
            assert FULL_DEMO_NAME not in page.content()
        finally:
            browser.close()


def test_member_logs_in_claims_from_the_wall_and_sees_the_claim(allinone):
    """The web flow with the session cookie and CSRF-protected forms, in a real browser."""
    base, items = allinone
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{base}/", wait_until="domcontentloaded")
            assert page.locator("article.wish button").count() == 0  # anonymous: no claim buttons
            page.click("text=登录")
            page.fill("input[name=username]", "member")
            page.fill("input[name=password]", "wrong-password")
            page.click("button[type=submit]")
            assert "用户名或密码错误" in page.content()
            page.fill("input[name=username]", "member")
            page.fill("input[name=password]", "demo-2026")
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/")
            assert "张建国" in page.locator("header").inner_text()
            cookie = next(c for c in page.context.cookies() if c["name"] == "mw_session")
            assert cookie["httpOnly"]
            wish = items[0]
            card = page.locator("article.wish", has_text=wish["title"]).first
            card.locator("button", has_text="认领").click()
            page.wait_for_url(f"{base}/my/claims")
            mine = page.locator("article.claim", has_text=wish["title"]).first
            assert "已认领" in mine.inner_text() and wish["wisher"] in mine.inner_text()
            page.click("header button:has-text('退出')")
            page.wait_for_url(f"{base}/")
            assert "登录" in page.locator("header").inner_text()
            assert not any(c["name"] == "mw_session" for c in page.context.cookies())
        finally:
            browser.close()
