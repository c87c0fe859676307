"""Which log a sentence is, read once: a private message without a command, or a command's text.

    read_log("我昨天去德清县调研了地理信息小镇", now=now, lang="zh")
        -> Read(TRIP, TripDraft(start=end=yesterday, places="德清县", topic="地理信息小镇"))
    read_log("周一去了淳安调研，周三参加了集体学法", now=now, lang="zh")
        -> Unclear(kinds=(TRIP, STUDY))      # two logs: the member picks one
    read_log("收到", now=now, lang="zh")
        -> Unclear(kinds=())                 # no log: the member is asked which, or none

The kind is told by its words, the fields by the per-kind parsers the commands use (core/trips.py,
core/study.py, core/motions.py), so a message reads the same with or without its command:

* a suggestion or proposal: 建议 / 提案 (人大, 政协, 代表, 委员), NPC / CPPCC, with what only such a record
  has: a number (第45号, No. 45), a title in 《》 or ending in 的建议 / 的提案, 领办, 交办. Checked first, since
  its title may hold any word (关于加强调研成果转化的建议);
* a study session: a kind of study (集体学习, 集体学法, 理论学习中心组, 自学; collective / law / theory group /
  self-study), or 学习 with hours;
* a trip: 调研, 考察, 走访, 下基层, 蹲点, or going to a place (去了缙云县); visited, field research,
  research trip, went to ….

A message that says a supervised task is done (年度工作总结已报送, "submitted the safety report") and
names no log is a task report (`reports_task`): the member's open task it names (`task_meant`) gets its
report, the message as the note.

A message that tells what people raised (群众反映村道狭窄, "villagers raised the school bus") with no
date of its own is a finding (`reports_finding`) on the member's recent trip (`trip_meant`).

A message with the words of a trip and of a study session reads as two logs (`Unclear` with both kinds,
and the clause of each: `clause`); one with none as no log. Nothing is guessed: an unclear message is
answered with a question (handlers/log_any.py), never "I didn't understand".
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core import motions, study, trips
from core.dates import normalize, read_date_in
from core.motions import MotionDraft
from core.study import StudyDraft
from core.text import LazyPattern
from core.trips import TripDraft

__all__ = ["LogKind", "Read", "Unclear", "clause", "kinds_of", "read_as", "read_log", "reports_finding", "reports_task", "task_meant",
           "trip_meant"]


class LogKind(enum.StrEnum):
    TRIP = "trip"
    STUDY = "study"
    PROPOSAL = "proposal"


@dataclass(frozen=True)
class Read:
    """One log: the kind the message reads as, and the draft that kind's parser made of it."""

    kind: LogKind
    draft: TripDraft | StudyDraft | MotionDraft


@dataclass(frozen=True)
class Unclear:
    """No log (no kinds), or several (the kinds it reads as, in the order written)."""

    kinds: tuple[LogKind, ...] = ()


_MOTION_WORD = LazyPattern(r"建议|提案|(?<![a-z])(?:npc|cppcc|suggestion|proposal)(?![a-z])", re.IGNORECASE)
_MOTION_MARK = LazyPattern(
    r"第\s*[0-9〇零一二两三四五六七八九十百千]+\s*号|[0-9]+\s*号|《[^》]+》|关于[^,;.，；。]{2,}的(?:建议|提案)|领办|交办|人大|政协"
    r"|(?<![a-z])(?:no\.?\s*[0-9]+|#\s*[0-9]+|npc|cppcc|assigned|led|leading)(?![a-z])", re.IGNORECASE)
_STUDY_WORD = LazyPattern(
    r"集体学习|集中学习|集体学法|学法|法治学习|中心组|自学"
    r"|(?<![a-z])(?:theory[ -]group|collective\s+(?:law\s+)?study|law\s+study|self[ -]?study)(?![a-z])",
    re.IGNORECASE)
_STUDY_LOOSE = LazyPattern(r"学习|(?<![a-z])stud(?:y|ied)(?![a-z])", re.IGNORECASE)
_HOURS = LazyPattern(
    r"[0-9.]+\s*个?半?\s*(?:小时|钟头|h|hours?|hrs?)(?![a-z])|[一二两三四五六七八九十半]+个?半?小时", re.IGNORECASE)
_TRIP_WORD = LazyPattern(
    r"调研|考察|走访|下基层|蹲点|督导|(?:去|到|赴|前往|深入)了?[\u4e00-\u9fff]{1,8}?(?:省|市|县|区|镇|乡|村|街道)"
    r"|(?<![a-z])(?:visited|visiting|went\s+to|field\s+(?:research|trip|work)|research\s+trip|fieldwork"
    r"|grassroots)(?![a-z])", re.IGNORECASE)
# Where a message of two logs divides: a clause boundary (，；。 and, then).
_CLAUSES = LazyPattern(r"[^,;.，；。!！?？]+")


