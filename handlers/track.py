"""The team's group, the race track (赛马场): what the bot does in groups, linking a group to a team,
and `/track` (admins, privately) to switch the group's boards between names and ranks or unlink it.

In the team's group (`Team.group_chat_id`): `/rank` posts the public board (names or ranks per
`Team.show_names_in_race`), `/summary` from the team's office posts the summary, `/help` lists what
works there, and the private commands answer with a one-line pointer and a button that opens the
private chat. A group that is no team's track gets one line saying so; everything else is ignored.

Linking: when someone adds the bot to a group (a `my_chat_member` update), an admin of a team is asked
in the group whether this is the team's race track, with buttons (`trk:link:<y|n>:<member id>`, the data
of core/callbacks/track.py) that
only that admin may press: the presser is checked on the server against the member the data names.
Someone who is no team's office is told the bot works only for a team's office, and nothing changes.
`/track` buttons: `trk:set:<names|ranks|unlink>:<team id>`, re-checked (an admin of that very team).
When Telegram upgrades the group to a supergroup (`migrate_to_chat_id`), the track follows it.
Every change is audited (storage/teams.py).
"""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from core.callbacks import track as callbacks
from core.callbacks.track import LinkAnswer, LinkPress, SetPress, Setting
from core.periods import PeriodError, parse_period
from handlers.access import ADMINS_ONLY, admins_only
from handlers.cards import edit_card
from handlers.commands import COMMANDS
from handlers.context import SaimaContext
from handlers.incoming import args_of
from handlers.keyboards import with_dashboard
from handlers.onboarding import FROM_GROUP
from handlers.race import period_refused, reply_chart
from handlers.throttle import one_at_a_time
from locales import N_, Translator, translator
from reports import race_board, summary
from reports.words import listed
from storage import members, teams
from storage import race as race_storage
from storage import summary as summary_storage
from storage.models import Member, MemberStatus, Team

GROUPS = filters.ChatType.GROUPS
GROUP_COMMANDS = ("rank", "summary", "help")
LEFT_OUT = {"start", "join"}  # joining in a group is pointed to the private chat by handlers/onboarding.py
_LEFT_OUT = re.compile(r"^/(?:start|join)(?:@\w+)?(?:\s|$)", re.IGNORECASE)
PRIVATE_COMMANDS = frozenset(c.name for c in COMMANDS) - set(GROUP_COMMANDS) - LEFT_OUT | {"track"}


# --------------------------------------------------------------------------- in the group


def _team_of_group(context: SaimaContext, chat_id: int) -> Team | None:
    with context.db.session() as session:
        team = teams.by_group_chat(session, chat_id)
        if team is not None:
            session.expunge(team)
        return team


async def _linked(update: Update, context: SaimaContext) -> tuple[Message, Team, Translator] | None:
    """The group command's message, the team whose race track the group is and its language; None (the
    group told it is not linked) when it is none's."""
    message = update.effective_message
    assert message is not None
    team = _team_of_group(context, message.chat_id)
    if team is None:
        await message.reply_text(context.t("This group is not linked to a team's race track."))
        return None
    return message, team, _team_t(team)


def _team_t(team: Team) -> Translator:
    return translator(team.language.value)


def private_chat_button(t: Translator, bot_username: str) -> InlineKeyboardMarkup:
    """A URL button that opens the private chat with the bot."""
    url = f"https://t.me/{bot_username}?start={FROM_GROUP}"
    return InlineKeyboardMarkup([[InlineKeyboardButton(t("Open the private chat"), url=url)]])


