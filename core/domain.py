"""The domain's vocabulary: roles, duties, kinds and the states of every closed loop (DESIGN.md).

Plain enums with string values, shared by the pure rules in core/ and the models in storage/.
"""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"

    @property
    def is_admin(self) -> bool:
        return self in (Role.OWNER, Role.ADMIN)


class MemberStatus(enum.StrEnum):
    PENDING = "pending"  # named by an admin (e.g. `team create --admin`) but not yet opened the bot
    ACTIVE = "active"
    REMOVED = "removed"  # keeps their records, ends their access


class Language(enum.StrEnum):
    ZH = "zh"
    EN = "en"


class LeaveKind(enum.StrEnum):
    LEAVE = "leave"  # 请假
    ABROAD = "abroad"  # 出国
    TRAINING = "training"  # 脱产学习


class Duty(enum.StrEnum):
    """The yearly duties with targets (DESIGN.md's table)."""

    RESEARCH_DAYS = "research_days"
    KEY_RESEARCH_TOPICS = "key_research_topics"
    COLLECTIVE_STUDY = "collective_study"
    LAW_STUDY = "law_study"
    KEY_SUGGESTIONS = "key_suggestions"
    KEY_PROPOSALS = "key_proposals"


class FollowUpStatus(enum.StrEnum):
    """A grassroots opinion's closed loop: raised → assigned → handled → fed back → closed."""

    RAISED = "raised"
    ASSIGNED = "assigned"
    HANDLED = "handled"
    FED_BACK = "fed_back"
    CLOSED = "closed"


class StudyKind(enum.StrEnum):
    COLLECTIVE = "collective"  # 集体学习
    LAW = "law"  # 集体学法
    THEORY_GROUP = "theory_group"  # 理论学习中心组
    SELF_STUDY = "self_study"  # 自学


class MotionKind(enum.StrEnum):
    SUGGESTION = "suggestion"  # 人大建议
    PROPOSAL = "proposal"  # 政协提案


class MotionStatus(enum.StrEnum):
    ASSIGNED = "assigned"
    HANDLING = "handling"
    REPLIED = "replied"
    CLOSED = "closed"


class ResultClass(enum.StrEnum):
    A = "A"  # solved / adopted
    B = "B"  # planned
    C = "C"  # explained


class Satisfaction(enum.StrEnum):
    SATISFIED = "satisfied"  # 满意
    BASICALLY = "basically"  # 基本满意
    UNSATISFIED = "unsatisfied"  # 不满意 (reopens handling)


class AssignmentStatus(enum.StrEnum):
    """A supervised task per assignee: assigned → reported done → closed (销账) or returned."""

    ASSIGNED = "assigned"
    REPORTED = "reported"
    CLOSED = "closed"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class BroadcastStatus(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


class TopicStage(enum.StrEnum):
    """A key research topic's stages (重点调研课题), in order: 立项 → 调研中 → 形成报告 → 成果转化."""

    REGISTERED = "registered"  # 立项
    RESEARCHING = "researching"  # 调研中
    REPORT = "report"  # 形成报告
    OUTCOME = "outcome"  # 成果转化
