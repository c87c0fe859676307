"""A bare python-telegram-bot echo bot, long-polling: bench_startup's yardstick for start-up time and
memory. Started the way `bot.py run` is (a fresh process, BOT_TOKEN and BOT_API_BASE_URL from the
environment), it answers every text with that text until SIGTERM.

    BOT_TOKEN=… BOT_API_BASE_URL=… python bench/echo_bot.py
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters


async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(update.effective_message.text or "")


def main() -> None:
    application = (Application.builder().token(os.environ["BOT_TOKEN"])
                   .base_url(os.environ.get("BOT_API_BASE_URL", "https://api.telegram.org/bot")).build())
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.run_polling(poll_interval=0.0, timeout=10)


if __name__ == "__main__":
    main()
