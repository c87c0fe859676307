"""The whole domain as SQLAlchemy 2 typed models (DESIGN.md): teams and people, the duties members log,
the closed loops they move through, targets, and the machinery (outbox, broadcasts, audit, persistence).

Instants are stored in UTC (`UTCDateTime` hands back aware datetimes on every backend); calendar days
are `Date`s. Enums are stored as their string values so SQLite and PostgreSQL agree.

Unlike the rest of the code, this module's annotations are evaluated as each class is made (no `from __future__
import annotations`; a class named before it is defined is quoted): SQLAlchemy reads every `Mapped[...]` then,
and evaluating ~600 annotation strings instead cost ~10 ms of each start (bench/bench_startup.py).
"""

import enum
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from core.domain import (
    AssignmentStatus,
    BroadcastStatus,
    Duty,
    FollowUpStatus,
    Language,
    LeaveKind,
    MemberStatus,
    MotionKind,
    MotionStatus,
    OutboxStatus,
    ResultClass,
    Role,
    Satisfaction,
    StudyKind,
    TopicStage,
)
from core.lookback import Result as LookbackResult
from core.tasks import deadline_in_force

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC; SQLite keeps them naive, PostgreSQL as timestamptz."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(
        cls,
        native_enum=False,
        create_constraint=True,
        length=24,
        values_callable=lambda members: [m.value for m in members],
        name=cls.__name__.lower(),
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), Decimal: Numeric(8, 2)}


# --- Teams and people ---------------------------------------------------------------------------


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    language: Mapped[Language] = mapped_column(_enum(Language), default=Language.ZH)
    group_chat_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    show_names_in_race: Mapped[bool] = mapped_column(Boolean, default=True)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    # When the scheduling tick next looks at the team's day-granular work (pace, boards, the weekly
    # summary, broadcasts): storage/next_nudge.py keeps it; earlier than necessary only costs work.
    next_check_at: Mapped[datetime | None] = mapped_column(index=True)

    members: Mapped[list["Member"]] = relationship(back_populates="team")


class Member(Base):
    """A person in one team. The same Telegram user may belong to several teams."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("team_id", "telegram_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    display_name: Mapped[str] = mapped_column(String(128))
    username: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[Language] = mapped_column(_enum(Language), default=Language.ZH)
    role: Mapped[Role] = mapped_column(_enum(Role), default=Role.MEMBER)
    status: Mapped[MemberStatus] = mapped_column(_enum(MemberStatus), default=MemberStatus.ACTIVE)
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    unreachable_since: Mapped[datetime | None]
    joined_on: Mapped[date | None] = mapped_column(Date)  # first opened the bot: NOT when their duty starts
    # 任职日期 / 离任日期 as the office records them: the only dates that pro-rate a member's targets
    # (None: since before the year / still in office).
    took_office_on: Mapped[date | None] = mapped_column(Date)
    left_office_on: Mapped[date | None] = mapped_column(Date)
    # In the race (赛马): owes the quotas, is ranked and nudged on pace. The office (the admin named by
    # `team create --admin`) is not, unless the owner puts a leader who also administers in the race.
    races: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    invite_id: Mapped[int | None] = mapped_column(ForeignKey("invites.id"))
    created_at: Mapped[datetime]
    removed_at: Mapped[datetime | None]

    team: Mapped[Team] = relationship(back_populates="members", lazy="joined")


class Invite(Base):
    """An invite code behind a `t.me/<bot>?start=<code>` link."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(_enum(Role), default=Role.MEMBER)
    created_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", use_alter=True))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    max_uses: Mapped[int | None] = mapped_column(Integer)  # None = unlimited; 1 = single use
    uses: Mapped[int] = mapped_column(Integer, default=0)
    revoked_at: Mapped[datetime | None]


class LeavePeriod(Base):
    """Approved leave (请假 / 出国 / 脱产学习): pauses the member's pace."""

    __tablename__ = "leave_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[LeaveKind] = mapped_column(_enum(LeaveKind))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(200))
    recorded_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime]


