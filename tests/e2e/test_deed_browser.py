"""From claim to confirmed deed in phone-sized Chromium windows against the all-in-one: a member
claims, writes to the liaison and reports the deed with a photo; the liaison opens the photo and
confirms; another claim runs overdue and the job gives it up (the member reads why); a wish
nobody took is escalated and the liaison assigns it to a member, who accepts. The days pass by
running matching's jobs on the all-in-one's database with a `now` in the future."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from services.matching import config as matching_config
from services.matching.escalation import jobs as escalation
from services.matching.models import Base, Claim, Wish
from services.matching.notices import jobs as notices
from shared.db import Database
from shared.envelope import utcnow
from shared.settings import from_env
from tests.actors import log_in_through
from tests.e2e.test_claim_browser import NO_SIDEWAYS_SCROLL, PHONE
from tests.matching.test_claim_forms import png

pytestmark = pytest.mark.browser
SCHOOL, WHEELCHAIR, PARK = "孩子们想添置新学期的装备", "需要一部方便出行的轮椅车", "想去公园看看"


def _matching_db(allinone_process) -> Database:
    """The all-in-one's own matching database (its SQLite file), for running its jobs."""
    return Database(from_env(allinone_process.env), "matching", Base.metadata)


def _phone(browser, base: str, path: str, username: str):
    page = browser.new_context(**PHONE).new_page()
    log_in_through(page, base, path, username)
    return page


def _claim_on_the_wall(page, base: str, title: str) -> None:
    page.goto(f"{base}/", wait_until="domcontentloaded")
    _submit(page, page.locator("article.wish", has_text=title).locator("button", has_text="认领"))
    assert page.url == f"{base}/my/claims"


def _submit(page, button) -> None:
    """Tap a form's button and wait for the page it posts to (redirected back, as PRG does)."""
    with page.expect_navigation(wait_until="domcontentloaded"):
        button.tap()


def _mine(page, title: str):
    return page.locator("article.claim", has_text=title)


def _fits(page) -> None:
    assert page.evaluate(NO_SIDEWAYS_SCROLL), page.url


def test_a_deed_from_claim_to_confirmation_an_overdue_release_and_an_assignment(
        allinone, allinone_process, browser, tmp_path):
    base, _published = allinone
    db, config = _matching_db(allinone_process), matching_config.from_env()
    member = _phone(browser, base, "/my/claims", "lihongmei")
    _claim_on_the_wall(member, base, SCHOOL)
    school = _mine(member, SCHOOL)
    school.locator("section.messages textarea[name=body]").fill("周六上午送过去，可以吗？")
    _submit(member, school.locator("section.messages button", has_text="发送"))
    assert "我：周六上午送过去，可以吗？" in _mine(member, SCHOOL).inner_text()

    photo = tmp_path / "deed.png"
    photo.write_bytes(png(8, 8))
    report = _mine(member, SCHOOL).locator("form.fulfil")
    report.locator("textarea[name=note]").fill("书包和文具已送到")
    report.locator("input[type=file][name=photos]").set_input_files(str(photo))
    _fits(member)
    _submit(member, report.locator("button", has_text="上报已完成"))
    assert "已完成" in _mine(member, SCHOOL).locator(".status").inner_text()

    liaison = _phone(browser, base, "/tracking", "liaison-pudong")
    assert "认领人：周六上午送过去，可以吗？" in liaison.locator("section.messages").inner_text()
    reported = liaison.locator("section.reported article.claim", has_text=SCHOOL)
    link = reported.locator("a", has_text="照片1")
    seen = liaison.request.get(base + link.get_attribute("href"))
    assert seen.status == 200 and seen.headers["content-type"] == "image/png"
    assert seen.body() == photo.read_bytes()
    _fits(liaison)
    _submit(liaison, reported.locator("button", has_text="确认完成"))
    member.reload(wait_until="domcontentloaded")
    assert "社区已确认完成" in _mine(member, SCHOOL).inner_text()

    # A second claim, never done: past its due date and the grace days the job gives it up.
    _claim_on_the_wall(member, base, WHEELCHAIR)
    with db.uow() as uow:
        due = uow.session.scalar(select(Claim.due_on).join(Wish, Wish.id == Claim.wish_id)
                                 .where(Wish.title == WHEELCHAIR, Claim.status == "claimed"))
    late = utcnow() + timedelta(days=(due - utcnow().date()).days + config.overdue_grace_days + 2)
    assert notices.release_overdue(db, config.overdue_grace_days, late) == 1
    member.reload(wait_until="domcontentloaded")
    assert "已取消：超过完成期限未完成，系统自动取消" in _mine(member, WHEELCHAIR).inner_text()
    _fits(member)

    # Days on, nobody took the park visit: escalated, and the liaison assigns it to 王志强.
    assert escalation.escalate(db, config.escalate_after_days,
                               config.escalate_before_deadline_days, late) >= 1
    liaison.reload(wait_until="domcontentloaded")
    park = liaison.locator("section.escalated article.wish", has_text=PARK)
    park.locator("select[name=to]").select_option(label="王志强")
    _fits(liaison)
    _submit(liaison, park.locator("button", has_text="指派"))
    assert "已指派给 王志强" in liaison.locator("section.escalated article.wish",
                                           has_text=PARK).inner_text()

    assignee = _phone(browser, base, "/my/claims", "wangzhiqiang")
    offer = assignee.locator("section.assignments article", has_text=PARK)
    assert "社区联络员指派给您" in offer.inner_text()
    _fits(assignee)
    _submit(assignee, offer.locator("form[action$='/accept'] button"))
    assert "已认领" in _mine(assignee, PARK).locator(".status").inner_text()
    assert assignee.locator("section.assignments").count() == 0
    _fits(assignee)
