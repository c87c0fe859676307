"""The weekly summary (周报): last week's logs by duty, the year's progress against what the targets ask
for by now, who moved up in the year's ranking, upcoming deadlines and overdue items; the admins'
version also names who is behind pace. `gather` reads it (a bounded number of queries plus one
progress read per member for the admins' part), `render` words it in the reader's language.

Names in the group follow the team's race setting (`Team.show_names_in_race`): without names the
group sees counts only; admins always see names."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from config import Config
from core import pace, race
from core.aging import MARK, age
from core.domain import Duty, MemberStatus, StudyKind
from locales import Translator
from reports import nudges as nudge_words
from reports.progress_card import bar, duty_name, unit, whole
from reports.words import number, short_day
from storage import deadlines, progress
from storage import race as race_storage
from storage.models import Member, Motion, ResearchTopic, ResearchTrip, StudySession, Team

UPCOMING_DAYS = 7
MAX_LISTED = 10


@dataclass(frozen=True)
class Summary:
    team_name: str
    start: date  # the week's first day
    end: date  # its last day
    today: date
    logged: dict[Duty, Decimal]  # last week's logs by duty
    trips: int
    year_done: dict[Duty, Decimal]  # the team's totals this year
    year_expected: dict[Duty, Decimal]  # what the targets ask for by now, summed
    moved_up: list[tuple[str, int, int]]  # name, from rank, to rank
    upcoming: list[tuple[str, deadlines.Item]]  # owner's name, item
    overdue: list[tuple[str, deadlines.Item]]
    behind: list[tuple[str, list[Duty]]] = field(default_factory=list)  # admins only


def gather(session: Session, team: Team, *, start: date, end: date, today: date, config: Config) -> Summary:
    tz = ZoneInfo(team.timezone)
    members = {m.id: m for m in session.scalars(select(Member).where(
        Member.team_id == team.id, Member.status == MemberStatus.ACTIVE))}
    logged: dict[Duty, Decimal] = {duty: Decimal(0) for duty in Duty}
    spans: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for member_id, first, last in session.execute(select(
            ResearchTrip.member_id, ResearchTrip.start_date, ResearchTrip.end_date).where(
            ResearchTrip.team_id == team.id, ResearchTrip.deleted_at.is_(None),
            ResearchTrip.start_date <= end, ResearchTrip.end_date >= start)):
        spans[member_id].append((first, last))
    logged[Duty.RESEARCH_DAYS] = Decimal(sum(pace.days_covered(s, within=(start, end)) for s in spans.values()))
    trips = sum(len(s) for s in spans.values())
    for kind, n in session.execute(select(StudySession.kind, func.count()).where(
            StudySession.team_id == team.id, StudySession.deleted_at.is_(None),
            StudySession.held_on.between(start, end)).group_by(StudySession.kind)):
        duty = Duty.LAW_STUDY if kind == StudyKind.LAW else Duty.COLLECTIVE_STUDY
        if kind in progress.STUDY_KINDS_FOR[duty]:
            logged[duty] += n
    logged[Duty.KEY_RESEARCH_TOPICS] = Decimal(session.scalar(select(func.count()).select_from(ResearchTopic).where(
        ResearchTopic.team_id == team.id, ResearchTopic.deleted_at.is_(None),
        ResearchTopic.created_at >= _instant(start, tz), ResearchTopic.created_at < _instant(end + timedelta(days=1), tz))) or 0)
    for kind, n in session.execute(select(Motion.kind, func.count()).where(
            Motion.team_id == team.id, Motion.deleted_at.is_(None), Motion.is_key.is_(True),
            Motion.assigned_on.between(start, end)).group_by(Motion.kind)):
        logged[race_storage.KEY_MOTION_DUTY[kind]] += n

    # The week's year, as of its last day: the year holding most of its days (for a Monday–Sunday week, its
    # ISO year), so 21–27 Dec reports 2026, and so does 28 Dec – 3 Jan (as of 31 Dec), not 2027's first days.
    middle = start + timedelta(days=(end - start).days // 2)
    as_of = min(end, today, date(middle.year, 12, 31))
    year = race.Period(race.PeriodKind.YEAR, as_of.year)
    now_scores = race_storage.scores(session, team, year, as_of=as_of, config=config)
    year_done = {duty: Decimal(0) for duty in Duty}
    year_expected = {duty: Decimal(0) for duty in Duty}
    for score in now_scores:
        for term in score.duties:
            year_done[term.duty] += term.done
            year_expected[term.duty] += term.target

    moved_up: list[tuple[str, int, int]] = []
    before = start - timedelta(days=1)
    if before.year == as_of.year and as_of >= year.start:
        now_ranks = {e.member_id: e.rank for e in race.rank(
            race_storage.scores(session, team, year, as_of=as_of, config=config))}
        then_ranks = {e.member_id: e.rank for e in race.rank(
            race_storage.scores(session, team, year, as_of=before, config=config))}
        for member_id, rank in sorted(now_ranks.items(), key=lambda pair: pair[1]):
            earlier = then_ranks.get(member_id)
            if earlier is not None and rank < earlier and member_id in members:
                moved_up.append((members[member_id].display_name, earlier, rank))

    upcoming, overdue = [], []
    for item in deadlines.open_items(session, team):
        owner = members.get(item.member_id)
        if owner is None:
            continue
        if item.due < today:
            overdue.append((owner.display_name, item))
        elif item.due <= today + timedelta(days=UPCOMING_DAYS):
            upcoming.append((owner.display_name, item))

    behind = []
    paces = race_storage.year_paces(session, team, today=as_of, config=config)
    for member in members.values():
        duties = [d.duty for d in paces.get(member.id, []) if d.status != pace.PaceStatus.ON_PACE]
        if duties:
            behind.append((member.display_name, duties))
    return Summary(team.name, start, end, today, logged, trips, year_done, year_expected, moved_up, upcoming,
                   overdue, behind)


def _instant(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def render(t: Translator, summary: Summary, *, names: bool, for_admins: bool) -> str:
    """The summary within one message; the group's version names people only when `names`."""
    lines = [t("📋 Weekly summary · {team} · {start} – {end}").format(
        team=summary.team_name, start=short_day(t, summary.start), end=short_day(t, summary.end)), ""]
    lines.append(t("Logged last week:"))
    logged = [f"  {duty_name(t, duty)} {number(n)} {unit(t, duty, n)}" for duty, n in summary.logged.items() if n]
    if summary.trips:
        logged[0] += " " + t.ngettext("({n} trip)", "({n} trips)", summary.trips).format(n=summary.trips)
    lines += logged or ["  " + t("nothing logged")]
    lines += ["", t("This year so far (done / asked for by now):")]
    for duty in Duty:
        done, expected = summary.year_done[duty], summary.year_expected[duty]
        lines.append(f"  {duty_name(t, duty)} {_shown(done)}/{whole(expected)} {bar(done, expected)}")
    if summary.moved_up:
        lines += ["", t("Moved up in the year's ranking:")]
        if names or for_admins:
            lines += [f"  ↑ {name} {was} → {now}" for name, was, now in summary.moved_up[:MAX_LISTED]]
        else:
            lines.append("  " + t.ngettext("{n} member", "{n} members", len(summary.moved_up)).format(
                n=len(summary.moved_up)))
    for heading, entries in ((t("Due within 7 days:"), summary.upcoming), (t("Overdue:"), summary.overdue)):
        if not entries:
            continue
        lines += ["", f"{heading} {len(entries)}"]
        if names or for_admins:
            for name, item in entries[:MAX_LISTED]:
                mark = MARK[age(item.due, today=summary.today)]
                lines.append(f"  {mark} {name} · {nudge_words.item_words(t, item.kind, nudge_words.title_of(t, item))}"
                             f" · {short_day(t, item.due)}")
            if len(entries) > MAX_LISTED:
                more = len(entries) - MAX_LISTED
                lines.append("  " + t.ngettext("… and {n} more", "… and {n} more", more).format(n=more))
    if for_admins:
        lines += ["", t("Behind pace:")]
        if summary.behind:
            for name, duties in summary.behind[:30]:
                lines.append(f"  {name}: " + ("、" if t.lang == "zh" else ", ").join(duty_name(t, d) for d in duties))
        else:
            lines.append("  " + t("nobody"))
    text = "\n".join(lines)
    return text if len(text) <= 4096 else text[:4095] + "…"


def _shown(value: Decimal) -> str:
    return number(value.quantize(Decimal("0.1")))


def last_week(today: date) -> tuple[date, date]:
    """Monday to Sunday of the week before ``today``'s."""
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(days=7), monday - timedelta(days=1)
