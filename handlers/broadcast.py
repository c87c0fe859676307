"""`/broadcast` (admins): compose a notice (text, optionally a photo or document), choose the audience and
the time, see exactly what recipients will get, then Confirm; `/broadcasts` lists the scheduled and weekly
ones with Cancel. Recipients press 已阅 / Read; the sender's report (jobs/broadcasts.py) has Re-nudge unread
and who has not read it.

The draft (`Draft`) waits in the conversation state (handlers/conversation.py; written through, so it
survives a restart) and nothing is stored before Confirm. Every press is checked again on the server:

    bc:<nonce>:<action>:<arg>   the draft's own buttons (core.callbacks.broadcast); a stale nonce (an old
                                card) or forged data is refused
    br:…                        已阅, re-nudge unread, who has not read it, cancel (core.callbacks.receipts)
(br: presses: the presser must be an active admin of the broadcast's team, except 已阅.)
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from core import broadcasts as limits
from core import dates
from core.broadcasts import AudienceKind, TextProblem, WhenProblem, looks_weekly, parse_weekly, valid_audience
from core.callbacks import broadcast as callbacks
from core.callbacks import receipts
from core.callbacks.broadcast import Action
from core.domain import BroadcastStatus
from core.text import utf16_len
from handlers import cards, conversation
from handlers.access import admins_only, switched_team
from handlers.context import SaimaContext
from handlers.incoming import caption_of, text_of
from locales import N_, translator
from reports import broadcasts as words
from storage import broadcasts, confirmations, roster
from storage.models import Member

INVALID = N_("This button is not valid any more.")
ADMINS_ONLY = N_("Only your team's office (admins) can use this.")
AUDIENCES = (  # (callback argument, label)
    ("all", N_("Everyone")), ("admin", N_("Admins")), ("member", N_("Members")),
    ("behind", N_("Behind pace")), ("overdue", N_("With overdue items")), ("pick", N_("Pick members…")),
)


# --- the draft, in the conversation state -----------------------------------------------------------


class DraftStep(enum.StrEnum):
    TEXT = "text"
    AUDIENCE = "audience"
    PICK = "pick"
    WHEN = "when"
    PREVIEW = "preview"


@dataclass
class Draft(conversation.State):
    """A broadcast being composed (user_data `broadcast`, as before): nothing is stored before Confirm."""

    step: DraftStep = DraftStep.TEXT
    nonce: str = ""  # the current card's: presses on older cards are refused
    draft_id: str | None = None  # the token its Confirm consumes (storage.confirmations)
    text: str | None = None
    file_id: str | None = None
    file_kind: str | None = None  # "photo" or "document"
    audience: dict[str, Any] | None = None
    picked: list[int] = field(default_factory=list)
    page: int = 0
    when: str | None = None  # "now", "at" or "weekly", once chosen
    send_at: datetime | None = None
    recurrence: str | None = None  # core.broadcasts.Weekly, encoded
    editing: bool = False  # changing one part from the preview: back to the preview after it


def _state(context: SaimaContext) -> Draft | None:
    return context.conversation.get(FLOW)


def _end(context: SaimaContext) -> None:
    context.conversation.end(FLOW)


def _data(state: Draft, action: Action, argument: str | int = "") -> str:
    return callbacks.build(callbacks.Press(state.nonce, action, str(argument)))


def _admin(context: SaimaContext, state: Draft | None = None) -> Member | None:
    """The sender, if still an active admin (of the draft's team, when there is a draft)."""
    member = context.member()
    if member is None or not member.role.is_admin:
        return None
    if state is not None and member.team_id != state.team_id:
        return None
    return member


def _local_now(context: SaimaContext, admin: Member) -> datetime:
    return context.now().astimezone(ZoneInfo(admin.team.timezone))


# --- composing --------------------------------------------------------------------------------------


@admins_only
async def start(update: Update, context: SaimaContext) -> None:
    """`/broadcast [text]`: asks for the text (or a photo or document), or goes on to the audience."""
    message = update.effective_message
    admin = context.member()
    assert message is not None and message.text is not None and admin is not None
    t = context.t
    notes = [t("The unfinished broadcast before this one was discarded.")] if _state(context) else []
    state = context.conversation.begin(FLOW, Draft(step=DraftStep.TEXT, team_id=admin.team_id,
                                                   nonce=secrets.token_hex(3), draft_id=secrets.token_hex(16)))
    rest = (text_of(message) or "").partition(" ")[2].strip()
    if rest:
        problem = _text_problem(context, rest, with_file=False)
        if problem is None:
            state.text = rest
            await _ask_audience(message, context, state, notes)
            return
        notes.append(problem)
    await _ask_text(message, context, state, notes)


def _text_problem(context: SaimaContext, text: str, *, with_file: bool) -> str | None:
    t = context.t
    problem = limits.text_problem(text, utf16_len(text), with_file=with_file)
    limit = limits.text_limit(with_file=with_file)
    if problem is TextProblem.EMPTY:
        return t("The message is empty. Please send its text.")
    if problem is TextProblem.CAPTION_TOO_LONG:
        return t("With a photo or document the text can be at most {limit} characters; this one has {n}. "
                 "Please send a shorter text.").format(limit=limit, n=utf16_len(text))
    if problem is TextProblem.TOO_LONG:
        return t("A broadcast can be at most {limit} characters; this one has {n}. Please send a shorter text."
                 ).format(limit=limit, n=utf16_len(text))
    return None


async def _ask_text(message: Message, context: SaimaContext, state: Draft, notes: list[str]) -> None:
    t = context.t
    state.step = DraftStep.TEXT
    prompt = t("What should the broadcast say? Send the text, or a photo or document with the text as its "
               "caption.")
    await message.reply_text("\n".join([*notes, prompt, t("(/cancel to stop)")]))


async def _ask_audience(message: Message, context: SaimaContext, state: Draft, notes: list[str],
                        *, pressed: CallbackQuery | None = None) -> None:
    """Asks who should get it: in a new message, or on the card ``pressed`` (its ‹ Back)."""
    t = context.t
    state.step = DraftStep.AUDIENCE
    buttons = [InlineKeyboardButton(t(label), callback_data=_data(state, Action.AUDIENCE, value)) for value, label in AUDIENCES]
    keyboard = InlineKeyboardMarkup([buttons[0:3], buttons[3:5], buttons[5:6]])
    lines = [*notes, t("Who should get it?")]
    if not state.file_id:
        lines.append(t("(You can still send a photo or document to attach it.)"))
    lines.append(t("(/cancel to stop)"))
    if pressed is not None:
        await cards.edit_card(pressed, "\n".join(lines), keyboard)
    else:
        await message.reply_text("\n".join(lines), reply_markup=keyboard)


async def _ask_when(message: Message, context: SaimaContext, state: Draft, notes: list[str]) -> None:
    t = context.t
    state.step = DraftStep.WHEN
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(t("Send now"), callback_data=_data(state, Action.NOW))]])
    lines = [*notes, t("When should it go? Press Send now, or type a time (明天上午9点, 11月25日 15:00, "
                       "tomorrow 9am) or a weekly time (每周一 9:00, every Monday 09:00)."), t("(/cancel to stop)")]
    await message.reply_text("\n".join(lines), reply_markup=keyboard)


