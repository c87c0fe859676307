"""`/lang`: switch between Chinese and English (`/lang zh`, `/lang en`, or buttons)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from core.callbacks import language as callbacks
from core.domain import Language
from handlers.cards import edit_card
from handlers.commands import publish_chat_menu
from handlers.context import LANGUAGE_KEY, SaimaContext
from handlers.incoming import args_of
from locales import SUPPORTED, translator
from storage import audit, members

_ALIASES = {"zh": "zh", "cn": "zh", "中文": "zh", "chinese": "zh", "en": "en", "english": "en", "英文": "en"}


async def choose_language(update: Update, context: SaimaContext) -> None:
    """`/lang en` switches at once; `/lang` alone shows 中文 / English buttons."""
    message = update.effective_message
    assert message is not None
    args = args_of(context.args)
    if not args:
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton("中文", callback_data=callbacks.build(callbacks.Press(callbacks.Action.ZH))),
              InlineKeyboardButton("English", callback_data=callbacks.build(callbacks.Press(callbacks.Action.EN)))]]
        )
        await message.reply_text(context.t("Choose your language:"), reply_markup=keyboard)
        return
    choice = _ALIASES.get(args[0].strip().lower())
    if choice is None:
        await message.reply_text(
            context.t("I don't know the language “{given}”. Send /lang zh for Chinese or /lang en for English.")
            .format(given=args[0][:20])
        )
        return
    await message.reply_text(await _switch(update, context, choice))


async def language_button(update: Update, context: SaimaContext) -> None:
    """The 中文 / English buttons: the message turns into the confirmation, in the new language."""
    query = update.callback_query
    assert query is not None and query.data is not None
    press = callbacks.parse(query.data)
    if press is None or press.action not in SUPPORTED:
        await query.answer(context.t("This button is not valid any more."), show_alert=True)
        return
    await query.answer()
    await edit_card(query, await _switch(update, context, press.action.value))


async def _switch(update: Update, context: SaimaContext, lang: str) -> str:
    user = update.effective_user
    assert user is not None
    before = context.language()
    member = context.member()
    if member is not None:
        with context.db.session() as session:
            members.set_language(session, user.id, Language(lang))
            audit.record(
                session, action="set_language", entity="member", entity_id=member.id, team_id=member.team_id,
                now=context.now(), actor_member_id=member.id, actor_telegram_id=user.id,
                before={"language": before}, after={"language": lang},
            )
        await publish_chat_menu(context.bot, user.id, member.role, lang, context.config.webapp.public_url)
    elif context.user_data is not None:
        context.user_data[LANGUAGE_KEY] = lang
    t = translator(lang)
    return t("Language set to English. Send /lang zh to switch back to Chinese.") if lang == "en" else t(
        "Language set to Chinese. Send /lang en to switch to English."
    )


def handlers() -> list[CommandHandler[SaimaContext, None] | CallbackQueryHandler[SaimaContext, None]]:
    return [
        CommandHandler("lang", choose_language),
        CallbackQueryHandler(language_button, pattern=callbacks.PATTERN),
    ]
