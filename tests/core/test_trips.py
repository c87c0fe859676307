"""Tests for core.trips: one-message trip logs, their checks, and days at the grassroots."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.trips import (
    MAX_TRIP_DAYS,
    TripDraft,
    TripField,
    TripProblem,
    days_apart,
    grassroots_days,
    loggable_years,
    missing_fields,
    parse_places,
    parse_topic,
    parse_trip,
    parse_trip_dates,
    trip_days,
    trip_problems,
    trip_years,
    without_problems,
)

NOW = datetime(2026, 11, 21, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Saturday
TODAY = NOW.date()
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


# --------------------------------------------------------------------------- parse_trip: the table

CASES: list[tuple[str, TripDraft]] = [
    # the brief's examples
    ("11月5日至8日 淳安县 山区共富调研", TripDraft(d(11, 5), d(11, 8), "淳安县", "山区共富调研")),
    ("昨天 淳安县千岛湖镇 调研共同富裕", TripDraft(d(11, 20), d(11, 20), "淳安县千岛湖镇", "共同富裕")),  # issue 14: a leading 调研 is filler
    ("上周一到周三 开化县、常山县 乡村振兴", TripDraft(d(11, 9), d(11, 11), "开化县、常山县", "乡村振兴")),
    ("11.5-11.8 淳安县", TripDraft(d(11, 5), d(11, 8), "淳安县", None)),
    ("Nov 5-8 Chun'an County, mountain prosperity research",
     TripDraft(d(11, 5), d(11, 8), "Chun'an County", "mountain prosperity research")),
    ("yesterday in Kaihua: rural revitalisation",
     TripDraft(d(11, 20), d(11, 20), "Kaihua", "rural revitalisation")),
    # parts only
    ("淳安县", TripDraft(places="淳安县")),
    ("昨天", TripDraft(d(11, 20), d(11, 20))),
    ("山区共富调研", TripDraft(topic="山区共富调研")),
    ("共同富裕示范区", TripDraft(topic="共同富裕示范区")),
    ("", TripDraft()),
    ("   ", TripDraft()),
    # Chinese: unspaced official phrasing, filler, lists, order
    ("11月5日-8日赴淳安县开展山区共富调研", TripDraft(d(11, 5), d(11, 8), "淳安县", "山区共富调研")),
    ("于11月5日至8日赴开化县、常山县调研乡村振兴",
     TripDraft(d(11, 5), d(11, 8), "开化县、常山县", "乡村振兴")),
    ("11月5日于淳安县调研", TripDraft(d(11, 5), d(11, 5), "淳安县", None)),
    ("11月5日 于都县 乡村振兴", TripDraft(d(11, 5), d(11, 5), "于都县", "乡村振兴")),
    ("去淳安县调研 11月5日", TripDraft(d(11, 5), d(11, 5), "淳安县", None)),
    ("昨天 到淳安县", TripDraft(d(11, 20), d(11, 20), "淳安县", None)),
    ("11月5日至11月8日，淳安县，开化县，山区共富",
     TripDraft(d(11, 5), d(11, 8), "淳安县、开化县", "山区共富")),
    ("淳安县 山区共富，乡村振兴", TripDraft(places="淳安县", topic="山区共富，乡村振兴")),
    ("淳安县 千岛湖镇 调研共同富裕", TripDraft(places="淳安县 千岛湖镇", topic="共同富裕")),
    ("山区共富调研 淳安县", TripDraft(places="淳安县", topic="山区共富调研")),
    ("调研共同富裕 开化", TripDraft(places="开化", topic="共同富裕")),
    ("开化 乡村振兴", TripDraft(places="开化", topic="乡村振兴")),
    ("11月5日至8日（4天） 淳安县 山区共富", TripDraft(d(11, 5), d(11, 8), "淳安县", "山区共富")),
    ("11月5日 淳安县等地 山区共富", TripDraft(d(11, 5), d(11, 5), "淳安县等地", "山区共富")),
    ("前天 杭州市西湖区转塘街道 社区治理",
     TripDraft(d(11, 19), d(11, 19), "杭州市西湖区转塘街道", "社区治理")),
    ("昨天下午3点 淳安县 座谈", TripDraft(d(11, 20), d(11, 20), "淳安县", "座谈")),
    ("淳安县 11月5日 数字化改革2.0", TripDraft(d(11, 5), d(11, 5), "淳安县", "数字化改革2.0")),
    ("上周 到嘉兴市南湖区、平湖市 民营经济发展",
     TripDraft(d(11, 9), d(11, 15), "嘉兴市南湖区、平湖市", "民营经济发展")),
    # English
    ("on 5 November visited Kaihua and Changshan, rural revitalisation",
     TripDraft(d(11, 5), d(11, 5), "Kaihua and Changshan", "rural revitalisation")),
    ("last week at Chun'an: research", TripDraft(d(11, 9), d(11, 15), "Chun'an", None)),
    ("rural revitalisation research in Kaihua and Changshan",
     TripDraft(places="Kaihua and Changshan", topic="rural revitalisation research")),
    ("Party building, rural revitalisation, Kaihua",
     TripDraft(places="Kaihua", topic="Party building, rural revitalisation")),
    ("Kaihua", TripDraft(places="Kaihua")),
    ("rural revitalisation", TripDraft(topic="rural revitalisation")),
    ("visited Chun'an County to study mountain prosperity",
     TripDraft(places="Chun'an County", topic="mountain prosperity")),
    ("Chun'an County mountain prosperity research",
     TripDraft(places="Chun'an County", topic="mountain prosperity research")),
    ("from 5 to 8 November in Kaihua", TripDraft(d(11, 5), d(11, 8), "Kaihua", None)),
    ("Nov 5-8 Kaihua - rural revitalisation",
     TripDraft(d(11, 5), d(11, 8), "Kaihua", "rural revitalisation")),
    ("yesterday went to Kaihua", TripDraft(d(11, 20), d(11, 20), "Kaihua", None)),
    ("Chun'an, Kaihua and Changshan: research on prosperity",
     TripDraft(places="Chun'an, Kaihua and Changshan", topic="research on prosperity")),
    ("Kaihua rural revitalisation", TripDraft(topic="Kaihua rural revitalisation")),  # no cue: not guessed
    # mixed
    ("Nov 5 淳安县", TripDraft(d(11, 5), d(11, 5), "淳安县", None)),
]


@pytest.mark.parametrize(("text", "draft"), CASES, ids=[text or "empty" for text, _ in CASES])
def test_a_trip_message_is_read_into_dates_places_and_topic(text: str, draft: TripDraft) -> None:
    assert parse_trip(text, now=NOW) == draft


@pytest.mark.parametrize(("text", "lang"), [("Nov 5-8 Kaihua", "zh"), ("11月5日至8日 淳安县", "en")])
def test_dates_in_the_other_language_are_still_read(text: str, lang: str) -> None:
    draft = parse_trip(text, now=NOW, lang=lang)
    assert (draft.start, draft.end) == (d(11, 5), d(11, 8))


@pytest.mark.parametrize(("text", "draft"), [
    ("11月8日至11月5日 淳安县 山区共富", TripDraft(d(11, 8), d(11, 5), "淳安县", "山区共富")),
    ("淳安县 11月8日-11月5日 山区共富", TripDraft(d(11, 8), d(11, 5), "淳安县", "山区共富")),
    ("于11月8日至11月5日赴淳安县调研", TripDraft(d(11, 8), d(11, 5), "淳安县", None)),
    ("Nov 8 to Nov 5 in Kaihua", TripDraft(d(11, 8), d(11, 5), "Kaihua", None)),
])
def test_a_range_written_backwards_is_kept_as_written_so_the_check_refuses_it(text: str, draft: TripDraft) -> None:
    parsed = parse_trip(text, now=NOW, lang="en" if text.isascii() else "zh")
    assert parsed == draft
    assert trip_problems(parsed, today=TODAY) == [TripProblem.END_BEFORE_START]


@pytest.mark.parametrize("text", ["11月5日、6日 淳安县 山区共富调研", "11月5、6日 淳安县 山区共富调研",
                                  "5日、6日 淳安县 山区共富调研", "5、6日 淳安县 山区共富调研", "11月5日和6日 淳安县 山区共富调研",
                                  "11月5日及6日 淳安县 山区共富调研", "淳安县 11月5日、6日 山区共富调研"])
def test_days_listed_one_after_another_are_one_trip(text: str) -> None:
    assert parse_trip(text, now=NOW) == TripDraft(d(11, 5), d(11, 6), "淳安县", "山区共富调研")


@pytest.mark.parametrize("text", ["11月5日、8日 淳安县 山区共富调研", "11月5日和8日 淳安县 山区共富调研",
                                  "5、8号 淳安县 山区共富调研", "11月5日、6日、8日 淳安县 山区共富调研",
                                  "11月5日至6日、8日 淳安县 山区共富调研", "淳安县 11月5日和8日 山区共富调研"])
def test_days_listed_apart_are_not_one_trip_and_none_is_dropped_or_left_in_the_places(text: str) -> None:
    draft = parse_trip(text, now=NOW)
    assert draft == TripDraft(places="淳安县", topic="山区共富调研", days_apart=True)
    assert trip_problems(draft, today=TODAY) == [TripProblem.DAYS_APART]
    assert without_problems(draft, [TripProblem.DAYS_APART]) == TripDraft(places="淳安县", topic="山区共富调研")


def test_days_named_in_the_topic_are_not_the_trips() -> None:
    assert parse_trip("11月5日 淳安县 回访3日和8日走访的农户", now=NOW) == TripDraft(
        d(11, 5), d(11, 5), "淳安县", "回访3日和8日走访的农户")


def test_dates_lean_to_the_past() -> None:
    assert parse_trip("12月1日 淳安县", now=NOW).start == d(12, 1, 2025)


# --------------------------------------------------------------------------- replies to single questions

@pytest.mark.parametrize(("text", "dates"), [
    ("11月5日至8日", (d(11, 5), d(11, 8))),
    ("昨天", (d(11, 20), d(11, 20))),
    ("last week", (d(11, 9), d(11, 15))),
    ("淳安县", None),
    ("11月8日至11月5日", (d(11, 8), d(11, 5))),  # backwards, as written: the check says so
    ("11月8日 到 11月5日", (d(11, 8), d(11, 5))),
    ("11月5日、6日", (d(11, 5), d(11, 6))),
    ("5、6日", (d(11, 5), d(11, 6))),
    ("11月5日和6日", (d(11, 5), d(11, 6))),
    ("11月5日、8日", None),  # days apart: two trips (days_apart says so)
])
def test_a_dates_reply_is_a_whole_past_leaning_range(text: str, dates: tuple[date, date] | None) -> None:
    assert parse_trip_dates(text, now=NOW, lang="zh") == dates


@pytest.mark.parametrize(("text", "apart"), [
    ("11月5日、8日", True), ("11月5日和8日", True), ("5、8号", True), ("11月5日至6日、8日", True),
    ("11月5日、6日", False), ("11月5日", False), ("淳安县", False), ("11月5日和3个村", False),
])
def test_a_dates_reply_listing_days_apart_is_told_apart_from_one_that_is_no_date(text: str, apart: bool) -> None:
    assert days_apart(text, now=NOW) is apart


@pytest.mark.parametrize(("text", "places"), [
    ("去淳安县，开化县", "淳安县、开化县"),
    ("淳安县 千岛湖镇", "淳安县 千岛湖镇"),
    ("in Kaihua and Changshan", "Kaihua and Changshan"),
    ("  ", None),
])
def test_a_places_reply_is_kept_as_written_less_filler(text: str, places: str | None) -> None:
    assert parse_places(text) == places


@pytest.mark.parametrize(("text", "topic"), [
    ("开展山区共富调研", "山区共富调研"),
    ("调研", None),
    ("research", None),
    ("on rural revitalisation", "rural revitalisation"),
    ("  乡村振兴  ", "乡村振兴"),
])
def test_a_topic_reply_is_kept_unless_it_says_nothing(text: str, topic: str | None) -> None:
    assert parse_topic(text) == topic


# --------------------------------------------------------------------------- problems and missing fields

@pytest.mark.parametrize(("draft", "problems"), [
    (TripDraft(d(11, 5), d(11, 8), "淳安县", "山区共富"), []),
    (TripDraft(), []),
    (TripDraft(TODAY, TODAY), []),
    (TripDraft(d(11, 22), d(11, 22)), [TripProblem.IN_FUTURE]),
    (TripDraft(d(11, 20), d(11, 25)), [TripProblem.IN_FUTURE]),  # under way: days to come cannot count
    (TripDraft(d(11, 20), TODAY), []),  # under way, logged up to today
    (TripDraft(d(11, 8), d(11, 5)), [TripProblem.END_BEFORE_START]),
    (TripDraft(d(1, 1), d(1, 1) + timedelta(days=MAX_TRIP_DAYS - 1)), []),
    (TripDraft(d(1, 1), d(1, 1) + timedelta(days=MAX_TRIP_DAYS)), [TripProblem.TOO_LONG]),
    (TripDraft(d(1, 1, 2025), d(1, 1, 2025)), []),
    (TripDraft(d(12, 31, 2024), d(1, 2, 2025)), [TripProblem.NOT_THIS_YEAR_OR_LAST]),
    (TripDraft(start=d(11, 30)), [TripProblem.IN_FUTURE]),
    (TripDraft(places="县" * 200, topic="题" * 200), []),
    (TripDraft(places="县" * 201), [TripProblem.PLACES_TOO_LONG]),
    (TripDraft(topic="题" * 201), [TripProblem.TOPIC_TOO_LONG]),
    (TripDraft(d(12, 5), d(12, 1), "县" * 201, "题" * 201),
     [TripProblem.IN_FUTURE, TripProblem.END_BEFORE_START, TripProblem.PLACES_TOO_LONG,
      TripProblem.TOPIC_TOO_LONG]),
    (TripDraft(places="淳安县", days_apart=True), [TripProblem.DAYS_APART]),
])
def test_only_the_fields_that_are_set_are_checked(draft: TripDraft, problems: list[TripProblem]) -> None:
    assert trip_problems(draft, today=TODAY) == problems


@pytest.mark.parametrize(("start", "end", "years"), [
    (d(12, 28), d(12, 30), (2026,)),
    (d(12, 28), d(1, 2, 2027), (2026, 2027)),  # across New Year: both years' key topics
    (d(1, 3, 2027), d(1, 3, 2027), (2027,)),
])
def test_a_trip_is_of_the_years_its_days_fall_in(start: date, end: date, years: tuple[int, ...]) -> None:
    assert trip_years(start, end) == years


def test_in_january_last_year_s_trips_may_still_be_logged() -> None:
    assert loggable_years(d(1, 5, 2027)) == (2026, 2027)


def test_a_trip_that_ends_after_today_is_in_the_future_and_its_dates_are_asked_again() -> None:
    draft = TripDraft(d(11, 19), d(11, 23), "淳安县", "山区共富")
    assert trip_problems(draft, today=TODAY) == [TripProblem.IN_FUTURE]
    assert without_problems(draft, [TripProblem.IN_FUTURE]) == TripDraft(places="淳安县", topic="山区共富")
    assert trip_problems(draft, today=d(11, 23)) == []


def test_clearing_problems_leaves_the_good_fields() -> None:
    draft = TripDraft(d(12, 5), d(12, 8), "淳安县", "题" * 201)
    assert without_problems(draft, trip_problems(draft, today=TODAY)) == TripDraft(places="淳安县")


@pytest.mark.parametrize(("draft", "missing"), [
    (TripDraft(), ["dates", "places", "topic"]),
    (TripDraft(start=d(11, 5)), ["dates", "places", "topic"]),
    (TripDraft(d(11, 5), d(11, 8), topic="山区共富"), ["places"]),
    (TripDraft(places="淳安县"), ["dates", "topic"]),
    (TripDraft(d(11, 5), d(11, 8), "淳安县", "山区共富"), []),
])
def test_missing_fields_come_in_asking_order(draft: TripDraft, missing: list[str]) -> None:
    assert missing_fields(draft) == missing
    assert all(isinstance(field, TripField) for field in missing_fields(draft))


# --------------------------------------------------------------------------- days

@pytest.mark.parametrize(("start", "end", "days"), [
    (d(11, 5), d(11, 5), 1),
    (d(11, 5), d(11, 8), 4),
    (d(2, 28, 2028), d(3, 1, 2028), 3),  # leap year
    (d(12, 30, 2025), d(1, 2, 2026), 4),
])
def test_trip_days_count_both_ends(start: date, end: date, days: int) -> None:
    assert trip_days(start, end) == days


def test_trip_days_refuse_a_trip_that_ends_before_it_starts() -> None:
    with pytest.raises(ValueError):
        trip_days(d(11, 8), d(11, 5))


YEAR = (d(1, 1), d(12, 31))


@pytest.mark.parametrize(("spans", "within", "days"), [
    ([], YEAR, 0),
    ([(d(11, 5), d(11, 8))], YEAR, 4),
    ([(d(11, 5), d(11, 8)), (d(11, 7), d(11, 10))], YEAR, 6),  # overlap counts once
    ([(d(11, 5), d(11, 8)), (d(11, 9), d(11, 10))], YEAR, 6),  # touching
    ([(d(11, 5), d(11, 8)), (d(11, 5), d(11, 8))], YEAR, 4),  # the same trip twice
    ([(d(11, 1), d(11, 30)), (d(11, 5), d(11, 8))], YEAR, 30),  # contained
    ([(d(11, 5), d(11, 8)), (d(3, 1), d(3, 2))], YEAR, 6),  # unsorted
    ([(d(12, 30, 2025), d(1, 2, 2026))], YEAR, 2),  # clipped at the start of the window
    ([(d(12, 30), d(1, 2, 2027))], YEAR, 2),  # and at its end
    ([(d(11, 5), d(11, 8))], (d(11, 7), d(11, 7)), 1),
    ([(d(11, 5), d(11, 8))], (d(12, 1), d(12, 31)), 0),
    ([(d(11, 8), d(11, 5))], YEAR, 0),  # backwards spans cover nothing
    ([(d(11, 5), d(11, 8))], (d(12, 31), d(1, 1)), 0),  # empty window
])
def test_grassroots_days_count_the_union_of_trips_within_the_window(
        spans: list[tuple[date, date]], within: tuple[date, date], days: int) -> None:
    assert grassroots_days(spans, within=within) == days


@pytest.mark.serial  # measures time
def test_grassroots_days_are_fast_for_thousands_of_trips() -> None:
    import time

    first = d(1, 1)
    spans = [(first + timedelta(days=i % 365), first + timedelta(days=i % 365 + i % 5)) for i in range(5000)]
    began = time.perf_counter()
    assert grassroots_days(spans, within=YEAR) == 365
    assert time.perf_counter() - began < 0.5


# --------------------------------------------------------------------------- properties

days_2026 = st.dates(min_value=d(1, 1), max_value=d(12, 31))
span = st.tuples(days_2026, days_2026).map(lambda p: (min(p), max(p)))
nows = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31),
                    timezones=st.just(ZoneInfo("Asia/Shanghai")))


@PROPERTY
@given(spans=st.lists(span, max_size=30), window=span)
def test_grassroots_days_equal_counting_each_day_once(spans: list[tuple[date, date]],
                                                     window: tuple[date, date]) -> None:
    covered = {s + timedelta(days=i) for s, e in spans for i in range((e - s).days + 1)}
    assert grassroots_days(spans, within=window) == sum(window[0] <= day <= window[1] for day in covered)


@PROPERTY
@given(spans=st.lists(span, max_size=30), extra=span)
def test_another_trip_never_lowers_grassroots_days(spans: list[tuple[date, date]],
                                                   extra: tuple[date, date]) -> None:
    assert grassroots_days([*spans, extra], within=YEAR) >= grassroots_days(spans, within=YEAR)
    assert grassroots_days(list(reversed(spans)), within=YEAR) == grassroots_days(spans, within=YEAR)


@PROPERTY
@given(text=st.text(max_size=60), now=nows)
def test_any_text_gives_a_consistent_draft(text: str, now: datetime) -> None:
    draft = parse_trip(text, now=now)
    assert (draft.start is None) == (draft.end is None)
    if draft.start is not None and draft.end is not None:
        assert draft.start <= draft.end
    for value in (draft.places, draft.topic):
        assert value is None or (value and value == value.strip())


PLACES = st.sampled_from(["淳安县", "开化县、常山县", "淳安县千岛湖镇", "杭州市西湖区转塘街道",
                          "嘉兴市南湖区"])
TOPICS = st.sampled_from(["山区共富调研", "乡村振兴", "民营经济发展", "基层社会治理"])


@PROPERTY
@given(start=st.dates(min_value=d(1, 1, 2025), max_value=TODAY), length=st.integers(0, 20), place=PLACES,
       topic=TOPICS)
def test_a_written_out_trip_reads_back(start: date, length: int, place: str, topic: str) -> None:
    end = min(start + timedelta(days=length), TODAY)
    text = f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日 {place} {topic}"
    assert parse_trip(text, now=NOW) == TripDraft(start, end, place, topic)