def _pick_page(context: SaimaContext, admin: Member, state: Draft, page: int) -> tuple[str, InlineKeyboardMarkup]:
    t = context.t
    with context.db.session() as session:
        people = [(m.id, m.display_name) for m in broadcasts.pickable(session, admin.team_id, sender_id=admin.id)]
    page, pages, on_page = limits.page_of(len(people), page)
    state.page = page
    picked = set(state.picked or [])
    shown = people[on_page]
    rows = [[InlineKeyboardButton(("☑️ " if member_id in picked else "⬜ ") + name,
                                  callback_data=_data(state, Action.TOGGLE, member_id))] for member_id, name in shown]
    navigation = []
    if page > 0:
        navigation.append(InlineKeyboardButton(t("‹ Previous"), callback_data=_data(state, Action.PAGE, page - 1)))
    if page < pages - 1:
        navigation.append(InlineKeyboardButton(t("Next ›"), callback_data=_data(state, Action.PAGE, page + 1)))
    if navigation:
        rows.append(navigation)
    rows.append([InlineKeyboardButton(t("‹ Back"), callback_data=_data(state, Action.AUDIENCE, "back")),
                 InlineKeyboardButton(t("Done ({n})").format(n=len(picked)), callback_data=_data(state, Action.PICKED))])
    text = t("Pick the recipients (page {page} of {pages}); press a name to tick or untick it.").format(
        page=page + 1, pages=pages)
    return text, InlineKeyboardMarkup(rows)