class Target(Base):
    """A yearly target: the team's (member_id is None) or one member's override."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("team_id", "member_id", "year", "duty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    year: Mapped[int] = mapped_column(Integer)
    duty: Mapped[Duty] = mapped_column(_enum(Duty))
    value: Mapped[Decimal]  # the year's target (= the 4th quarter's cumulative target)
    # 季目标 set by the team: cumulative targets at the end of Q1, Q2 and Q3 (None: the year spread evenly)
    q1: Mapped[Decimal | None]
    q2: Mapped[Decimal | None]
    q3: Mapped[Decimal | None]


class TeamCalendarDay(Base):
    """The office's correction of the national calendar for its team: a day off or a working day."""

    __tablename__ = "team_calendar_days"
    __table_args__ = (UniqueConstraint("team_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]


# --- Research trips and their findings ----------------------------------------------------------


class ResearchTopic(Base):
    """A key research topic (重点调研课题) a member leads in a year."""

    __tablename__ = "research_topics"
    __table_args__ = (Index("ix_research_topics_team_counts_on", "team_id", "counts_on"),)  # the board's month

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    lead_member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    concluded_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]
    # Its stage (core/topics.py) and the day it reached each; counts_on: the day it counts towards its year's
    # quota (it reached the team's counting stage), None while it does not: what month_totals count.
    # (no CHECK of the values: SQLite could not drop the column in place on a downgrade)
    stage: Mapped[TopicStage] = mapped_column(
        Enum(TopicStage, native_enum=False, create_constraint=False, length=24,
             values_callable=lambda members: [m.value for m in members], name="topicstage"),
        default=TopicStage.REGISTERED)
    research_started_on: Mapped[date | None] = mapped_column(Date)
    report_title: Mapped[str | None] = mapped_column(String(200))
    report_file_id: Mapped[str | None] = mapped_column(String(200))
    report_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(1000))
    outcome_on: Mapped[date | None] = mapped_column(Date)
    counts_on: Mapped[date | None] = mapped_column(Date)


class ResearchTrip(Base):
    """A grassroots research trip (下基层调研); days count as the union of a member's trips."""

    __tablename__ = "research_trips"
    __table_args__ = (Index("ix_research_trips_member_dates", "member_id", "start_date"),
                      Index("ix_research_trips_team_end", "team_id", "end_date"))  # the board's rest of a month

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    places: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(200))
    research_topic_id: Mapped[int | None] = mapped_column(ForeignKey("research_topics.id"))
    created_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]

    follow_ups: Mapped[list["FollowUpItem"]] = relationship(back_populates="trip")


