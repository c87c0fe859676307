"""What a member's 年度清单 (the year's list, 年初有清单) names, read for the first working day of the year: the
year's targets per duty (pro-rated on 任职 dates like the race), the key research topics and key suggestions or
proposals the member leads this year (often none yet), and the items still open from before (结转事项)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Config
from core import pace
from core.domain import MemberStatus
from storage.models import Member, Motion, ResearchTopic
from storage.progress import YearProgress, year_progress


@dataclass(frozen=True)
class MemberList:
    """What one member's 年度清单 names: their targets and open items, and the key topics and key
    motions they lead."""

    member: Member
    progress: YearProgress  # as of the list's day: targets, and the open items carried over
    key_topics: list[str]  # titles of the key research topics registered for the year
    key_motions: list[Motion]  # key suggestions and proposals led, assigned in the year


def racing_members(session: Session, team_id: int, year: int) -> list[Member]:
    """The team's active members who race in ``year`` (the office owes no quota; nor does anyone not in office in
    the year, `core.pace.in_office_during`), in the order they joined."""
    return [member for member in session.scalars(select(Member).where(
        Member.team_id == team_id, Member.status == MemberStatus.ACTIVE, Member.races.is_(True)).order_by(Member.id))
        if pace.in_office_during(year, member.took_office_on, member.left_office_on)]


def member_list(session: Session, member: Member, *, day: date, config: Config) -> MemberList:
    year = day.year
    topics = list(session.scalars(select(ResearchTopic.title).where(
        ResearchTopic.lead_member_id == member.id, ResearchTopic.year == year, ResearchTopic.deleted_at.is_(None))
        .order_by(ResearchTopic.id)))
    led = list(session.scalars(select(Motion).where(
        Motion.lead_member_id == member.id, Motion.is_key.is_(True), Motion.deleted_at.is_(None),
        Motion.assigned_on.between(date(year, 1, 1), date(year, 12, 31))).order_by(Motion.assigned_on, Motion.id)))
    return MemberList(member, year_progress(session, member, today=day, config=config), topics, led)