async def typed(update: Update, context: SaimaContext, state: Draft, text: str) -> bool:
    """Text, a photo or a document while a broadcast draft waits: taken by the step (which may ask again).
    The shared rules (handlers/steps.py) came first: a command other than /broadcast ended the draft, and a
    switched team paused it (switched back, they can finish it)."""
    message = update.effective_message
    assert message is not None
    t = context.t
    admin = _admin(context, state)
    if admin is None:
        _end(context)
        await message.reply_text(t(ADMINS_ONLY))
        return True
    attachment = _attachment(message)
    step = state.step
    if attachment is not None and step in (DraftStep.TEXT, DraftStep.AUDIENCE, DraftStep.PICK, DraftStep.WHEN):
        await _attached(message, context, state, attachment)
    elif step is DraftStep.TEXT and text:
        problem = _text_problem(context, text, with_file=bool(state.file_id))
        if problem is not None:
            await _ask_text(message, context, state, [problem])
        else:
            state.text = text
            await _next_after(message, context, admin, state, "text")
    elif step is DraftStep.WHEN and text:
        await _read_when(message, context, admin, state, text)
    elif step is DraftStep.TEXT:
        await _ask_text(message, context, state, [t("Please send the text of the broadcast.")])
    else:
        await message.reply_text(t("Please use the buttons above, or send /cancel to stop."))
    return True


def _attachment(message: Message) -> tuple[str, str, str | None] | None:
    """(file_id, kind, caption) of a photo or document, else None."""
    if message.photo:
        return message.photo[-1].file_id, "photo", caption_of(message)
    if message.document is not None:
        return message.document.file_id, "document", caption_of(message)
    return None


async def _attached(message: Message, context: SaimaContext, state: Draft,
                    attachment: tuple[str, str, str | None]) -> None:
    """A photo or document: attached (its caption, if any, becomes the text)."""
    t = context.t
    file_id, kind, caption = attachment
    text = (caption or "").strip() or state.text
    problem = _text_problem(context, text, with_file=True) if text else None
    if problem is not None:
        await message.reply_text(problem + "\n" + t("(/cancel to stop)"))
        return
    state.file_id, state.file_kind = file_id, kind
    if text:
        state.text = text
    note = t("Photo attached.") if kind == "photo" else t("Document attached.")
    if not text:
        await _ask_text(message, context, state, [note, t("Now send the text to go with it.")])
        return
    admin = _admin(context, state)
    assert admin is not None
    step = state.step
    if step is DraftStep.TEXT:
        await _next_after(message, context, admin, state, "text", [note])
    elif step is DraftStep.WHEN:
        await _ask_when(message, context, state, [note])
    else:
        await _ask_audience(message, context, state, [note])


async def _next_after(message: Message, context: SaimaContext, admin: Member, state: Draft, done: str,
                      notes: list[str] | None = None) -> None:
    """After a step: back to the preview when editing, else the next question."""
    notes = notes or []
    if state.editing or (done == "when"):
        await _preview(message, context, admin, state, notes)
    elif done == "text":
        await _ask_audience(message, context, state, notes)
    elif done == "audience":
        await _ask_when(message, context, state, notes)


