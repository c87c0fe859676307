"""Tests for core.dates: the shared case table, properties, and the API contract."""

from __future__ import annotations

import calendar
import dataclasses
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from core.dates import (
    DateMatch,
    DaysApart,
    find_date,
    find_days_apart,
    find_no_such_day,
    normalize,
    parse_date,
    parse_range,
    read_date,
    read_date_in,
    read_nearest_date,
    read_range,
    warm_up,
)
from core.dates_zh import zh_to_int
from tests.core.date_cases import CASES, NOW, SH, Case, expected, passes, run

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --------------------------------------------------------------------------- the table


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case) -> None:
    assert run(case) == expected(case)
    assert passes(case), f"type differs: {type(run(case))} vs {type(expected(case))}"


def test_accuracy_on_table(capsys: pytest.CaptureFixture[str]) -> None:
    by_fn: dict[str, list[bool]] = {}
    for case in CASES:
        by_fn.setdefault(case.fn, []).append(passes(case))
    total = sum(sum(v) for v in by_fn.values())
    with capsys.disabled():
        for fn, results in sorted(by_fn.items()):
            print(f"\n  {fn:6} {sum(results)}/{len(results)}", end="")
        print(f"\n  accuracy on {len(CASES)} cases: {total / len(CASES):.1%}")
    assert len(CASES) >= 250
    assert total / len(CASES) >= 0.99


# --------------------------------------------------------------------------- renderers for properties

ZH_DIGITS = "〇一二三四五六七八九"
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]
ZH_WEEK = "一二三四五六日"


def zh_small(n: int) -> str:
    """1..31 in Chinese (written independently of core.dates_zh)."""
    tens, ones = divmod(n, 10)
    text = ("" if tens == 0 else "十" if tens == 1 else ZH_DIGITS[tens] + "十")
    return text + (ZH_DIGITS[ones] if ones else "") if n >= 10 else ZH_DIGITS[n]


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def renderings(d: date) -> list[str]:
    y, m, dd = d.year, d.month, d.day
    wd = ZH_WEEK[d.weekday()]
    return [
        f"{y}-{m:02d}-{dd:02d}", f"{y}-{m}-{dd}", f"{y}/{m}/{dd}", f"{y}.{m:02d}.{dd:02d}",
        f"{y}年{m}月{dd}日", f"{y}年{m}月{dd}号", f"{y} 年 {m} 月 {dd} 日",
        "".join(ZH_DIGITS[int(c)] for c in str(y)) + f"年{zh_small(m)}月{zh_small(dd)}日",
        f"{y}年{m}月{dd}日（周{wd}）", f"{y}年{m}月{dd}日 星期{wd}",
        normalize_fullwidth(f"{y}年{m}月{dd}日"), normalize_fullwidth(f"{y}-{m:02d}-{dd:02d}"),
        f"{EN_MONTHS[m - 1]} {dd}, {y}", f"{EN_MONTHS[m - 1][:3]} {dd} {y}", f"{dd} {EN_MONTHS[m - 1]} {y}",
        f"the {ordinal(dd)} of {EN_MONTHS[m - 1]} {y}", f"{m}/{dd}/{y}",
        f"{d:%A}, {EN_MONTHS[m - 1]} {ordinal(dd)}, {y}",
    ]