@one_at_a_time
async def group_rank(update: Update, context: SaimaContext) -> None:
    """Posts the team's public board in its group (names or ranks, as the team chose), with its chart."""
    found = await _linked(update, context)
    if found is None:
        return
    message, team, t = found
    today = context.today(team.timezone)
    try:  # the same periods as in a private chat: /rank, /rank quarter, /rank 上月, /rank 2026 …
        period = parse_period(" ".join(args_of(context.args)), now=context.now().astimezone(ZoneInfo(team.timezone)))
    except PeriodError as error:  # in the team's language, as privately
        await message.reply_text(period_refused(t, error))
        return

    board = await context.db.off_loop(lambda session: race_storage.board(
        session, teams.one(session, team.id), period, as_of=min(today, period.end), config=context.config))
    names = team.show_names_in_race
    await message.reply_text(race_board.render_board(t, board, viewer_id=None, names=names),
                             reply_markup=with_dashboard(update, context, None, t=t))  # a link to the private chat
    await reply_chart(message, t, board, viewer_id=None, names=names)


def _office_member(context: SaimaContext, team_id: int, user_id: int) -> Member | None:
    with context.db.session() as session:
        member = members.in_team(session, team_id, user_id)
        return member if member is not None and member.status is MemberStatus.ACTIVE and member.role.is_admin else None


@one_at_a_time
async def group_summary(update: Update, context: SaimaContext) -> None:
    """The team's office posts the last seven days' summary in the group; anyone else is refused."""
    user = update.effective_user
    assert user is not None
    found = await _linked(update, context)
    if found is None:
        return
    message, team, t = found
    if _office_member(context, team.id, user.id) is None:
        await message.reply_text(t("Only the team's office (admins) can post the summary here."))
        return
    today = context.today(team.timezone)

    text = await context.db.off_loop(
        lambda session: summary_storage.gather(session, teams.one(session, team.id), start=today - timedelta(days=6),
                                               end=today, today=today, config=context.config),
        lambda data: summary.render(t, data, names=team.show_names_in_race, for_admins=False))
    await message.reply_text(text)


async def group_help(update: Update, context: SaimaContext) -> None:
    """What works in the group, and a button to the private chat for the rest."""
    found = await _linked(update, context)
    if found is None:
        return
    message, team, t = found
    lines = [t("This group is {team}'s race track. Here:").format(team=team.name),
             t("/rank — the race board (/rank quarter, /rank year)"),
             t("/summary — the last seven days (the office only)"),
             t("/help — this list"),
             "",
             t("Everything else (logging, /me, tasks, the office's commands) works in a private chat with me.")]
    await message.reply_text("\n".join(lines), reply_markup=private_chat_button(t, context.bot.username))


_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?:\s|$)")


async def group_pointer(update: Update, context: SaimaContext) -> None:
    """A private command in the group: one line and a button to the private chat. Commands of other
    bots, and commands that are none of ours, get no answer."""
    message = update.effective_message
    assert message is not None
    match = _COMMAND.match(message.text or "")
    if match is None:
        return
    name, addressed = match.group(1).lower(), match.group(2)
    if addressed is not None and addressed.lower() != (context.bot.username or "").lower():
        return
    if name not in PRIVATE_COMMANDS:
        return
    found = await _linked(update, context)
    if found is None:
        return
    t = found[2]
    await message.reply_text(t("/{command} works in a private chat with me.").format(command=name),
                             reply_markup=private_chat_button(t, context.bot.username))


# --------------------------------------------------------------------------- linking a group


#: Said in the group's own language (its team's), not the adder's: hence marked here and translated there.
ALREADY_THE_TRACK = N_("This group is already {team}'s race track.")
LINKED = N_("✅ This group is now {team}'s race track: /rank posts the board here, and the monthly boards and weekly "
            "summaries come here.")
IN_CHAT = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER,
           ChatMemberStatus.RESTRICTED)