async def _read_when(message: Message, context: SaimaContext, admin: Member, state: Draft, text: str) -> None:
    t = context.t
    now = _local_now(context, admin)
    if looks_weekly(text):
        weekly = parse_weekly(text)
        if weekly is None:
            await _ask_when(message, context, state, [t("I could not read that weekly time. Try 每周一 9:00 or "
                                                        "every Monday 09:00.")])
            return
        state.send_at, state.recurrence, state.when = None, weekly.encode(), "weekly"
        await _next_after(message, context, admin, state, "when")
        return
    parsed = dates.parse_date(text, now=now, prefer="future")
    if parsed is None:
        await _ask_when(message, context, state, [t("I could not read that time. Try 明天上午9点, 11月25日 15:00 "
                                                    "or tomorrow 9am, or press Send now.")])
        return
    if not isinstance(parsed, datetime):
        await _ask_when(message, context, state, [t("Please give a time of day too, e.g. 明天上午9点 or "
                                                    "tomorrow 9am.")])
        return
    problem = limits.when_problem(parsed, now)
    if problem is WhenProblem.PASSED:
        await _ask_when(message, context, state, [t("That time has already passed. Please give a time ahead.")])
        return
    if problem is WhenProblem.TOO_FAR:
        await _ask_when(message, context, state, [t("That is more than a year ahead. Please give a nearer time.")])
        return
    state.send_at, state.recurrence, state.when = parsed, None, "at"
    await _next_after(message, context, admin, state, "when")


async def _preview(message: Message, context: SaimaContext, admin: Member, state: Draft,
                   notes: list[str]) -> None:
    """The message exactly as recipients will see it, then to whom and when, with Confirm / Edit / Cancel."""
    t = context.t
    state.step, state.editing, state.nonce = DraftStep.PREVIEW, False, secrets.token_hex(3)  # older cards go stale
    audience = _audience(state)
    assert state.text is not None
    tz = ZoneInfo(admin.team.timezone)
    with context.db.session() as session:
        people = broadcasts.audience_members(session, admin.team, audience, sender_id=admin.id,
                                             today=_local_now(context, admin).date(), config=context.config)
        names = [m.display_name for m in people]
        unreachable = sum(1 for m in people if not broadcasts.reachable(m))
    shown = words.payload(t, text=state.text, sender=admin.display_name, file_id=state.file_id,
                          file_kind=state.file_kind, broadcast_id=0, occurrence=0)
    read = InlineKeyboardMarkup([[InlineKeyboardButton(shown["buttons"][0][0][0],
                                                       callback_data=_data(state, Action.PREVIEW))]])
    if notes:
        await message.reply_text("\n".join(notes))
    if state.file_kind == "photo" and state.file_id:
        await message.reply_photo(state.file_id, caption=shown["text"], reply_markup=read)
    elif state.file_kind == "document" and state.file_id:
        await message.reply_document(state.file_id, caption=shown["text"], reply_markup=read)
    else:
        await message.reply_text(shown["text"], reply_markup=read)
    card = words.preview_card(t, audience=audience, names=names, unreachable=unreachable, send_at=state.send_at,
                              recurrence=state.recurrence, tz=tz, file_kind=state.file_kind)
    keyboard = InlineKeyboardMarkup([[
        InlineKeyboardButton(t("Confirm"), callback_data=_data(state, Action.CONFIRM)),
        InlineKeyboardButton(t("Edit"), callback_data=_data(state, Action.EDIT)),
        InlineKeyboardButton(t("Cancel"), callback_data=_data(state, Action.CANCEL)),
    ]])
    await message.reply_text(card, reply_markup=keyboard)


def _audience(state: Draft) -> dict[str, Any]:
    audience = dict(state.audience or {"kind": AudienceKind.ALL})
    if audience.get("kind") == AudienceKind.PICKED:
        audience["ids"] = sorted(int(i) for i in state.picked or [])
    return audience


# --- the draft's buttons ----------------------------------------------------------------------------


