"""`/duty` (admins): the team's own duties beyond the six built in (接访下访 days, 基层联系点 visits, 第一议题
study), each with a unit, a yearly target and a weight in the race (core/team_duties.py).

    /duty                        the team's own duties
    /duty 接访下访 天 12 5        add it (or change it): name, unit, yearly target, weight
    /duty 停用 接访下访            retire it: no longer logged or scored; its entries stay in the ledger

Every change is audited; a text that is not one changes nothing and says what is wrong.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from core.domain import Duty
from core.team_duties import DutyChangeError, parse_duty_change
from handlers.access import admins_only, sender
from handlers.context import SaimaContext
from locales import SUPPORTED, Translator, translator
from reports.progress_card import duty_name
from reports.words import number
from storage import team_duties
from storage.models import TeamDuty


def reserved_names() -> set[str]:
    """The six built-in duties' names in every language: a team duty may not take one."""
    return {duty_name(translator(lang), duty) for lang in SUPPORTED for duty in Duty}


def _usage(t: Translator) -> str:
    return t("Add or change a duty: /duty name unit yearly-target weight, e.g. /duty 接访下访 天 12 5; "
             "retire one: /duty retire 接访下访.")


def duty_line(t: Translator, duty: TeamDuty) -> str:
    return t("• {name} · yearly target {target} {unit} · weight {weight}").format(
        name=duty.name, target=number(duty.yearly_target), unit=duty.unit, weight=number(duty.weight))


def _listing(t: Translator, duties: list[TeamDuty]) -> str:
    if not duties:
        return t("The team has the six built-in duties only; the office has added none of its own.") + "\n" \
            + _usage(t)
    lines = [t("The team's own duties (beyond the six built in):")]
    lines.extend(duty_line(t, duty) for duty in duties)
    return "\n".join(lines + [_usage(t)])


def _refusal(t: Translator, error: DutyChangeError) -> str:
    if error.reason == "name":
        return t("A duty's name: up to 16 characters, not a number and not one of the six built-in duties.")
    if error.reason == "unit":
        return t("The unit: up to 8 characters, such as 天, 次 or 件.")
    if error.reason == "target":
        return t("The yearly target: a number above 0 and up to 10000, such as 12.")
    if error.reason == "weight":
        return t("The weight in the race: a number from 0 to 100, such as 5.")
    return _usage(t)


@admins_only
async def duty(update: Update, context: SaimaContext) -> None:
    """Lists the team's own duties, adds or changes one, or retires one."""
    message, admin = sender(update, context)
    t = context.t
    try:
        change = parse_duty_change(" ".join(context.args or []), reserved=reserved_names())
    except DutyChangeError as error:
        await message.reply_text(_refusal(t, error))
        return
    now = context.now()
    with context.db.session() as session:
        if change.action == "list":
            text = _listing(t, team_duties.active(session, admin.team_id))
        elif change.action == "retire":
            row = team_duties.retire(session, team_id=admin.team_id, name=change.name, now=now,
                                     actor_member_id=admin.id, actor_telegram_id=admin.telegram_user_id)
            text = (t("The team has no duty named {name} in use.") if row is None else
                    t("Retired {name}: it is no longer logged or scored; what was logged stays in the ledger."))
            text = text.format(name=change.name if row is None else row.name)
        else:
            before = team_duties.by_name(session, admin.team_id, change.name)
            was_retired = before is not None and before.retired_at is not None
            row, new = team_duties.set_duty(session, team_id=admin.team_id, name=change.name, unit=change.unit,
                                            yearly_target=change.yearly_target, weight=change.weight, now=now,
                                            actor_member_id=admin.id, actor_telegram_id=admin.telegram_user_id)
            text = (t("Added {name}: {target} {unit} a year for each member in the race, weight {weight}. "
                      "Members log it with /log {name} 1 20 Nov note.") if new else
                    t("Brought back {name}: {target} {unit} a year for each member in the race, weight {weight}. "
                      "Members can log it again.") if was_retired else
                    t("Changed {name}: {target} {unit} a year for each member in the race, weight {weight}."))
            text = text.format(name=row.name, target=number(row.yearly_target), unit=row.unit,
                               weight=number(row.weight))
    await message.reply_text(text)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler("duty", duty, filters=filters.ChatType.PRIVATE)]