async def bot_added(update: Update, context: SaimaContext) -> None:
    """Added to a group: asks the adding admin whether this is their team's race track (buttons only
    they may press); someone who is no team's office is told the bot works for offices only.
    Removed from a team's race track: the team has no track any more (audited), so boards are not
    sent into a group the bot cannot write to."""
    change = update.my_chat_member
    if change is None or change.chat.type not in ("group", "supergroup"):
        return
    was_in = change.old_chat_member.status in IN_CHAT
    is_in = change.new_chat_member.status in IN_CHAT
    if was_in and not is_in:
        await _removed(context, change.chat.id, change.from_user.id)
        return
    if was_in or not is_in:
        return
    chat_id, adder = change.chat.id, change.from_user
    with context.db.session() as session:
        linked = teams.by_group_chat(session, chat_id)
        linked_name = linked.name if linked is not None else None
        linked_t = _team_t(linked) if linked is not None else None
        office = teams.admin_memberships(session, adder.id)
        offices = [(m.id, m.team.name) for m in office]
        adder_name = office[0].display_name if office else adder.full_name  # as the team knows them
    t = context.t
    if linked_t is not None:  # in the group's own language
        await context.bot.send_message(chat_id, linked_t(ALREADY_THE_TRACK).format(
            team=linked_name))
        return
    if not offices:
        await context.bot.send_message(chat_id, t(
            "I work only for a team's office: ask your team's office (an admin) to add me to the team's group."))
        return
    rows = [[InlineKeyboardButton(t("Yes") if len(offices) == 1 else t("Yes: {team}").format(team=name),
                                  callback_data=callbacks.build(LinkPress(LinkAnswer.YES, member_id)))]
            for member_id, name in offices]
    rows.append([InlineKeyboardButton(t("No"), callback_data=callbacks.build(LinkPress(LinkAnswer.NO,
                                                                                         offices[0][0])))])
    team_names = listed(t, (name for _, name in offices))
    await context.bot.send_message(chat_id, t(
        "{name}, is this group the race track of {team}? Boards and summaries would be posted here. "
        "Only you can answer.").format(name=adder_name, team=team_names),
        reply_markup=InlineKeyboardMarkup(rows))


async def group_upgraded(update: Update, context: SaimaContext) -> None:
    """Telegram made the group a supergroup (a new chat id; the old one is gone): the team's race track
    follows it (audited), with the messages waiting for the old chat, so boards and summaries keep coming
    and /rank there answers. Both service messages say so (one in each chat); the second finds it done."""
    message = update.effective_message
    assert message is not None
    old = message.migrate_from_chat_id or message.chat_id
    new = message.migrate_to_chat_id or message.chat_id
    user = update.effective_user
    with context.db.session() as session:
        teams.move_group(session, old, new, now=context.now(), actor_telegram_id=user.id if user else None)


async def _removed(context: SaimaContext, chat_id: int, remover_id: int) -> None:
    with context.db.session() as session:
        team = teams.by_group_chat(session, chat_id)
        if team is not None:
            remover = members.in_team(session, team.id, remover_id)
            teams.unlink_group(session, team, actor=remover, now=context.now(), actor_telegram_id=remover_id)


async def link_answer(update: Update, context: SaimaContext) -> None:
    """Yes links the group to the admin's team (audited); No leaves it unlinked. Only the admin asked
    may answer: whoever else presses is refused, whatever the data says."""
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    t = context.t
    parsed = callbacks.parse_link(query.data)
    message = query.message
    if parsed is None or message is None or message.chat.type not in ("group", "supergroup"):
        await query.answer(t("This button is not valid any more."), show_alert=True)
        return
    answer, member_id = parsed.answer, parsed.member_id
    now = context.now()
    team_name, team_t = "", t
    with context.db.session() as session:
        asked = members.by_id(session, member_id)
        allowed = (asked is not None and asked.telegram_user_id == user.id and asked.role.is_admin
                   and asked.status in (MemberStatus.ACTIVE, MemberStatus.PENDING))
        if not allowed:
            outcome = None
        elif answer is LinkAnswer.NO:
            outcome = "no"
        else:
            assert asked is not None
            team = teams.one(session, asked.team_id)
            outcome = "yes" if teams.link_group(session, team, message.chat.id, actor=asked, now=now) else "taken"
            team_name, team_t = team.name, _team_t(team)
    if outcome is None:
        await query.answer(t("Only the admin who added me can answer this."), show_alert=True)
        return
    await query.answer()
    if outcome == "no":
        text = t("OK: this group is not linked. To link it later, remove me and add me again.")
    elif outcome == "taken":
        text = t("This group is already another team's race track.")
    else:
        text = team_t(LINKED).format(team=team_name)  # said to the group: in the team's language
    await edit_card(query, text)


