"""Deadline nudges, the admins' 约谈提醒 and pace nudges: idempotent steps of the scheduling tick
(jobs/schedule.py) that work out from the database what is due now and enqueue it in the outbox.

Deadline nudges, for motions' replies (reply_due), findings' feedback (feedback_due) and supervised
task assignments (the task's due day in team time): at each `schedule.nudge_offsets_days` before the
due day (0 = the due day), then every `schedule.overdue_repeat_days` while overdue. Keys:

    nudge:motion:41:member:7:T-3:due:2026-11-27         nudge:motion:41:member:7:overdue:2026-11-21

(a due-soon stage carries its due day, so when a deadline moves — an extension, a motion's new reply date —
the nudges for the new day are new ones and go out once each, not swallowed by the old day's keys)
    nudge:task:5:member:7:snoozed:202611221030    (the reminder when a snooze ends)

No due-soon nudge (T-n, the due day) and no escalation within a day of the item's assignment in the bot (the
motion's or the task's creation, the finding's 交办): a task assigned today due in two days gets its first nudge
a day later, and a motion logged after the fact, months overdue, is not taken to the admins while its owner
records its reply.
Each tick enqueues only the latest stage that has fallen due for an item, and only at an allowed
time (outside quiet hours, on a working day), so after downtime, a night or a weekend the member gets
one nudge (the current one), never one per missed day. A snoozed item gets nothing until
its snooze ends, then one reminder. Items no longer open are not nudged: closing one (or snoozing it)
withdraws its queued nudges in that transaction (storage/next_nudge.py's session event), and the tick
withdraws them for an item it finds closed by a bulk UPDATE. The tick sees only items whose next-nudge
instant has come (jobs/schedule.py) and moves each instant on.

Escalation: an item overdue `schedule.escalate_after_days_overdue` days or more, and assigned in the bot a day
ago or more → one message to each of the team's admins, once per item (`escalate:motion:41:member:7:admin:3`).

Pace nudges: a member behind pace on duties (core.pace) → one private message saying, per duty, what
closes the gap by the quarter's end, key `pace:<member>:<ISO week>:<duty>,<duty>`; a duty is left out
while a pace nudge naming it is younger than `pace.renudge_after_days` days (read from the outbox's
own rows), and once the member is back on pace on it.

Lagging notes (约谈提醒 on pace): a member *lagging* on duties (far behind, `pace.lagging_threshold`) →
one private note to each of the team's other active admins, in the admin's language, naming the member
and, per duty, done / expected by now and what closes the gap by the quarter's end; key
`lagging:<member>:<ISO week>:<duty>,<duty>:admin:<admin>`. Like pace nudges, a duty is left out while a
lagging note naming it for that member is younger than `pace.renudge_after_days` days, and once the
member is no longer lagging on it.

Who: the office (members with `races` False) owes no quota, so gets no pace nudge and no lagging note
is written about it; it still gets deadline nudges for items it owns. A member on leave (请假 / 出国 /
脱产学习, storage.leave) today gets no pace nudge, no lagging note is written about them, and their
deadline nudges wait: none is queued during the leave, and on its first allowed moment after it the
latest stage gives one nudge. The admins' escalation about their overdue items still goes out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from config import Config
from core import outbox_keys, pace, quiet
from core.callbacks import findings, form_start, nudges, proposals
from core.domain import MemberStatus
from core.nudge_schedule import (
    escalates,
    lagging_note_duties,
    next_look,
    next_midnight,
    pace_nudge_duties,
    stage_due,
)
from core.outbox_keys import EscalateKey, ItemIdent, ItemKind, Kind, NudgeKey, PaceKey
from core.pace import DutyPace, out_of_office
from core.task_lights import Light
from locales import Translator, translator
from reports import nudges as words
from reports import task_requests
from storage import leave, members, outbox, progress, tasks
from storage.deadlines import Item
from storage.members import Contact
from storage.models import Member, Team
from storage.next_nudge import Looked

#: Stand-in ids a nudge's buttons are laid out with once per language and kind (Nudges._layout), then replaced
#: by each item's own.
_ITEM_SLOT = 1_987_654_321
_REF_SLOT = 1_876_543_219


def _ident(item: Item) -> ItemIdent:
    """The item and its owner, as its nudges' and escalations' keys name them."""
    return ItemIdent(ItemKind(item.kind), item.item_id, item.member_id)


@dataclass
class NudgeReport:
    """What the nudge steps of a tick did: deadline nudges, 约谈提醒, pace nudges and lagging notes
    enqueued, and queued messages withdrawn."""

    nudges: int = 0
    escalations: int = 0
    pace: int = 0
    lagging: int = 0  # notes to admins (one per admin and member)
    withdrawn: int = 0


class Nudges:
    def __init__(self, config: Config, is_workday: Callable[[date], bool]) -> None:
        self.config = config
        self.is_workday = is_workday
        self._pace_scanned: dict[int, date] = {}  # team → day (only saves work; the keys decide)
        self._layouts: dict[tuple[str, str], tuple[tuple[tuple[str, str], ...], ...]] = {}  # (language, kind) → buttons

    def _allowed(self, now: datetime, tz: ZoneInfo,
                 is_workday: Callable[[date], bool] | None = None) -> datetime:
        return quiet.allowed_moment(self.config.schedule, now, tz, is_workday or self.is_workday)

    def deadlines(self, session: Session, team: Team, looked: list[Looked], *, people: dict[int, Contact],
                  away: set[int], now: datetime, report: NudgeReport,
                  is_workday: Callable[[date], bool] | None = None, lights: Mapping[int, Light] | None = None,
                  ) -> tuple[list[outbox.Pending], list[tuple[str, int, datetime | None]]]:
        """The team's due rows (storage.next_nudge.claim): the nudges and 约谈提醒 now due, for
        :meth:`enqueue`; each row's next instant, for storage.next_nudge.advance. What an item no longer open
        (or snoozed) still had queued is withdrawn. ``people``: the owners of these rows and the team's admins
        (storage.members.contacts); ``away``: those on leave today. `is_workday`: the team's own working days
        (default: the national calendar). ``lights``: the 督办 lights of these rows' task assignments, by id, when
        the caller read them already (storage.tasks.lights_of_teams); else they are read here."""
        tz = ZoneInfo(team.timezone)
        today = now.astimezone(tz).date()
        allowed = self._allowed(now, tz, is_workday)
        schedule = self.config.schedule
        admins = [m for m in people.values() if m.role.is_admin and m.status == MemberStatus.ACTIVE]
        tomorrow = next_midnight(now, tz)
        pending: list[outbox.Pending] = []
        instants: list[tuple[str, int, datetime | None]] = []
        if lights is None:
            lights = tasks.lights_by_id(session, [row.item.ref_id for row in looked
                                                  if row.item is not None and row.item.kind == "task"],
                                        now=now, tz=tz, is_workday=is_workday or self.is_workday)
        for row in looked:
            item = row.item
            if item is None:  # closed some way the flush did not see (a bulk UPDATE): what it had queued goes
                report.withdrawn += outbox.withdraw_item(session, team_id=team.id, kind=row.kind,
                                                         item_id=row.item_id, member_id=row.member_id)
                instants.append((row.kind, row.row_id, None))
                continue
            if item.snoozed_until is not None and item.snoozed_until > now:
                report.withdrawn += outbox.withdraw_item(session, team_id=team.id, kind=row.kind, item_id=row.item_id,
                                                         member_id=row.member_id, kinds=("nudge",))
            if allowed != now:  # quiet hours or a day off: what falls due meanwhile collapses into one nudge after
                instants.append((row.kind, row.row_id, allowed))
                continue
            upcoming = next_look(item.due, now=now, tz=tz, snoozed_until=item.snoozed_until,
                                 created_at=item.created_at, offsets=schedule.nudge_offsets_days,
                                 repeat_days=schedule.overdue_repeat_days,
                                 escalate_after_days=schedule.escalate_after_days_overdue)
            member = people.get(item.member_id)
            if member is None or member.status != MemberStatus.ACTIVE:
                instants.append((row.kind, row.row_id, min(upcoming, tomorrow)))
                continue
            if escalates(item.due, now=now, tz=tz, created_at=item.created_at,
                         after_days=schedule.escalate_after_days_overdue):
                for admin in admins:
                    if admin.id == member.id:
                        continue  # an admin's own overdue item: their nudges say so; the other admins are told
                    t = translator(admin.language)
                    text = words.escalation(t, member=member.display_name, kind=item.kind,
                                            title=words.title_of(t, item), due=item.due, today=today)
                    pending.append(outbox.Pending(
                        key=outbox_keys.build(EscalateKey(_ident(item), admin.id, due=item.due)),
                        chat_id=admin.telegram_user_id,
                        kind="escalation", payload={"text": text, "parse_mode": None, "buttons": []},
                        not_before=now, team_id=team.id, member_id=admin.id))
            if member.id in away:  # the nudge waits for the leave to end; the office was still told above
                instants.append((row.kind, row.row_id, min(upcoming, tomorrow)))
                continue
            instants.append((row.kind, row.row_id, upcoming))
            stage = stage_due(item.due, now=now, tz=tz, snoozed_until=item.snoozed_until,
                              created_at=item.created_at, offsets=schedule.nudge_offsets_days,
                              repeat_days=schedule.overdue_repeat_days)
            if stage is None:
                continue
            t = translator(member.language)
            lit = lights.get(item.ref_id) if item.kind == "task" else None
            text = words.deadline_nudge(t, kind=item.kind, title=words.title_of(t, item), due=item.due, today=today,
                                        light=lit.value if lit is not None else None)
            pending.append(outbox.Pending(
                key=outbox_keys.build(NudgeKey(_ident(item), stage, due=item.due if stage.startswith("T-") else None)),
                chat_id=member.telegram_user_id, kind="nudge",
                payload={"text": text, "parse_mode": None, "buttons": self._buttons(t, item)},
                not_before=now, team_id=team.id, member_id=member.id))
        return pending, instants

    @staticmethod
    def enqueue(session: Session, pending: list[outbox.Pending], *, now: datetime, report: NudgeReport) -> None:
        """The nudges and 约谈提醒 :meth:`deadlines` made, in one INSERT (an existing key makes nothing)."""
        made = outbox.enqueue_many(session, pending, now=now)
        report.nudges += sum(1 for m in pending if m.kind == "nudge" and m.key in made)
        report.escalations += sum(1 for m in pending if m.kind == "escalation" and m.key in made)

    def pace(self, session: Session, team: Team, *, now: datetime, report: NudgeReport,
             is_workday: Callable[[date], bool] | None = None) -> None:
        """Pace nudges and lagging notes, once per team and day at an allowed time (the keys decide; the
        in-process note only saves work)."""
        tz = ZoneInfo(team.timezone)
        today = now.astimezone(tz).date()
        if self._allowed(now, tz, is_workday) != now or self._pace_scanned.get(team.id) == today:
            return
        people = {m.id: m for m in members.everyone_in(session, team.id)}
        admins = [m for m in people.values() if m.role.is_admin and m.status == MemberStatus.ACTIVE]
        self._pace(session, team, people, admins, now=now, today=today, tz=tz, report=report)
        self._pace_scanned[team.id] = today

    def _buttons(self, t: Translator, item: Item) -> list[list[list[str]]]:
        """The nudge's buttons: the item's kind's rows for this language, worked out once (:meth:`_layout`), with
        the item's ids written in."""
        found = self._layouts.get((t.lang, item.kind))
        if found is None:
            found = self._layouts[(t.lang, item.kind)] = self._layout(t, item)
        if not found:  # no layout for this kind (a codec that does not write an id as its digits)
            return self._build_buttons(t, item)
        return [[[label, data.format(item=item.item_id, ref=item.ref_id)] for label, data in row] for row in found]

    def _layout(self, t: Translator, item: Item) -> tuple[tuple[tuple[str, str], ...], ...]:
        """One kind's buttons in one language with ``{item}`` and ``{ref}`` where the ids go: built once for two
        stand-in ids and kept only if it writes a third pair of ids exactly as :meth:`_build_buttons` does."""
        stand_in = replace(item, item_id=_ITEM_SLOT, ref_id=_REF_SLOT)
        layout = tuple(tuple((label, data.replace("{", "{{").replace("}", "}}")
                                     .replace(str(_ITEM_SLOT), "{item}").replace(str(_REF_SLOT), "{ref}"))
                             for label, data in row)
                       for row in self._build_buttons(t, stand_in))
        check = replace(item, item_id=_ITEM_SLOT // 7, ref_id=_REF_SLOT // 11)
        made = [[[label, data.format(item=check.item_id, ref=check.ref_id)] for label, data in row] for row in layout]
        return layout if made == self._build_buttons(t, check) else ()

    def _build_buttons(self, t: Translator, item: Item) -> list[list[list[str]]]:
        rows: list[list[list[str]]] = []
        if item.kind == "motion":
            rows.append([[t("Done? Open it"), proposals.build(proposals.Press(item.item_id, proposals.Action.VIEW))]])
        elif item.kind == "followup":
            rows.append([[t("Done? Open it"), findings.build(findings.Press(findings.Action.ITEM, item.item_id))]])
        elif item.kind == "task":  # the report flow for this assignment (handlers/tasks.py)
            rows.append([[t("Done? Report it"),
                          form_start.build(form_start.Press(form_start.Action.TASK_DONE, item.ref_id))]])
            rows.append([[t(task_requests.EXTEND),  # 延期申请, without looking for the task's message
                          form_start.build(form_start.Press(form_start.Action.TASK_EXTEND, item.ref_id))]])
        snooze = nudges.FOR_KIND[item.kind]
        rows.append([[words.snooze_label(t, days), nudges.build(nudges.Press(snooze, item.ref_id, days))]
                     for days in self.config.schedule.snooze_options_days])
        return rows

    # --- pace ------------------------------------------------------------------------------------

    def _recent(self, session: Session, team: Team, kind: str, *, today: date, tz: ZoneInfo) -> set[tuple[str, str]]:
        """(member id, duty) named by a `kind` row (pace nudge, lagging note) within renudge_after_days."""
        # in days of team time: a nudge on Monday at 10:00 may come again next Monday at 08:00
        cutoff = datetime.combine(today - timedelta(days=self.config.pace.renudge_after_days - 1), time(0), tzinfo=tz)
        recent: set[tuple[str, str]] = set()
        for key in outbox.keys_since(session, team.id, kind, since=cutoff):
            sent = outbox_keys.parse(key)
            if isinstance(sent, PaceKey):
                recent.update((str(sent.member_id), duty.value) for duty in sent.duties)
        return recent

    def _pace(self, session: Session, team: Team, people: dict[int, Member], admins: list[Member], *,
              now: datetime, today: date, tz: ZoneInfo, report: NudgeReport) -> None:
        recent = self._recent(session, team, "pace", today=today, tz=tz)
        noted = self._recent(session, team, "lagging", today=today, tz=tz)
        week = outbox_keys.iso_week(today)
        not_before = now  # run() goes on only at an allowed instant (the team's calendar)
        quarter_end = pace.quarter_end(today.year, pace.quarter_of(today))
        away = leave.on_leave(session, team_id=team.id, day=today)
        for member in people.values():
            if member.status != MemberStatus.ACTIVE or not member.races or member.id in away \
                    or out_of_office(member.left_office_on, today):
                continue  # the office owes no quota; leave pauses the pace; a term that ended asks no more
            year = progress.year_progress(session, member, today=today, config=self.config)
            lagging = lagging_note_duties(year.duties, noted={d for who, d in noted if who == str(member.id)})
            if lagging:
                self._lagging(session, team, member, lagging, admins, week=week, not_before=not_before,
                              today=today, quarter_end=quarter_end, now=now, report=report)
            due = pace_nudge_duties(year.duties, recent={d for who, d in recent if who == str(member.id)})
            if not due:
                continue
            t = translator(member.language)
            text = "\n".join(words.pace_nudge(t, duty=duty, today=today, quarter_end=quarter_end)
                             for duty in due)
            key = outbox_keys.build(PaceKey(member.id, week, tuple(duty.duty for duty in due)))
            if outbox.enqueue(session, key=key, chat_id=member.telegram_user_id, kind="pace",
                              payload={"text": text, "parse_mode": None, "buttons": []},
                              not_before=not_before, team_id=team.id, member_id=member.id, now=now):
                report.pace += 1

    def _lagging(self, session: Session, team: Team, member: Member, lagging: list[DutyPace],
                 admins: list[Member], *, week: str, not_before: datetime, today: date, quarter_end: date,
                 now: datetime, report: NudgeReport) -> None:
        """One note to each other admin: the member is far behind on these duties."""
        duties = tuple(duty.duty for duty in lagging)
        for admin in admins:
            if admin.id == member.id:
                continue  # an admin lagging hears it from the pace nudge, and the other admins from this
            t = translator(admin.language)
            text = words.lagging_note(t, member=member.display_name, duties=lagging, today=today,
                                      quarter_end=quarter_end)
            if outbox.enqueue(session, key=outbox_keys.build(PaceKey(member.id, week, duties, admin.id, Kind.LAGGING)),
                              chat_id=admin.telegram_user_id, kind="lagging",
                              payload={"text": text, "parse_mode": None, "buttons": []},
                              not_before=not_before, team_id=team.id, member_id=admin.id, now=now):
                report.lagging += 1
