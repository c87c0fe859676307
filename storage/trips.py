"""Queries about grassroots research trips, the key research topics members lead, and the findings
(意见建议) raised on trips as follow-up items moving through their closed loop. Every change is audited."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core import findings, trips
from core.domain import FollowUpStatus, TopicStage
from storage import audit, lookback, outbox, topics
from storage.db import execute_dml
from storage.models import FollowUpItem, Member, ResearchTopic, ResearchTrip

# --- trips ---------------------------------------------------------------------------------------


def log_trip(
    session: Session, *, member: Member, start: date, end: date, places: str, topic: str,
    research_topic_id: int | None, now: datetime,
) -> ResearchTrip:
    """A trip the member logs for themself."""
    trip = ResearchTrip(team_id=member.team_id, member_id=member.id, start_date=start, end_date=end,
                        places=places, topic=topic, research_topic_id=research_topic_id, created_at=now)
    session.add(trip)
    session.flush()
    audit.record(session, action="create", entity="research_trip", entity_id=trip.id, team_id=member.team_id,
                 now=now, actor=member, after={"start": start, "end": end, "places": places, "topic": topic,
                        "research_topic_id": research_topic_id})
    topics.trip_linked(session, research_topic_id, start, actor=member, now=now)
    return trip


def overlaps_same_places(session: Session, *, member_id: int, start: date, end: date, places: str,
                         excluding: int | None = None) -> bool:
    """Whether the member already logged a trip to the same places on any of these days, other than the trip
    `excluding` (the one being corrected)."""
    query = select(func.count()).select_from(ResearchTrip).where(
        ResearchTrip.member_id == member_id,
        ResearchTrip.start_date <= end,
        ResearchTrip.end_date >= start,
        func.lower(func.trim(ResearchTrip.places)) == places.strip().lower(),
        ResearchTrip.deleted_at.is_(None),
    )
    if excluding is not None:
        query = query.where(ResearchTrip.id != excluding)
    return bool(session.scalar(query))


def grassroots_days(session: Session, member_id: int, year: int) -> int:
    """Days at the grassroots in ``year``: the union of the member's trips, so overlapping trips never
    count a day twice; a trip across New Year counts only its days in ``year``."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    spans = session.execute(
        select(ResearchTrip.start_date, ResearchTrip.end_date).where(
            ResearchTrip.member_id == member_id,
            ResearchTrip.start_date <= last,
            ResearchTrip.end_date >= first,
            ResearchTrip.deleted_at.is_(None),
        )
    ).all()
    return trips.grassroots_days(((start, end) for start, end in spans), within=(first, last))


def recent_trips(session: Session, member_id: int, *, limit: int = 10) -> list[ResearchTrip]:
    """The member's latest trips, the most recent first."""
    return list(session.scalars(
        select(ResearchTrip)
        .where(ResearchTrip.member_id == member_id, ResearchTrip.deleted_at.is_(None))
        .order_by(ResearchTrip.start_date.desc(), ResearchTrip.id.desc())
        .limit(limit)
    ))


_Owned = TypeVar("_Owned", ResearchTrip, FollowUpItem)


def _visible(session: Session, model: type[_Owned], member: Member, row_id: int) -> _Owned | None:
    """The trip or finding if this member may act on it: their own, or any of the team's for an admin."""
    query = select(model).where(model.id == row_id, model.team_id == member.team_id, model.deleted_at.is_(None))
    if not member.role.is_admin:
        query = query.where(model.member_id == member.id)
    return session.scalar(query)


def visible_trip(session: Session, member: Member, trip_id: int) -> ResearchTrip | None:
    return _visible(session, ResearchTrip, member, trip_id)


def own_trips(session: Session, member_id: int) -> list[ResearchTrip]:
    """The member's trips not deleted, the latest logged first (for /mine)."""
    return list(session.scalars(
        select(ResearchTrip).where(ResearchTrip.member_id == member_id, ResearchTrip.deleted_at.is_(None))
        .order_by(ResearchTrip.created_at.desc(), ResearchTrip.id.desc())
    ))