# --------------------------------------------------------------------------- /track (admins, privately)


async def _track_view(context: SaimaContext, t: Translator, team: Team) -> tuple[str, InlineKeyboardMarkup]:
    if team.group_chat_id is None:
        where = t("No group is linked. Add me to your team's group to make it the race track.")
    else:
        title = str(team.group_chat_id)
        try:
            title = (await context.bot.get_chat(team.group_chat_id)).title or title
        except TelegramError:
            pass
        where = t("Race track: the group «{title}».").format(title=title)
    shows = t("The group's boards show names.") if team.show_names_in_race else t(
        "The group's boards show ranks only (Member A, Member B, …).")
    tick = "✓ "
    rows = [[InlineKeyboardButton((tick if team.show_names_in_race else "") + t("Names"),
                                  callback_data=callbacks.build(SetPress(Setting.NAMES, team.id))),
             InlineKeyboardButton(("" if team.show_names_in_race else tick) + t("Ranks"),
                                  callback_data=callbacks.build(SetPress(Setting.RANKS, team.id)))]]
    if team.group_chat_id is not None:
        rows.append([InlineKeyboardButton(t("Unlink the group"),
                                          callback_data=callbacks.build(SetPress(Setting.UNLINK, team.id)))])
    return f"{where}\n{shows}", InlineKeyboardMarkup(rows)


@admins_only
async def show_track(update: Update, context: SaimaContext) -> None:
    """`/track`: the linked group, whether its boards show names or ranks, and buttons to switch or unlink."""
    admin = context.member()
    message = update.effective_message
    assert admin is not None and message is not None
    with context.db.session() as session:
        team = teams.one(session, admin.team_id)
        session.expunge(team)
    text, markup = await _track_view(context, context.t, team)
    await message.reply_text(text, reply_markup=markup)


async def track_press(update: Update, context: SaimaContext) -> None:
    """Names / Ranks / Unlink, by an admin of that very team (checked on the server), audited."""
    query = update.callback_query
    assert query is not None
    t = context.t
    parsed = callbacks.parse_set(query.data)
    admin = context.member()
    if parsed is None:
        await query.answer(t("This button is not valid any more."), show_alert=True)
        return
    action, team_id = parsed.setting, parsed.team_id
    if admin is None or not admin.role.is_admin or admin.team_id != team_id:
        await query.answer(t(ADMINS_ONLY), show_alert=True)
        return
    now = context.now()
    with context.db.session() as session:
        team = teams.one(session, team_id)
        actor = members.one(session, admin.id)
        if action is Setting.UNLINK:
            if team.group_chat_id is not None:
                teams.unlink_group(session, team, actor=actor, now=now)
        elif team.show_names_in_race != (action is Setting.NAMES):
            teams.show_names(session, team, action is Setting.NAMES, actor=actor, now=now)
        session.flush()
        session.expunge(team)
    await query.answer({Setting.NAMES: t("The group's boards now show names."),
                        Setting.RANKS: t("The group's boards now show ranks only."),
                        Setting.UNLINK: t("The group is unlinked.")}[action])
    text, markup = await _track_view(context, t, team)
    await edit_card(query, text, reply_markup=markup)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Registered before the private flows: in groups these answer first."""
    return [
        ChatMemberHandler(bot_added, ChatMemberHandler.MY_CHAT_MEMBER),
        MessageHandler(filters.StatusUpdate.MIGRATE, group_upgraded),
        CommandHandler("rank", group_rank, filters=GROUPS, block=False),  # heavy: off the update path
        CommandHandler("summary", group_summary, filters=GROUPS, block=False),
        CommandHandler("help", group_help, filters=GROUPS),
        MessageHandler(GROUPS & filters.COMMAND & ~filters.Regex(_LEFT_OUT), group_pointer),
        CommandHandler("track", show_track, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(link_answer, pattern=callbacks.LINK_PATTERN),
        CallbackQueryHandler(track_press, pattern=callbacks.SET_PATTERN),
    ]