def normalize_fullwidth(text: str) -> str:
    """The full-width form of the ASCII characters in ``text``."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


nows = st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2089, 12, 31),
                    timezones=st.just(SH))
dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))
prefers = st.sampled_from(["past", "future"])
DATEISH = "0123456789年月日号周星期一二三四五六七八九十上下本这今明昨天后前至到-~./: 点半午晚早个月底初NovDecMonFritoand"


# --------------------------------------------------------------------------- properties


@PROPERTY
@given(day=dates)
def test_every_written_form_parses_back(day: date) -> None:
    for text in renderings(day):
        assert parse_date(text, now=NOW) == day, text
        assert parse_range(text, now=NOW, prefer="future") == (day, day), text


@PROPERTY
@given(text=st.text(max_size=40), now=nows, prefer=prefers)
def test_never_raises_on_arbitrary_text(text: str, now: datetime, prefer: str) -> None:
    parse_date(text, now=now, prefer=prefer)  # type: ignore[arg-type]
    parse_range(text, now=now, prefer=prefer)  # type: ignore[arg-type]
    find_date(text, now=now, prefer=prefer)  # type: ignore[arg-type]


@PROPERTY
@given(text=st.text(alphabet=DATEISH, max_size=24), now=nows, prefer=prefers)
def test_date_like_noise_never_raises_and_ranges_are_ordered(text: str, now: datetime, prefer: str) -> None:
    found = parse_range(text, now=now, prefer=prefer)  # type: ignore[arg-type]
    if found is not None:
        assert found[0] <= found[1]
    value = parse_date(text, now=now, prefer=prefer)  # type: ignore[arg-type]
    assert value is None or isinstance(value, date)
    if isinstance(value, datetime):
        assert value.tzinfo is now.tzinfo
    match = find_date(text, now=now, prefer=prefer)  # type: ignore[arg-type]
    if match is not None:
        assert 0 <= match.start < match.end <= len(text)
        if isinstance(match.value, tuple):
            assert match.value[0] <= match.value[1]


@PROPERTY
@given(a=dates, b=dates, sep=st.sampled_from(["至", "到", "-", "—", "～", " to "]), now=nows, prefer=prefers)
def test_range_end_never_before_start(a: date, b: date, sep: str, now: datetime, prefer: str) -> None:
    text = f"{a.year}年{a.month}月{a.day}日{sep}{b.month}月{b.day}日"
    found = parse_range(text, now=now, prefer=prefer)  # type: ignore[arg-type]
    if found is not None:
        assert found[0] == a and found[0] <= found[1]


def _yearless_forms(month: int, day: int) -> list[str]:
    return [f"{month}月{day}日", f"{zh_small(month)}月{zh_small(day)}号", f"{month}/{day}",
            f"{EN_MONTHS[month - 1]} {day}", f"{day} {EN_MONTHS[month - 1][:3]}"]


@PROPERTY
@given(now=nows, month=st.integers(1, 12), day=st.integers(1, 31))
def test_yearless_dates_are_the_nearest_on_the_preferred_side(now: datetime, month: int, day: int) -> None:
    assume(day <= calendar.monthrange(2001, month)[1])  # a day every year has (not 29 February)
    today = now.date()
    for text in _yearless_forms(month, day):
        past = parse_date(text, now=now, prefer="past")
        future = parse_date(text, now=now, prefer="future")
        assert isinstance(past, date) and isinstance(future, date), text
        assert (past.month, past.day) == (month, day) == (future.month, future.day)
        assert today - timedelta(days=366) < past <= today
        assert today <= future < today + timedelta(days=366)


@PROPERTY
@given(now=nows, day=st.integers(1, 31), weekday=st.integers(0, 6))
def test_past_preference_is_never_after_today(now: datetime, day: int, weekday: int) -> None:
    """Day-only expressions without a future marker never land after today when looking back."""
    today = now.date()
    for text in (f"{day}号", f"{zh_small(day)}日", f"the {ordinal(day)}", f"周{ZH_WEEK[weekday]}",
                 f"星期{ZH_WEEK[weekday]}", calendar.day_name[weekday]):
        past = parse_date(text, now=now, prefer="past")
        future = parse_date(text, now=now, prefer="future")
        if past is not None:
            assert past <= today and (today - past).days <= 31, text
        if future is not None:
            assert future >= today and (future - today).days <= 31, text
        if text.startswith(("周", "星期")) or text[0].isupper():
            assert past is not None and future is not None
            assert 1 <= (today - past).days <= 7 and 1 <= (future - today).days <= 7
            assert past.weekday() == weekday == future.weekday()


@PROPERTY
@given(now=nows, n=st.integers(0, 999))
def test_relative_days(now: datetime, n: int) -> None:
    today = now.date()
    assert parse_date(f"{n}天后", now=now) == today + timedelta(days=n)
    assert parse_date(f"{n}天前", now=now, prefer="future") == today - timedelta(days=n)
    if n <= 31:
        assert parse_date(f"{zh_small(n) if n else '零'}天后", now=now) == today + timedelta(days=n)
    assert parse_date(f"in {n} days", now=now) == today + timedelta(days=n)
    assert parse_date(f"{n} weeks ago", now=now) == today - timedelta(weeks=n)


@PROPERTY
@given(now=nows, hour=st.integers(0, 23), minute=st.integers(0, 59))
def test_a_time_alone_is_within_a_day_on_the_preferred_side(now: datetime, hour: int, minute: int) -> None:
    text = f"{hour:02d}:{minute:02d}"
    past = parse_date(text, now=now, prefer="past")
    future = parse_date(text, now=now, prefer="future")
    assert isinstance(past, datetime) and isinstance(future, datetime)
    assert (past.hour, past.minute) == (hour, minute) == (future.hour, future.minute)
    assert now - timedelta(days=1) < past <= now
    assert now <= future < now + timedelta(days=1)


@PROPERTY
@given(day=dates, form=st.integers(0, 5), before=st.sampled_from(["/trip ", "开会 ", "/study 调研 ", ""]),
       after=st.sampled_from([" 淳安县", " 集体学习 2小时", " meeting", ""]))
def test_find_date_returns_the_span_of_the_expression(day: date, form: int, before: str, after: str) -> None:
    expression = renderings(day)[form]
    text = before + expression + after
    match = find_date(text, now=NOW)
    assert match is not None
    assert text[match.start:match.end] == expression
    assert match.value == day


@PROPERTY
@given(first=st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 11, 1)), more=st.integers(1, 4),
       joiner=st.sampled_from(["、", "和", "及", " 、 "]))
def test_days_listed_one_after_another_read_as_their_span(first: date, more: int, joiner: str) -> None:
    days = [first + timedelta(days=n) for n in range(more + 1)]
    text = joiner.join(f"{day.year}年{day.month}月{day.day}日" if n == 0 or day.day == 1 else f"{day.day}日"
                       for n, day in enumerate(days))
    assert parse_range(text, now=NOW) == (days[0], days[-1]), text
    assert find_days_apart(text, now=NOW) is None


def test_days_listed_apart_are_found_with_where_they_are() -> None:
    text = "/trip 11月5日、8日 淳安县"
    found = find_days_apart(text, now=NOW)
    assert found == DaysApart((date(2026, 11, 5), date(2026, 11, 8)), 6, 14)
    assert text[found.start:found.end] == "11月5日、8日"
    assert find_date(text, now=NOW) == DateMatch(date(2026, 11, 5), 6, 11)  # its first day, as it always read
    assert find_days_apart("/trip 11月5日、6日 淳安县", now=NOW) is None  # one span: a range
    assert find_days_apart("上周一、周二 开会", now=NOW) is None
    assert find_days_apart("11月5日和3个县", now=NOW) is None


@pytest.mark.parametrize(("text", "lang", "day"), [
    ("11月18日", "en", date(2026, 11, 18)), ("昨天", "en", date(2026, 11, 20)),  # the English prompt's examples
    ("last Friday", "zh", date(2026, 11, 13)), ("Nov 5", "zh-CN", date(2026, 11, 5)),
    ("11月5日", "zh", date(2026, 11, 5)), ("好的", "zh", None), ("okay", "en", None),
])
def test_a_typed_date_is_read_in_the_users_language_then_in_either(text: str, lang: str, day: date | None) -> None:
    """parse_date reads one language when told (the table's LANGS); what a user types is read in theirs, then in
    either, for officials mix them: as a whole answer, a range answer, or a date inside a message."""
    assert read_date(text, now=NOW, lang=lang) == day
    assert read_range(text, now=NOW, lang=lang) == (None if day is None else (day, day))
    found = read_date_in(f"接访 {text} 下访", now=NOW, lang=lang)
    assert (found.value if found is not None else None) == day


# --------------------------------------------------------------------------- API contract


def test_now_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError):
        parse_date("明天", now=datetime(2026, 11, 21, 10, 30))


@pytest.mark.parametrize("kwargs", [{"prefer": "soon"}, {"lang": "fr"}])
def test_bad_arguments_are_rejected(kwargs: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        parse_date("明天", now=NOW, **kwargs)  # type: ignore[arg-type]


def test_date_match_is_frozen_and_spans_original_text() -> None:
    text = "／ｔｒｉｐ　１１月５日至８日　淳安县"  # full-width: positions are in the original text
    match = find_date(text, now=NOW)
    assert match == DateMatch((date(2026, 11, 5), date(2026, 11, 8)), 6, 14)
    assert text[match.start:match.end] == "１１月５日至８日"
    with pytest.raises(dataclasses.FrozenInstanceError):
        match.start = 0  # type: ignore[misc]


def test_results_are_dates_or_aware_datetimes_in_nows_zone() -> None:
    assert type(parse_date("明天", now=NOW)) is date
    at = parse_date("明天下午3点", now=NOW)
    assert isinstance(at, datetime) and at.tzinfo is NOW.tzinfo


def test_normalize_keeps_positions() -> None:
    text = "２０２６年１１月５日（周四）～８日"
    assert len(normalize(text)) == len(text)
    assert normalize(text) == "2026年11月5日(周四)~8日"


def test_warm_up_is_repeatable() -> None:
    warm_up()
    warm_up()
    assert parse_date("a fortnight ago", now=NOW) == date(2026, 11, 7)


@pytest.mark.parametrize("text,value", [
    ("十", 10), ("十一", 11), ("二十", 20), ("廿三", 23), ("卅一", 31), ("三十一", 31), ("二〇二六", 2026),
    ("两", 2), ("一千零二十六", 1026), ("一百零五", 105), ("十十", None), ("", None), ("abc", None),
])
def test_zh_to_int(text: str, value: int | None) -> None:
    assert zh_to_int(text) == value


def test_every_rule_compiles() -> None:
    """The rules' patterns are compiled on first use, not on import: each one is valid all the same."""
    from core.dates_rules import RULES

    assert RULES and all(rule.regex.pattern and rule.needs.pattern for rule in RULES)


@pytest.mark.parametrize(("text", "named"), [
    ("2月30日 集体学习", "2月30日"), ("13月1日至3日 淳安县", "13月1日至3日"), ("淳安县 星期八", "星期八"),
    ("11月31日", "11月31日"), ("2026-02-30 visit", "2026-02-30"), ("Feb 30 visit", "Feb 30"),
    ("11月20日 接待", None), ("2028年2月29日", None), ("3号楼 调研", None), ("第12号 建议", None), ("2小时", None),
    ("11.35 天", None), ("30日", None), ("2.30 会议", None),
])
def test_a_date_that_names_no_day_is_found_with_the_range_it_opens(text: str, named: str | None) -> None:
    found = find_no_such_day(text, now=NOW)
    assert (found.text if found else None) == named
    if found is not None:
        assert text[found.start:found.end] == found.text


@pytest.mark.parametrize(("text", "expected"), [
    ("12月31日", date(2026, 12, 31)), ("1月4日", date(2027, 1, 4)), ("7月1日", date(2026, 7, 1)),
    ("6月10日", date(2026, 6, 10)), ("2025年12月31日", date(2025, 12, 31)), ("昨天", date(2026, 12, 9)),
])
def test_a_date_either_side_of_today_is_its_nearer_reading_leaning_past(text: str, expected: date) -> None:
    found = read_nearest_date(text, now=datetime(2026, 12, 10, 10, 0, tzinfo=SH))
    assert (found.date() if isinstance(found, datetime) else found) == expected
