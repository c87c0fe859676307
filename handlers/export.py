"""`/export [year]` (admins): the team's ledger (台账) for the year as an .xlsx document, headers in the
admin's language. The workbook is built in a thread and the handler does not block (`block=False`): a
large team's ledger takes seconds, and the Application takes updates one at a time, so everyone else's
messages would otherwise wait for it."""

from __future__ import annotations

from sqlalchemy.orm import Session
from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from handlers.access import admins_only, sender
from handlers.context import SaimaContext
from handlers.incoming import args_of
from handlers.throttle import one_at_a_time
from reports import ledger
from storage import ledger as ledger_storage
from storage import teams


@one_at_a_time
@admins_only
async def export(update: Update, context: SaimaContext) -> None:
    """Sends the workbook as a document, or says which year it could not read."""
    message, admin = sender(update, context)
    t = context.t
    today = context.today(admin.team.timezone)
    args = args_of(context.args)
    if len(args) > 1 or (args and not (args[0].isdecimal() and 2000 <= int(args[0]) <= today.year)):
        await message.reply_text(t("Send /export for this year's ledger, or /export 2025 for an earlier year "
                                   "(2000 to {year}).").format(year=today.year))
        return
    year = int(args[0]) if args else today.year

    def gather(session: Session) -> tuple[list[ledger.Sheet], str, str]:  # read, then let go: SQLite's lock is the whole database's
        team = teams.one(session, admin.team_id)
        sheets = ledger.build(ledger_storage.year_ledger(session, team, year, today=today, config=context.config), t=t)
        return sheets, f"{team.name} {year}", ledger.file_name(team, year, t)

    def workbook(gathered: tuple[list[ledger.Sheet], str, str]) -> tuple[bytes, str]:
        sheets, title, name = gathered
        return ledger.workbook(sheets, t, title=title), name

    content, name = await context.db.off_loop(gather, workbook)
    await message.reply_document(document=content, filename=name,
                                 caption=t("Ledger of {team} for {year}.").format(team=admin.team.name, year=year))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler("export", export, filters=filters.ChatType.PRIVATE, block=False)]
