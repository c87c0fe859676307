"""Study on both backends: a member's own log and the office's team session of the same duty on the same
day and topic are one session (merged on the tick, given back on the untick); other duties, days and
topics are left alone."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from config import Config
from core.clock import ManualClock
from core.domain import Duty, MemberStatus, Role, StudyKind
from storage import ledger, members, onboarding, study
from storage.db import Database
from storage.models import AuditEntry, Member, StudySession
from storage.progress import STUDY_KINDS_FOR

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 21, 10, tzinfo=SHANGHAI)
DAY = date(2026, 11, 18)


def _log(session, who: Member, kind: StudyKind, day: date = DAY) -> StudySession:  # type: ignore[no-untyped-def]
    return study.log_own(session, member=who, kind=kind, held_on=day, starts_at=None, hours=Decimal(2),
                         topic="全会精神", now=NOW)


def test_an_own_log_merges_into_the_team_session_of_the_same_duty_and_comes_back(db: Database,
                                                                                clock: ManualClock) -> None:
    with db.session() as session:
        new = onboarding.create_team(session, name="省政府党组", admin_telegram_id=900, group_chat_id=None,
                                     config=Config(), now=clock.now())
        zhang = members.add(session, team=new.team, telegram_user_id=1001, display_name="张三", username=None,
                            role=Role.MEMBER, status=MemberStatus.ACTIVE, now=NOW, joined_on=date(2026, 1, 1))
        collective = _log(session, zhang, StudyKind.COLLECTIVE)
        law = _log(session, zhang, StudyKind.LAW)  # another duty: stays
        other_day = _log(session, zhang, StudyKind.COLLECTIVE, date(2026, 11, 17))  # another day: stays
        other_topic = study.log_own(session, member=zhang, kind=StudyKind.COLLECTIVE, held_on=DAY, starts_at=None,
                                    hours=Decimal(2), topic="宪法", now=NOW)  # another session that day: stays
        own_self = _log(session, zhang, StudyKind.SELF_STUDY)
        office = study.record_for_team(session, admin=new.owner, kind=StudyKind.THEORY_GROUP, held_on=DAY,
                                       starts_at=None, hours=Decimal(3), topic="二十届四中全会精神", now=NOW)
        for own, office_of_it in ((collective, office), (law, None), (own_self, None), (other_day, None)):
            assert study.team_session_for(session, team_id=new.team.id, own=study.sitting(own)) == office_of_it
        assert study.logged_themselves(session, study=office) == [zhang.id]  # told before the tick
        assert study.toggle_attendance(session, study=office, member_id=zhang.id, admin=new.owner, now=NOW)
        merged = study.merge_own_records(session, study=office, member_id=zhang.id, admin=new.owner, now=NOW)
        assert merged == [collective]
        assert (collective.deleted_at is not None, collective.merged_into_session_id) == (True, office.id)
        assert law.deleted_at is None and other_day.deleted_at is None and own_self.deleted_at is None
        assert other_topic.deleted_at is None
        kinds = STUDY_KINDS_FOR[Duty.COLLECTIVE_STUDY]
        assert study.attended_count(session, member_id=zhang.id, kinds=kinds, start=DAY, end=DAY) == 2
        assert sorted(s.id for s in ledger.study_sessions(session, new.team.id, 2026)) == sorted(
            [law.id, other_day.id, other_topic.id, own_self.id, office.id])
        assert session.scalar(select(AuditEntry.action).where(AuditEntry.entity_id == collective.id)
                              .order_by(AuditEntry.id.desc()).limit(1)) == "merge"
        assert study.logged_themselves(session, study=office) == []  # merged: nothing left to tell
        # A second log of it by the member: attendance already there, nothing added.
        assert not study.attend_team_session(session, study=office, member=zhang, now=NOW)
        assert not study.toggle_attendance(session, study=office, member_id=zhang.id, admin=new.owner, now=NOW)
        assert study.unmerge_own_records(session, study=office, member_id=zhang.id, admin=new.owner, now=NOW) == 1
        assert collective.deleted_at is None and collective.merged_into_session_id is None
        assert study.attended_count(session, member_id=zhang.id, kinds=kinds, start=DAY, end=DAY) == 2
        assert study.attend_team_session(session, study=office, member=zhang, now=NOW)