class FollowUpItem(Base):
    """A grassroots opinion (意见建议) turned into an item to handle and feed back by a due date."""

    __tablename__ = "follow_up_items"
    # the boards' deadline counts (storage.race.deadline_tallies, migration 0018), and every query by team
    __table_args__ = (Index("ix_follow_up_items_team_deadline", "team_id", "feedback_due", "fed_back_at", "member_id",
                            "deleted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))  # indexed first in ix_follow_up_items_team_deadline
    trip_id: Mapped[int] = mapped_column(ForeignKey("research_trips.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    content: Mapped[str] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[FollowUpStatus] = mapped_column(_enum(FollowUpStatus), default=FollowUpStatus.RAISED)
    feedback_due: Mapped[date | None] = mapped_column(Date)
    assigned_at: Mapped[datetime | None]
    handled_at: Mapped[datetime | None]
    fed_back_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    result_note: Mapped[str | None] = mapped_column(Text)
    snoozed_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]
    next_nudge_at: Mapped[datetime | None] = mapped_column(index=True)  # storage/next_nudge.py; None: closed

    trip: Mapped[ResearchTrip] = relationship(back_populates="follow_ups")


# --- Study ---------------------------------------------------------------------------------------


class StudySession(Base):
    """A study session; collective ones are recorded once and credited through attendance."""

    __tablename__ = "study_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    kind: Mapped[StudyKind] = mapped_column(_enum(StudyKind))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    starts_at: Mapped[datetime | None]
    hours: Mapped[Decimal]
    topic: Mapped[str] = mapped_column(String(200))
    recorded_by_member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    # A team session the office recorded once (/session), attendance ticked; else a member's own log.
    for_team: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # A member's own record that became their attendance of this team session (one session, one count).
    merged_into_session_id: Mapped[int | None] = mapped_column(ForeignKey("study_sessions.id"))
    created_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]

    attendance: Mapped[list["StudyAttendance"]] = relationship(back_populates="session")


class StudyAttendance(Base):
    __tablename__ = "study_attendance"

    session_id: Mapped[int] = mapped_column(ForeignKey("study_sessions.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True, index=True)
    created_at: Mapped[datetime]

    session: Mapped[StudySession] = relationship(back_populates="attendance")


# --- Suggestions and proposals ------------------------------------------------------------------


class Motion(Base):
    """An NPC suggestion (建议) or CPPCC proposal (提案) a member leads (领办)."""

    __tablename__ = "motions"
    __table_args__ = (
        Index("ix_motions_team_assigned", "team_id", "assigned_on"),  # the board's rest of a month
        # the boards' deadline counts (storage.race.deadline_tallies, migration 0018): the index alone is read
        Index("ix_motions_team_deadline", "team_id", "reply_due", "replied_on", "lead_member_id", "deleted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))  # indexed first in ix_motions_team_assigned
    kind: Mapped[MotionKind] = mapped_column(_enum(MotionKind))
    number: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    is_key: Mapped[bool] = mapped_column(Boolean, default=False)
    lead_member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    assigned_on: Mapped[date] = mapped_column(Date)
    reply_due: Mapped[date] = mapped_column(Date)
    status: Mapped[MotionStatus] = mapped_column(_enum(MotionStatus), default=MotionStatus.ASSIGNED)
    replied_on: Mapped[date | None] = mapped_column(Date)
    result_class: Mapped[ResultClass | None] = mapped_column(_enum(ResultClass))
    satisfaction: Mapped[Satisfaction | None] = mapped_column(_enum(Satisfaction))
    reopened: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # times 不满意 sent it back
    snoozed_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]
    next_nudge_at: Mapped[datetime | None] = mapped_column(index=True)  # storage/next_nudge.py; None: closed


# --- Supervised tasks (督办) ---------------------------------------------------------------------


class Task(Base):
    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[datetime] = mapped_column(index=True)
    created_by_member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    attachment_file_id: Mapped[str | None] = mapped_column(String(200))
    attachment_kind: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]

    assignments: Mapped[list["TaskAssignment"]] = relationship(back_populates="task")


class TaskAssignment(Base):
    """One assignee's side of a task: they report done; only an admin confirms closure or returns it."""

    __tablename__ = "task_assignments"
    __table_args__ = (UniqueConstraint("task_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))  # indexed first in the unique (task, member)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    status: Mapped[AssignmentStatus] = mapped_column(
        _enum(AssignmentStatus), default=AssignmentStatus.ASSIGNED
    )
    reported_at: Mapped[datetime | None]
    report_note: Mapped[str | None] = mapped_column(Text)
    evidence_file_id: Mapped[str | None] = mapped_column(String(200))
    evidence_kind: Mapped[str | None] = mapped_column(String(16))
    closed_at: Mapped[datetime | None]
    closed_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    returned_reason: Mapped[str | None] = mapped_column(Text)
    returned_at: Mapped[datetime | None]
    snoozed_until: Mapped[datetime | None]
    next_nudge_at: Mapped[datetime | None] = mapped_column(index=True)  # storage/next_nudge.py; None: closed
    signed_at: Mapped[datetime | None]  # 签收
    planned_at: Mapped[datetime | None]  # when the assignee proposed a plan (对接问诊)
    plan_date: Mapped[date | None]  # the day the plan promises
    due_at: Mapped[datetime | None]  # this assignee's deadline once an extension (or 回头看 reopening it) moved it; None: the task's

    task: Mapped[Task] = relationship(back_populates="assignments")

    @property
    def due(self) -> datetime:
        """This assignee's deadline in force (core.tasks.deadline_in_force)."""
        return deadline_in_force(self.due_at, self.task.due_at)


class TaskRequest(Base):
    """An assignee's question, plan or extension request (延期申请) on an assignment, and the office's
    answer (core.tasks.RequestKind, RequestState)."""

    __tablename__ = "task_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("task_assignments.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # question | plan | extension
    text: Mapped[str] = mapped_column(Text)
    proposed_date: Mapped[date | None]  # a plan's day, an extension's new deadline
    old_due_at: Mapped[datetime | None]  # an approved extension: the deadline it moved
    answer: Mapped[str | None] = mapped_column(Text)  # the office's answer, or its reason to refuse
    state: Mapped[str] = mapped_column(String(16))  # open | answered | approved | refused
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime]
    answered_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    answered_at: Mapped[datetime | None]


# --- Messages the bot sends on its own ----------------------------------------------------------


class OutboxMessage(Base):
    """One message to send, exactly once: `key` is unique per message (e.g. `nudge:task:41:member:7:T-1`).

    `team_id` and `member_id` name the team and member without foreign keys: the day's first tick writes ~10,000
    rows in one INSERT, and the two checks a row were a third of it (migration 0017_tick_writes); teams and
    members are never deleted."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "not_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    team_id: Mapped[int | None] = mapped_column(index=True)
    member_id: Mapped[int | None]
    chat_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)  # may be sent in quiet hours
    retry_unknown: Mapped[bool] = mapped_column(Boolean, default=False)  # at-least-once on timeouts
    not_before: Mapped[datetime]
    status: Mapped[OutboxStatus] = mapped_column(_enum(OutboxStatus), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    # Set just before the request leaves: a claim that died with this unset was never sent.
    send_started_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]


class Broadcast(Base):
    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    created_by_member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    text: Mapped[str] = mapped_column(Text)
    file_id: Mapped[str | None] = mapped_column(String(200))
    file_kind: Mapped[str | None] = mapped_column(String(16))
    audience: Mapped[dict[str, Any]] = mapped_column(default=dict)
    send_at: Mapped[datetime | None]
    recurrence: Mapped[str | None] = mapped_column(String(64))  # e.g. "weekly:monday:09:00"
    status: Mapped[BroadcastStatus] = mapped_column(_enum(BroadcastStatus), default=BroadcastStatus.DRAFT)
    report_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    report_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class BroadcastOccurrence(Base):
    """One sending of a broadcast (0 for a one-off; the k-th weekly slot of a recurring one), made once by
    whichever tick gets there first, with the sender's delivery report message that is edited in place."""

    __tablename__ = "broadcast_occurrences"
    __table_args__ = (UniqueConstraint("broadcast_id", "occurrence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id"), index=True)
    occurrence: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime]
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    report_message_id: Mapped[int | None] = mapped_column(BigInteger)
    report_shown: Mapped[str | None] = mapped_column(String(64))  # the counts the report shows now
    renudges: Mapped[int] = mapped_column(Integer, default=0)  # "Re-nudge unread" presses taken
    created_at: Mapped[datetime]


class BroadcastReceipt(Base):
    """One recipient of one occurrence of a broadcast: delivered, read (已阅), unreachable or failed."""

    __tablename__ = "broadcast_receipts"
    __table_args__ = (UniqueConstraint("broadcast_id", "occurrence", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id"), index=True)
    occurrence: Mapped[int] = mapped_column(Integer, default=0)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
    delivered_at: Mapped[datetime | None]
    read_at: Mapped[datetime | None]
    failed_reason: Mapped[str | None] = mapped_column(String(200))


class RaceSnapshot(Base):
    """A member's score and rank for a closed period, kept to show movement (↑2 ↓1)."""

    __tablename__ = "race_snapshots"
    __table_args__ = (UniqueConstraint("team_id", "period", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    period: Mapped[str] = mapped_column(String(16))  # "2026-11", "2026-Q4", "2026"
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[Decimal]
    created_at: Mapped[datetime]


class MonthTotal(Base):
    """What a member did of each counted duty in one month of the team's calendar (storage/totals.py keeps
    it, in the same transaction as every change to the records it counts): the race boards and the weekly
    summary add months up instead of reading every record of the period. Months with nothing are no row."""

    __tablename__ = "month_totals"
    # covers what a board sums over a period's months (migration 0016): the index alone is read
    __table_args__ = (Index("ix_month_totals_team_month_sums", "team_id", "month", "member_id", "research_days",
                            "key_research_topics", "collective_study", "law_study", "key_suggestions",
                            "key_proposals"),)

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)  # its first day
    research_days: Mapped[int] = mapped_column(Integer, default=0)
    key_research_topics: Mapped[int] = mapped_column(Integer, default=0)
    collective_study: Mapped[int] = mapped_column(Integer, default=0)
    law_study: Mapped[int] = mapped_column(Integer, default=0)
    key_suggestions: Mapped[int] = mapped_column(Integer, default=0)
    key_proposals: Mapped[int] = mapped_column(Integer, default=0)


class AuditEntry(Base):
    """Who changed what and when (`before`/`after` are JSON snapshots of the changed fields)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    actor_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    actor_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(48))
    entity: Mapped[str] = mapped_column(String(48))
    entity_id: Mapped[int | None] = mapped_column(BigInteger)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(index=True)


# --- python-telegram-bot persistence ------------------------------------------------------------


class PersistedScope(enum.StrEnum):
    """`PersistedState.scope` of PTB's own data (storage/persistence.py): a user's, a chat's (keyed by its
    Telegram id) and the bot's."""

    USER = "user"
    CHAT = "chat"
    BOT = "bot"


class PersistedState(Base):
    """PTB's user/chat/bot data and conversation states, written through on every change.

    `scope` is `user`, `chat`, `bot`, `callback` or `conversation:<name>` (PTB's ConversationHandler's,
    none since migration 0008: the conversation state is in user data); `key` is the id or the
    conversation key as JSON.
    """

    __tablename__ = "persisted_state"

    scope: Mapped[str] = mapped_column(String(80), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    data: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime]


# --- a draft's Confirm, consumed once -----------------------------------------------------------


class Confirmation(Base):
    """A draft's confirmation token, written in the same transaction as the record its Confirm made, so a
    doubled or replayed press (after a crash, before the card changed) finds it and makes nothing new.

    `token` is the draft's own id (handlers/forms.py, handlers/broadcast.py); `entity` and `entity_id`
    name what was made (the id when the flow knows it)."""

    __tablename__ = "confirmations"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None]
    created_at: Mapped[datetime]


# --- 回头看: closed items come back ------------------------------------------------------------------


class Lookback(Base):
    """One round of 回头看 of a closed item (core/lookback.py): when it comes back, when the owner was asked,
    reminded, and the office told, and the owner's answer. `next_at` is when the job next looks at it (NULL:
    nothing left to do); a new row has it at its closing instant, so the next check works out `due_at`."""

    __tablename__ = "lookbacks"
    __table_args__ = (UniqueConstraint("item_kind", "item_id", "round"),
                      Index("ix_lookbacks_team_next", "team_id", "next_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    item_kind: Mapped[str] = mapped_column(String(16))  # core.outbox_keys.ItemKind: task (an assignment), followup, motion
    item_id: Mapped[int] = mapped_column(Integer)
    owner_member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    round: Mapped[int] = mapped_column(Integer, default=1)
    closed_at: Mapped[datetime]
    due_at: Mapped[datetime | None] = mapped_column(index=True)
    next_at: Mapped[datetime | None]
    asked_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    result: Mapped[LookbackResult | None] = mapped_column(_enum(LookbackResult))
    note: Mapped[str | None] = mapped_column(Text)
    answered_by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    dropped: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")  # reopened before it came back


# --- the year-end evaluation (年末有考评) ---------------------------------------------------------


class Evaluation(Base):
    """The office's 评价 of one racing member for one year: a grade from the configured list and a comment,
    who recorded it and when; `published_at` set once the office publishes the team's evaluation (then the
    member sees their own, privately, and it no longer changes)."""

    __tablename__ = "evaluations"
    __table_args__ = (UniqueConstraint("team_id", "year", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    year: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    grade: Mapped[str | None] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    by_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    at: Mapped[datetime]
    published_at: Mapped[datetime | None]


# --- The team's own duties ------------------------------------------------------------------------


class TeamDuty(Base):
    """A duty a team adds beyond the six built in (接访下访 days, 基层联系点 visits, 第一议题 study): its unit,
    the yearly target every racing member owes and its weight in the race. Retired (`retired_at`): no
    longer logged, asked or scored; its entries stay in the ledger."""

    __tablename__ = "team_duties"
    __table_args__ = (UniqueConstraint("team_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    name: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str] = mapped_column(String(8))
    yearly_target: Mapped[Decimal]
    weight: Mapped[Decimal]
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]


class TeamDutyEntry(Base):
    """One entry a member logged on a team duty (`/log 接访下访 1 11月20日 …`): the day, how much, a note."""

    __tablename__ = "team_duty_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    duty_id: Mapped[int] = mapped_column(ForeignKey("team_duties.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal]
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]