async def press(update: Update, context: SaimaContext) -> None:
    """Every button of the draft (audience, picking, now, Confirm / Edit / Cancel), refused unless it is on
    the current card and the presser is still an admin of the draft's team."""
    query = update.callback_query
    assert query is not None and query.data is not None
    t = context.t
    state = _state(context)
    parsed = callbacks.parse(query.data)  # None for forged data, e.g. "ok:" with something after it
    if state is None or parsed is None or parsed.nonce != state.nonce:
        await query.answer(t(INVALID), show_alert=True)
        return
    if (switched := switched_team(context, state.team_id)) is not None:
        await query.answer(switched, show_alert=True)  # Confirm above all: nothing is sent from the other team
        return
    admin = _admin(context, state)
    if admin is None:
        _end(context)
        await query.answer(t(ADMINS_ONLY), show_alert=True)
        return
    action, argument = parsed.action, parsed.argument
    message = query.message
    assert isinstance(message, Message)
    step = state.step
    if action is Action.PREVIEW:
        await query.answer(t("This is the preview: recipients press Read here."))
    elif action is Action.AUDIENCE and step in (DraftStep.AUDIENCE, DraftStep.PICK):
        await _choose_audience(update, context, admin, state, argument)
    elif action in (Action.TOGGLE, Action.PAGE, Action.PICKED) and step is DraftStep.PICK:
        await _picking(update, context, admin, state, parsed)
    elif action is Action.NOW and step is DraftStep.WHEN:
        await query.answer()
        await cards.edit_buttons(query, None)
        state.send_at, state.recurrence, state.when = None, None, "now"
        await _next_after(message, context, admin, state, "when")
    elif action in (Action.CONFIRM, Action.EDIT, Action.CANCEL) and step is DraftStep.PREVIEW:
        await _card(update, context, admin, state, action)
    elif action in (Action.EDIT_TEXT, Action.EDIT_AUDIENCE, Action.EDIT_WHEN, Action.EDIT_BACK) \
            and step is DraftStep.PREVIEW:
        await _edit_choice(update, context, admin, state, action)
    else:
        await query.answer(t(INVALID), show_alert=True)


async def _choose_audience(update: Update, context: SaimaContext, admin: Member, state: Draft,
                           argument: str) -> None:
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    t = context.t
    if argument == "back":
        await query.answer()
        await _ask_audience(query.message, context, state, [], pressed=query)
        return
    if argument == "pick":
        await query.answer()
        state.step = DraftStep.PICK
        text, keyboard = _pick_page(context, admin, state, 0)
        await cards.edit_card(query, text, keyboard)
        return
    audience: dict[str, Any]
    if argument in ("all", "behind", "overdue"):
        audience = {"kind": argument}
    elif argument in ("admin", "member"):
        audience = {"kind": AudienceKind.ROLE, "role": argument}
    else:
        await query.answer(t(INVALID), show_alert=True)
        return
    if not _anyone(context, admin, audience):
        await query.answer(t("Nobody in the team matches that now. Please choose another audience."), show_alert=True)
        return
    await query.answer()
    state.audience = audience
    await cards.edit_card(query, t("To: {audience}").format(audience=words.audience_in_words(t, audience)))
    await _next_after(query.message, context, admin, state, "audience")


def _anyone(context: SaimaContext, admin: Member, audience: dict[str, Any]) -> bool:
    with context.db.session() as session:
        return bool(broadcasts.audience_members(session, admin.team, audience, sender_id=admin.id,
                                                today=_local_now(context, admin).date(), config=context.config))


async def _picking(update: Update, context: SaimaContext, admin: Member, state: Draft,
                   pressed: callbacks.Press) -> None:
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    t = context.t
    picked = [int(i) for i in state.picked or []]
    number = callbacks.number(pressed)
    if pressed.action is Action.TOGGLE:
        with context.db.session() as session:
            member = roster.in_team(session, admin.team_id, number) if number is not None else None
        if member is None or member.id == admin.id:
            await query.answer(t(INVALID), show_alert=True)
            return
        picked = [i for i in picked if i != member.id] if member.id in picked else [*picked, member.id]
        state.picked = picked
        page = int(state.page or 0)
    elif pressed.action is Action.PAGE:
        if number is None:
            await query.answer(t(INVALID), show_alert=True)
            return
        page = number
    else:  # done
        if not picked:
            await query.answer(t("Pick at least one member."), show_alert=True)
            return
        await query.answer()
        state.audience = {"kind": AudienceKind.PICKED}
        await cards.edit_card(query, t("To: {audience}").format(audience=words.audience_in_words(t, _audience(state))))
        await _next_after(query.message, context, admin, state, "audience")
        return
    await query.answer()
    text, keyboard = _pick_page(context, admin, state, page)
    await cards.edit_card(query, text, keyboard)