def own_trip(session: Session, member_id: int, trip_id: int) -> ResearchTrip | None:
    return session.scalar(select(ResearchTrip).where(
        ResearchTrip.id == trip_id, ResearchTrip.member_id == member_id, ResearchTrip.deleted_at.is_(None)))


def _trip_snapshot(trip: ResearchTrip) -> dict[str, Any]:
    return {"start": trip.start_date, "end": trip.end_date, "places": trip.places, "topic": trip.topic,
            "research_topic_id": trip.research_topic_id}


def change_trip(
    session: Session, trip: ResearchTrip, *, actor: Member, start: date, end: date, places: str, topic: str,
    research_topic_id: int | None, now: datetime,
) -> None:
    before = _trip_snapshot(trip)
    trip.start_date, trip.end_date, trip.places, trip.topic = start, end, places, topic
    trip.research_topic_id = research_topic_id
    audit.record(session, action="update", entity="research_trip", entity_id=trip.id, team_id=trip.team_id,
                 now=now, actor=actor, before=before, after=_trip_snapshot(trip))
    if research_topic_id != before["research_topic_id"]:
        topics.trip_linked(session, research_topic_id, start, actor=actor, now=now)


def delete_trip(session: Session, trip: ResearchTrip, *, actor: Member, now: datetime) -> int:
    """Soft-deletes the trip and the findings raised on it (each audited); returns how many findings."""
    audit.soft_delete(session, trip, entity="research_trip", actor=actor, now=now, before=_trip_snapshot(trip))
    items = findings_of(session, trip.id)
    for item in items:
        _withdraw_nudges(session, item)
        audit.soft_delete(session, item, entity="follow_up_item", actor=actor, now=now,
                          before={"trip_id": trip.id, "content": item.content, "status": item.status.value})
    return len(items)


# --- key research topics (重点调研课题) --------------------------------------------------------------


def add_key_topic(session: Session, *, member: Member, year: int, title: str, now: datetime) -> ResearchTopic:
    """A topic the member leads, at 立项 (it counts at once only where the team counts topics registered)."""
    topic = ResearchTopic(team_id=member.team_id, lead_member_id=member.id, year=year, title=title,
                          created_at=now, stage=TopicStage.REGISTERED)
    topics.set_counts_on(session, topic)
    session.add(topic)
    session.flush()
    audit.record(session, action="create", entity="research_topic", entity_id=topic.id,
                 team_id=member.team_id, now=now, actor=member, after={"year": year, "title": title})
    return topic


def leads_same_topic(session: Session, *, member_id: int, year: int, title: str,
                     excluding: int | None = None) -> bool:
    """Whether the member already leads a key topic of this title in ``year``, other than the topic
    ``excluding`` (the one being corrected)."""
    query = select(func.count()).select_from(ResearchTopic).where(
        ResearchTopic.lead_member_id == member_id,
        ResearchTopic.year == year,
        func.lower(ResearchTopic.title) == title.strip().lower(),
        ResearchTopic.deleted_at.is_(None),
    )
    if excluding is not None:
        query = query.where(ResearchTopic.id != excluding)
    return bool(session.scalar(query))


def key_topics(session: Session, member_id: int, year: int) -> list[ResearchTopic]:
    """The key research topics the member leads in ``year``, in the order they were registered."""
    return list(session.scalars(
        select(ResearchTopic)
        .where(ResearchTopic.lead_member_id == member_id, ResearchTopic.year == year,
               ResearchTopic.deleted_at.is_(None))
        .order_by(ResearchTopic.id)
    ))


def key_topics_of_years(session: Session, member_id: int, years: Iterable[int]) -> list[ResearchTopic]:
    """The key research topics the member leads in any of ``years``, by year, each year's in the order they were
    registered (a trip's draft offers those of the trip's own years)."""
    return list(session.scalars(
        select(ResearchTopic)
        .where(ResearchTopic.lead_member_id == member_id, ResearchTopic.year.in_(sorted(set(years))),
               ResearchTopic.deleted_at.is_(None))
        .order_by(ResearchTopic.year, ResearchTopic.id)
    ))


