"""``python -m bench.emulator_main``: the emulator as ``python -m emulator`` serves it, with users who
have already opened the bot, so a benchmark with thousands of recipients need not send each /start.

    python -m bench.emulator_main --port 9000 [--flood] [--bot-id 7000000001 --started FIRST COUNT]
"""

from __future__ import annotations

import argparse
import asyncio

from emulator.server import Emulator, serve_until_signalled
from emulator.state import Chat


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.emulator_main")
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--flood", action="store_true", help="enforce Telegram's flood limits")
    parser.add_argument("--bot-id", type=int, default=7000000001)
    parser.add_argument("--started", type=int, nargs=2, metavar=("FIRST", "COUNT"), default=(0, 0),
                        help="user ids FIRST … FIRST+COUNT-1 have opened a private chat with the bot")
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    emulator = Emulator(flood=args.flood)
    bot = emulator.world.bot(args.bot_id)
    first, count = args.started
    for user_id in range(first, first + count):
        person = emulator.world.upsert_user(user_id, first_name=f"成员{user_id - first}")
        bot.chats[user_id] = Chat(user_id, "private", first_name=person.first_name)
        bot.started.add(user_id)
    await serve_until_signalled(emulator, "127.0.0.1", args.port)


if __name__ == "__main__":
    asyncio.run(serve(parse_args()))