async def _card(update: Update, context: SaimaContext, admin: Member, state: Draft, action: Action) -> None:
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    t = context.t
    if action is Action.CANCEL:
        await query.answer()
        _end(context)
        await cards.edit_card(query, t("Cancelled. Nothing was sent."))
        return
    if action is Action.EDIT:
        await query.answer()
        keyboard = InlineKeyboardMarkup([
            [InlineKeyboardButton(t("Text"), callback_data=_data(state, Action.EDIT_TEXT)),
             InlineKeyboardButton(t("Audience"), callback_data=_data(state, Action.EDIT_AUDIENCE)),
             InlineKeyboardButton(t("Time"), callback_data=_data(state, Action.EDIT_WHEN))],
            [InlineKeyboardButton(t("‹ Back"), callback_data=_data(state, Action.EDIT_BACK))]])
        await cards.edit_buttons(query, keyboard)
        return
    await _confirm(update, context, admin, state)


async def _edit_choice(update: Update, context: SaimaContext, admin: Member, state: Draft,
                       action: Action) -> None:
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    t = context.t
    await query.answer()
    if action is Action.EDIT_BACK:
        keyboard = InlineKeyboardMarkup([[
            InlineKeyboardButton(t("Confirm"), callback_data=_data(state, Action.CONFIRM)),
            InlineKeyboardButton(t("Edit"), callback_data=_data(state, Action.EDIT)),
            InlineKeyboardButton(t("Cancel"), callback_data=_data(state, Action.CANCEL))]])
        await cards.edit_buttons(query, keyboard)
        return
    await cards.edit_buttons(query, None)
    state.editing = True
    if action is Action.EDIT_TEXT:
        await _ask_text(query.message, context, state, [])
    elif action is Action.EDIT_AUDIENCE:
        await _ask_audience(query.message, context, state, [])
    else:
        await _ask_when(query.message, context, state, [])


async def _confirm(update: Update, context: SaimaContext, admin: Member, state: Draft) -> None:
    """Stores the broadcast: sent now (the card becomes the delivery report) or scheduled."""
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    t = context.t
    audience = _audience(state)
    if not valid_audience(audience) or not state.text:
        _end(context)
        await query.answer(t(INVALID), show_alert=True)
        return
    await query.answer()
    now = context.now()
    with context.db.session() as session:
        shown = _made_before(context, session, admin, state)
        if shown is None:
            shown = _store(context, session, query.message, admin, state, audience, now)
    _end(context)  # a second press of Confirm finds no draft, or the token it consumed: nothing twice
    await cards.edit_card(query, shown[0], shown[1])


def _made_before(context: SaimaContext, session: Any, admin: Member,
                 state: Draft) -> tuple[str, InlineKeyboardMarkup | None] | None:
    """None if this draft's Confirm is still unused; else the card for what its first press made, saying
    so. A doubled press, or one replayed after a crash that came before the draft was closed, finds the
    token that the first press consumed in the transaction that made the broadcast."""
    done = confirmations.consumed(session, state.draft_id) if state.draft_id is not None else None
    if done is None:
        return None
    t = context.t
    already = t("Already confirmed: this broadcast was made once. Nothing new was sent.")
    made = broadcasts.by_id(session, done.entity_id) if done.entity_id is not None else None
    first = broadcasts.occurrence_of(session, made.id, 0) if made is not None else None
    if made is None or first is None:
        return f"✅ {already}", None
    tz = ZoneInfo(admin.team.timezone)
    counts = broadcasts.counts(session, first)
    text = words.report(t, text=made.text, counts=counts, when=first.due_at, tz=tz, occurrence=0, recurring=False)
    keyboard = _keyboard(words.report_buttons(t, occurrence_id=first.id, renudges=first.renudges, counts=counts))
    return f"{text}\n\n{already}", keyboard


