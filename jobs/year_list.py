"""The 年度清单 (the year's list, 年初有清单): an idempotent step of the scheduling tick (jobs/schedule.py).

On the team's first working day of the year at `schedule.race_board_time` team time (core/year_list.py),
each racing member gets their own list privately: this year's targets per duty with the first quarter's,
the key research topic and key suggestions or proposals they lead (or the command that registers them),
and the items carried over (reports/year_list.py). Each active admin gets the team's list with the year's
targets as /targets shows them and two buttons: ✅ confirm the targets (audited, handlers/targets.py) or
change them. Keys `yearlist:<team>:<year>:member:<member>` and `yearlist:<team>:<year>:admin:<admin>`;
the office (members who do not race) gets no list of its own. Outside its week the step costs nothing;
within it, one query tells which lists went out, and only the missing ones are gathered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from config import Config
from core import outbox_keys, quiet
from core import year_list as rules
from core.callbacks import targets as target_buttons
from core.outbox_keys import YearListKey
from core.quiet import parse_hhmm
from locales import translator
from reports import year_list as words
from reports.targets import overview_lines
from storage import members, outbox
from storage import targets as target_queries
from storage import year_list as queries
from storage.models import Team

KIND = "year_list"  # the outbox rows' kind


@dataclass
class YearListReport:
    """What the 年度清单 step of a tick did: members' own lists and admins' team lists enqueued."""

    members: int = 0
    admins: int = 0


class YearLists:
    def __init__(self, config: Config, is_workday: Callable[[date], bool]) -> None:
        self.config = config
        self.is_workday = is_workday

    def run(self, session: Session, team: Team, *, now: datetime, report: YearListReport,
            is_workday: Callable[[date], bool] | None = None) -> None:
        workday = is_workday or self.is_workday
        tz = ZoneInfo(team.timezone)
        year = now.astimezone(tz).year
        due_at = rules.moment(year, parse_hhmm(self.config.schedule.race_board_time), tz, workday)
        if not rules.due(due_at, now, team_created_at=team.created_at):
            return
        made = set(outbox.keys_since(session, team.id, KIND, since=due_at))  # what earlier checks sent
        racing = [m for m in queries.racing_members(session, team.id, year)
                  if outbox_keys.build(YearListKey(team.id, year, m.id)) not in made]
        office = [a for a in members.admins_of(session, team.id)
                  if outbox_keys.build(YearListKey(team.id, year, a.id, office=True)) not in made]
        if office:  # the office's list names every racing member, not only those still owed theirs
            racing = queries.racing_members(session, team.id, year)
        if not racing and not office:
            return
        day = now.astimezone(tz).date()
        not_before = quiet.allowed_moment(self.config.schedule, now, tz, workday)
        lists = [queries.member_list(session, member, day=day, config=self.config) for member in racing]
        for entry in lists:
            key = outbox_keys.build(YearListKey(team.id, year, entry.member.id))
            if key in made:
                continue
            text = words.render_member(translator(entry.member.language), entry, now=now, tz=tz)
            report.members += int(outbox.enqueue(
                session, key=key, chat_id=entry.member.telegram_user_id, kind=KIND,
                payload={"text": text, "parse_mode": None, "buttons": []},
                not_before=not_before, team_id=team.id, member_id=entry.member.id, now=now))
        if not office:
            return
        found = target_queries.overview(session, team_id=team.id, year=year)
        defaults = target_queries.defaults_of(self.config)
        for admin in office:
            t = translator(admin.language)
            text = words.render_office(t, team.name, year, lists, "\n".join(overview_lines(t, year, found, defaults)))
            buttons = [[[t("✅ Confirm the targets"),
                         target_buttons.build(target_buttons.Press(target_buttons.Action.CONFIRM, year=year))],
                        [t("Change targets"),
                         target_buttons.build(target_buttons.Press(target_buttons.Action.SHOW, year=year))]]]
            report.admins += int(outbox.enqueue(
                session, key=outbox_keys.build(YearListKey(team.id, year, admin.id, office=True)),
                chat_id=admin.telegram_user_id, kind=KIND,
                payload={"text": text, "parse_mode": None, "buttons": buttons},
                not_before=not_before, team_id=team.id, member_id=admin.id, now=now))