def key_topic_for_trip(session: Session, member_id: int, topic_id: int, *, start: date,
                       end: date) -> ResearchTopic | None:
    """The member's own topic ``topic_id`` if a trip of ``start``–``end`` may serve it: a topic of a year the
    trip's days fall in (None: another year's, someone else's, deleted or unknown)."""
    topic = own_key_topic(session, member_id, topic_id)
    return topic if topic is not None and topic.year in trips.trip_years(start, end) else None


def key_topics_count(session: Session, member_id: int, year: int) -> int:
    """The member's topics of ``year`` that count (they reached the team's counting stage)."""
    return session.scalar(
        select(func.count()).select_from(ResearchTopic).where(
            ResearchTopic.lead_member_id == member_id, ResearchTopic.year == year,
            ResearchTopic.deleted_at.is_(None), ResearchTopic.counts_on.is_not(None))
    ) or 0


def own_topics(session: Session, member_id: int) -> list[ResearchTopic]:
    """Every key research topic the member registered and did not delete, the latest first (for /mine)."""
    return list(session.scalars(
        select(ResearchTopic)
        .where(ResearchTopic.lead_member_id == member_id, ResearchTopic.deleted_at.is_(None))
        .order_by(ResearchTopic.created_at.desc(), ResearchTopic.id.desc())
    ))


def change_topic(session: Session, topic: ResearchTopic, *, actor: Member, title: str, now: datetime) -> None:
    before = {"year": topic.year, "title": topic.title}
    topic.title = title
    audit.record(session, action="update", entity="research_topic", entity_id=topic.id, team_id=topic.team_id,
                 now=now, actor=actor, before=before, after={"year": topic.year, "title": title})


def delete_topic(session: Session, topic: ResearchTopic, *, actor: Member, now: datetime) -> None:
    """Soft-deletes the topic: it no longer counts; trips linked to it keep the link and show its title."""
    audit.soft_delete(session, topic, entity="research_topic", actor=actor, now=now,
                      before={"year": topic.year, "title": topic.title})


def topic_title(session: Session, topic_id: int) -> str | None:
    return session.scalar(select(ResearchTopic.title).where(ResearchTopic.id == topic_id))


def topic_by_id(session: Session, topic_id: int) -> ResearchTopic | None:
    return session.get(ResearchTopic, topic_id)


def own_key_topic(session: Session, member_id: int, topic_id: int) -> ResearchTopic | None:
    return session.scalar(
        select(ResearchTopic).where(ResearchTopic.id == topic_id, ResearchTopic.lead_member_id == member_id,
                                    ResearchTopic.deleted_at.is_(None))
    )


# --- findings and their follow-up ------------------------------------------------------------------


def add_finding(
    session: Session, *, member: Member, trip: ResearchTrip, content: str, department: str | None,
    feedback_due: date, now: datetime,
) -> FollowUpItem:
    """One opinion raised on the trip; with a department it is assigned (交办) at once."""
    status = findings.initial_status(department)
    item = FollowUpItem(team_id=trip.team_id, trip_id=trip.id, member_id=trip.member_id, content=content,
                        department=department or None, status=status, feedback_due=feedback_due,
                        assigned_at=now if status is FollowUpStatus.ASSIGNED else None, created_at=now)
    session.add(item)
    session.flush()
    audit.record(session, action="create", entity="follow_up_item", entity_id=item.id, team_id=trip.team_id,
                 now=now, actor=member,
                 after={"trip_id": trip.id, "content": content, "department": department or None,
                        "status": status.value, "feedback_due": feedback_due})
    return item