def _store(context: SaimaContext, session: Any, message: Message, admin: Member, state: Draft,
           audience: dict[str, Any], now: datetime) -> tuple[str, InlineKeyboardMarkup | None]:
    """Makes the broadcast (and, for "now", its occurrence and outbox rows) and consumes the draft's token,
    all in `session`'s transaction; returns the card's new text and buttons."""
    t = context.t
    tz = ZoneInfo(admin.team.timezone)
    recurrence = state.recurrence
    send_at = state.send_at
    sender = roster.in_team(session, admin.team_id, admin.id)
    assert sender is not None and state.text is not None
    scheduled = bool(recurrence) or send_at is not None
    broadcast = broadcasts.create(session, sender=sender, text=state.text, file_id=state.file_id,
                                  file_kind=state.file_kind, audience=audience,
                                  send_at=send_at if send_at is not None else (None if recurrence else now),
                                  recurrence=recurrence,
                                  status=BroadcastStatus.SCHEDULED if scheduled else BroadcastStatus.DONE, now=now)
    if scheduled:
        text = t("✅ Scheduled: {when}, to {audience}. You will get a delivery report when it goes out; "
                 "/broadcasts lists scheduled broadcasts.").format(
            when=words.when_in_words(t, send_at=send_at, recurrence=recurrence, tz=tz),
            audience=words.audience_in_words(t, audience))
        keyboard = None
    else:
        made = broadcasts.start(session, broadcast, 0, due_at=now, now=now, config=context.config,
                                renderer=words.renderer, report_message_id=message.message_id)
        assert made is not None
        counts = broadcasts.counts(session, made)
        broadcasts.set_report(session, made.id, shown=counts.key())
        text = words.report(t, text=broadcast.text, counts=counts, when=now, tz=tz, occurrence=0, recurring=False)
        keyboard = _keyboard(words.report_buttons(t, occurrence_id=made.id, renudges=0, counts=counts))
    if state.draft_id is not None:
        session.flush()
        confirmations.consume(session, state.draft_id, entity="broadcast", entity_id=broadcast.id,
                              team_id=admin.team_id, member_id=admin.id, now=now)
    return text, keyboard


def _keyboard(rows: list[list[list[str]]]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data) for label, data in row]
                                 for row in rows])


# --- receipts, reports and the list ---------------------------------------------------------------


async def receipt_press(update: Update, context: SaimaContext) -> None:
    """已阅, Re-nudge unread, who has not read it, Cancel (each checked on the server)."""
    query = update.callback_query
    assert query is not None and query.data is not None and query.from_user is not None
    t = context.t
    pressed = receipts.parse(query.data)
    if pressed is None:
        await query.answer(t(INVALID), show_alert=True)
        return
    if pressed.action is receipts.Action.READ:
        await _read(update, context, pressed.target, pressed.number or 0)
        return
    admin = _admin(context)
    if admin is None:
        await query.answer(t(ADMINS_ONLY), show_alert=True)
        return
    if pressed.action is receipts.Action.RENUDGE:
        await _renudge(update, context, admin, pressed.target, pressed.number or 0)
    elif pressed.action is receipts.Action.NOT_READ:
        await _not_read(update, context, admin, pressed.target)
    elif pressed.action is receipts.Action.CANCEL:
        await _cancel(update, context, admin, pressed.target)
    else:
        await query.answer(t(INVALID), show_alert=True)


async def _read(update: Update, context: SaimaContext, broadcast_id: int, number: int) -> None:
    query = update.callback_query
    assert query is not None
    t = context.t
    with context.db.session() as session:
        result = broadcasts.mark_read(session, broadcast_id=broadcast_id, number=number,
                                      telegram_user_id=query.from_user.id, now=context.now())
    if not result.found:
        await query.answer(t(INVALID), show_alert=True)
        return
    await query.answer(t("Thank you: marked as read.") if result.newly_read else t("Already marked as read."))
    if result.newly_read:
        await cards.edit_buttons(query, None)


def _occurrence_of_team(session: Any, admin: Member, occurrence_id: int) -> tuple[Any, Any] | None:
    occ = broadcasts.occurrence(session, occurrence_id)
    if occ is None:
        return None
    broadcast = broadcasts.in_team(session, admin.team_id, occ.broadcast_id)
    return None if broadcast is None else (occ, broadcast)


