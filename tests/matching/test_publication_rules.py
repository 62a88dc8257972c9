"""Meeting-day publication and the community window, at their boundaries in China time."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from services.matching.publication.rules import citywide_at, may_claim, opens_at
from shared.clock import CHINA
from shared.meeting_day import MeetingRule, problems

FIRST_SATURDAY = MeetingRule(1, 6)


def china(*args) -> datetime:
    return datetime(*args, tzinfo=CHINA)


@pytest.mark.parametrize("year, month, day", [
    (2026, 12, 5), (2027, 1, 2), (2027, 2, 6), (2026, 8, 1), (2026, 11, 7)])
def test_the_first_saturday_of_each_month(year, month, day):
    assert FIRST_SATURDAY.in_month(year, month) == date(year, month, day)


def test_other_rules_and_their_labels():
    third_friday = MeetingRule.of({"nth": 3, "weekday": 5})
    assert third_friday.in_month(2026, 12) == date(2026, 12, 18)
    assert third_friday.label() == "每月第3个周五"
    assert MeetingRule.of(None) == FIRST_SATURDAY
    assert problems({"nth": 5, "weekday": 6}) and problems({"nth": 1, "weekday": 0})
    assert problems({"nth": True}) and problems({"day": 1}) and problems("first saturday")
    assert problems({"nth": 2, "weekday": 7}) == []


def test_a_wish_verified_during_the_month_waits_for_the_meeting_day_at_the_hour():
    at = opens_at(china(2026, 11, 20, 15, 0), FIRST_SATURDAY, 9, urgent=False)
    assert at == china(2026, 12, 5, 9, 0) and at.tzinfo == timezone.utc


def test_on_the_meeting_day_before_the_hour_it_opens_that_morning():
    assert opens_at(china(2026, 12, 5, 8, 59), FIRST_SATURDAY, 9, False) == china(2026, 12, 5, 9)


def test_on_the_meeting_day_at_or_after_the_hour_it_waits_for_next_month():
    assert opens_at(china(2026, 12, 5, 9, 0), FIRST_SATURDAY, 9, False) == china(2027, 1, 2, 9)
    assert opens_at(china(2026, 12, 5, 20, 0), FIRST_SATURDAY, 9, False) == china(2027, 1, 2, 9)


def test_china_time_decides_the_day_not_utc():
    """Saturday 5 Dec 01:00 in China is still Friday in UTC: it opens that Saturday at 9."""
    verified = china(2026, 12, 5, 1, 0).astimezone(timezone.utc)
    assert verified.date() == date(2026, 12, 4)
    assert opens_at(verified, FIRST_SATURDAY, 9, False) == china(2026, 12, 5, 9)


def test_a_wish_that_cannot_wait_opens_at_once():
    verified = china(2026, 11, 20, 15, 0)
    assert opens_at(verified, FIRST_SATURDAY, 9, urgent=True) == verified  # as UTC


def test_the_community_window_closes_at_exactly_48_hours():
    opened = china(2026, 12, 5, 9)
    citywide = citywide_at(opened, 48)
    assert citywide == china(2026, 12, 7, 9)
    assert may_claim("chuanhui-wenming", "chuanhui-wenming", opened, citywide)
    assert not may_claim("chuanhui-zhongzhou", "chuanhui-wenming",
                         citywide - timedelta(microseconds=1), citywide)
    assert may_claim("chuanhui-zhongzhou", "chuanhui-wenming", citywide, citywide)
    assert may_claim(None, "chuanhui-wenming", citywide, citywide)


def test_a_zero_window_is_city_wide_at_once():
    opened = china(2026, 12, 5, 9)
    assert may_claim("pudong-gaoqiao", "chuanhui-wenming", opened, citywide_at(opened, 0))