def has_finding(session: Session, *, trip_id: int, content: str) -> bool:
    found = session.scalar(
        select(func.count()).select_from(FollowUpItem).where(
            FollowUpItem.trip_id == trip_id,
            func.lower(FollowUpItem.content) == content.strip().lower(),
            FollowUpItem.deleted_at.is_(None),
        )
    )
    return bool(found)


def findings_of(session: Session, trip_id: int) -> list[FollowUpItem]:
    return list(session.scalars(
        select(FollowUpItem).where(FollowUpItem.trip_id == trip_id, FollowUpItem.deleted_at.is_(None))
        .order_by(FollowUpItem.id)
    ))


def finding_counts(session: Session, trip_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Per trip: (findings, of which not closed yet)."""
    ids = list(trip_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(FollowUpItem.trip_id, func.count(),
               func.count().filter(FollowUpItem.status != FollowUpStatus.CLOSED))
        .where(FollowUpItem.trip_id.in_(ids), FollowUpItem.deleted_at.is_(None))
        .group_by(FollowUpItem.trip_id)
    ).all()
    return {trip_id: (total, still_open) for trip_id, total, still_open in rows}


def visible_item(session: Session, member: Member, item_id: int) -> FollowUpItem | None:
    return _visible(session, FollowUpItem, member, item_id)


_STAMP = {
    FollowUpStatus.ASSIGNED: "assigned_at",
    FollowUpStatus.HANDLED: "handled_at",
    FollowUpStatus.FED_BACK: "fed_back_at",
    FollowUpStatus.CLOSED: "closed_at",
}


def advance(
    session: Session, *, item: FollowUpItem, target: FollowUpStatus, actor: Member, now: datetime,
    department: str | None = None, note: str | None = None,
) -> findings.StepProblem | None:
    """Moves the item one step on (compare-and-set on its status, so two presses move it once).

    Returns why it cannot, or None when it moved; assigning sets the department, feeding back the
    result note."""
    current = item.status
    problem = findings.check_step(current, target, department=department, note=note)
    if problem is not None:
        return problem
    values: dict[str, Any] = {"status": target, _STAMP[target]: now}
    if target is FollowUpStatus.ASSIGNED:
        values["department"] = (department or "").strip()
    if target is FollowUpStatus.FED_BACK:
        values["result_note"] = (note or "").strip()
    moved = execute_dml(session, update(FollowUpItem)
        .where(FollowUpItem.id == item.id, FollowUpItem.status == current, FollowUpItem.deleted_at.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not moved:
        session.refresh(item)  # someone moved it first: show it as it stands
        return findings.StepProblem.NOT_NEXT
    session.refresh(item)
    if target in (FollowUpStatus.FED_BACK, FollowUpStatus.CLOSED):  # answered: its queued nudges go
        _withdraw_nudges(session, item)
    after = {k: (v.value if isinstance(v, FollowUpStatus) else v) for k, v in values.items()}
    audit.record(session, action=f"follow_up_{target.value}", entity="follow_up_item", entity_id=item.id,
                 team_id=item.team_id, now=now, actor=actor, before={"status": current.value}, after=after)
    if target is FollowUpStatus.CLOSED:  # 回头看 in some months
        lookback.open_round(session, team_id=item.team_id, kind=lookback.FOLLOWUP, item_id=item.id,
                            owner_id=item.member_id, now=now)
    return None


def _withdraw_nudges(session: Session, item: FollowUpItem) -> None:
    outbox.withdraw_item(session, team_id=item.team_id, kind="followup", item_id=item.id,
                         member_id=item.member_id)


def open_follow_ups(session: Session, member_id: int) -> list[FollowUpItem]:
    """The member's findings not closed yet, the soonest feedback due first (undated last)."""
    return list(session.scalars(
        select(FollowUpItem)
        .where(FollowUpItem.member_id == member_id, FollowUpItem.status != FollowUpStatus.CLOSED,
               FollowUpItem.deleted_at.is_(None))
        .order_by(FollowUpItem.feedback_due.is_(None), FollowUpItem.feedback_due, FollowUpItem.id)
    ))