async def _renudge(update: Update, context: SaimaContext, admin: Member, occurrence_id: int, expected: int) -> None:
    query = update.callback_query
    assert query is not None
    t = context.t
    now = context.now()
    refusal: str | None = None
    with context.db.session() as session:
        found = _occurrence_of_team(session, admin, occurrence_id)
        if found is None:
            refusal = t(INVALID)
        elif not broadcasts.unread(session, found[0]):
            refusal = t("Everyone who got it has read it.")
        elif not broadcasts.take_renudge(session, found[0].id, expected=expected):
            refusal = t("That reminder was sent already.")
        else:
            occ, broadcast = found
            sender = broadcasts.sender_of(session, broadcast)
            sent = broadcasts.enqueue_renudge(session, broadcast, occ, expected + 1, now=now,
                                              render=words.renderer(broadcast, occ.occurrence,
                                                                    sender=sender.display_name, reminder=True))
            counts = broadcasts.counts(session, occ)
            buttons = words.report_buttons(translator(sender.language), occurrence_id=occ.id,
                                           renudges=expected + 1, counts=counts)  # the sender's, in their language
    if refusal is not None:
        await query.answer(refusal, show_alert=True)
        return
    await query.answer(t.ngettext("A reminder goes to {n} member who has not read it.",
                                  "A reminder goes to {n} members who have not read it.", sent).format(n=sent))
    await cards.edit_buttons(query, _keyboard(buttons))


async def _not_read(update: Update, context: SaimaContext, admin: Member, occurrence_id: int) -> None:
    query = update.callback_query
    assert query is not None
    t = context.t
    with context.db.session() as session:
        found = _occurrence_of_team(session, admin, occurrence_id)
        rows = [] if found is None else [(m.display_name, why) for m, why in broadcasts.not_read(session, found[0])]
    if found is None:
        await query.answer(t(INVALID), show_alert=True)
        return
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.reply_text(words.not_read_list(t, rows))


async def _cancel(update: Update, context: SaimaContext, admin: Member, broadcast_id: int) -> None:
    query = update.callback_query
    assert query is not None
    t = context.t
    with context.db.session() as session:
        broadcast = broadcasts.in_team(session, admin.team_id, broadcast_id)
        cancelled = broadcast is not None and broadcasts.cancel(session, broadcast, actor=admin, now=context.now())
    if not cancelled:
        await query.answer(t(INVALID), show_alert=True)
        return
    await query.answer(t("Cancelled: it will not be sent again."))
    text, keyboard = _list(context, admin, note=t("Broadcast cancelled."))
    await cards.edit_card(query, text, keyboard)


def _list(context: SaimaContext, admin: Member, note: str = "") -> tuple[str, InlineKeyboardMarkup | None]:
    t = context.t
    tz = ZoneInfo(admin.team.timezone)
    with context.db.session() as session:
        pending = [(b.id, b.text, b.audience, b.send_at, b.recurrence) for b in broadcasts.scheduled(session, admin.team_id)]
    lines = [note] if note else []
    if not pending:
        lines.append(t("No scheduled or weekly broadcasts. /broadcast makes one."))
        return "\n".join(lines), None
    lines.append(t("Scheduled and weekly broadcasts:"))
    rows = []
    for index, (broadcast_id, text, audience, send_at, recurrence) in enumerate(pending, start=1):
        lines.append(words.scheduled_line(t, index=index, text=text, audience=audience, send_at=send_at,
                                          recurrence=recurrence, tz=tz))
        rows.append([InlineKeyboardButton(t("Cancel {n}").format(n=index), callback_data=receipts.build(
            receipts.Press(receipts.Action.CANCEL, broadcast_id)))])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


@admins_only
async def show_list(update: Update, context: SaimaContext) -> None:
    """`/broadcasts`: the team's scheduled and weekly broadcasts, each with Cancel."""
    admin = context.member()
    assert admin is not None and update.effective_message is not None
    text, keyboard = _list(context, admin)
    await update.effective_message.reply_text(text, reply_markup=keyboard)


FLOW = conversation.register(conversation.Flow(
    key="broadcast", state=Draft, prefixes=(callbacks.PREFIX,), answer=typed, files=True,
    cancelled=N_("Cancelled. Nothing was sent."), restarts=frozenset({"broadcast"}), keeps_on_team_switch=True))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    return [CommandHandler("broadcast", start, filters=private), CommandHandler("broadcasts", show_list, filters=private),
            CallbackQueryHandler(press, pattern=callbacks.PATTERN),
            CallbackQueryHandler(receipt_press, pattern=receipts.PATTERN)]