def kinds_of(text: str) -> tuple[LogKind, ...]:
    """The kinds of log the words of ``text`` name, in the order written (a proposal's words win)."""
    norm = normalize(text)
    if _MOTION_WORD.search(norm) and _MOTION_MARK.search(norm):
        return (LogKind.PROPOSAL,)
    found: list[tuple[int, LogKind]] = []
    study_word = _STUDY_WORD.search(norm)
    if study_word is None and _HOURS.search(norm):
        study_word = _STUDY_LOOSE.search(norm)
    if study_word is not None:
        found.append((study_word.start(), LogKind.STUDY))
    trip_word = _TRIP_WORD.search(norm)
    if trip_word is not None and (study_word is None or _apart(norm, trip_word.start(), study_word.start())):
        found.append((trip_word.start(), LogKind.TRIP))
    return tuple(kind for _, kind in sorted(found))


def _apart(text: str, one: int, other: int) -> bool:
    """Whether two words stand in different clauses: a trip's topic may say 学习, a study's 调研."""
    return all(not (m.start() <= one < m.end() and m.start() <= other < m.end()) for m in _CLAUSES.finditer(text))


def read_as(kind: LogKind, text: str, *, now: datetime, lang: str | None) -> Read:
    """The text read as a log of ``kind`` (a command's text, or the kind a member picked)."""
    if kind is LogKind.TRIP:
        return Read(kind, trips.parse_trip(text, now=now, lang=lang))
    if kind is LogKind.STUDY:
        return Read(kind, study.parse_study(text, now=now, lang=lang))
    return Read(kind, motions.parse_motion(text, now=now, lang=lang))


def read_log(text: str, *, now: datetime, lang: str | None) -> Read | Unclear:
    """A message without a command: the one log it reads as, or Unclear (none, or several)."""
    kinds = kinds_of(text)
    if len(kinds) != 1:
        return Unclear(kinds)
    return read_as(kinds[0], text, now=now, lang=lang)


def clause(text: str, kind: LogKind) -> str:
    """The part of a two-log message that tells of ``kind``: from its clause up to the next kind's
    (周一去了淳安调研，周三参加了集体学法 → 周一去了淳安调研 for a trip); the whole text when it is one log."""
    pieces = [m for m in _CLAUSES.finditer(text) if m.group().strip()]
    named = [kinds_of(m.group()) for m in pieces]
    mine = [i for i, kinds in enumerate(named) if kind in kinds]
    if not mine or all(len(kinds) <= 1 and (not kinds or kinds[0] == kind) for kinds in named):
        return text
    first = mine[0]
    last = first
    while last + 1 < len(pieces) and not named[last + 1]:
        last += 1
    return text[pieces[first].start() : pieces[last].end()].strip()


_DONE_WORDS = LazyPattern(
    r"已(?:经)?(?:按时)?(?:报送|上报|报结|完成|办结|提交|落实|整改完毕|整改到位)|报结|办结了|完成了|报送了|交了"
    r"|(?<![a-z])(?:done|submitted|completed|finished|reported)(?![a-z])", re.IGNORECASE)


def reports_task(text: str) -> bool:
    """Whether the message says something is done (已报送, 已完成, submitted) and names no log."""
    return _DONE_WORDS.search(normalize(text)) is not None and not kinds_of(text)


def task_meant(text: str, titles: list[str]) -> int | None:
    """Which of the member's open tasks (their titles) the message names: the one sharing the most pairs of
    characters (words, in English) with it, when no other shares as many; the only one, when there is one."""
    if len(titles) == 1:
        return 0
    said = _pairs(text)
    shared = [len(said & _pairs(title)) for title in titles]
    best = max(shared, default=0)
    return shared.index(best) if best > 0 and shared.count(best) == 1 else None


def _pairs(text: str) -> set[str]:
    norm = normalize(text).lower()
    words = re.findall(r"[a-z0-9]{3,}", norm)
    han = [ch for ch in norm if "\u3400" <= ch <= "\u9fff"]
    return set(words) | {a + b for a, b in zip(han, han[1:], strict=False)}


_FINDING_WORDS = LazyPattern(
    r"反映|诉求|呼声|期盼|意见建议|提出(?:了)?(?:的)?(?:建议|意见|问题|希望|要求)"
    r"|(?<![a-z])(?:raised|complained|asked\s+for|requested)(?![a-z])", re.IGNORECASE)
RECENT_TRIP_DAYS = 30  # a finding without its trip named goes to the latest trip, when it ended this recently


def reports_finding(text: str, *, now: datetime, lang: str | None) -> bool:
    """Whether the message tells what people raised on a trip: their words (反映, 诉求, raised), no study or
    proposal named, and no date of its own (a message with a date is a log of its own)."""
    if _FINDING_WORDS.search(normalize(text)) is None or set(kinds_of(text)) - {LogKind.TRIP}:
        return False
    return read_date_in(text, now=now, prefer="past", lang=lang) is None


def trip_meant(text: str, latest: list[tuple[str, date]], *, today: date) -> int | None:
    """Which of the member's latest trips (places, last day; the most recent first) a finding is on: the one
    whose place the message names, else the most recent when it ended within RECENT_TRIP_DAYS."""
    norm = normalize(text)
    named = [i for i, (places, _) in enumerate(latest)
             if any(len(place) >= 2 and place in norm for place in re.split(r"[、,，\s]+", normalize(places)))]
    if named:
        return named[0]
    return 0 if latest and today - latest[0][1] <= timedelta(days=RECENT_TRIP_DAYS) else None
