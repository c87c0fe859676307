"""``python -m emulator``: run the Bot API emulator standalone until interrupted."""

from __future__ import annotations

import argparse
import asyncio

from emulator.server import Emulator, serve_until_signalled


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m emulator", description="Local Telegram Bot API emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--bot-username", default="saima_test_bot")
    parser.add_argument("--flood", action="store_true", help="enforce Telegram's flood limits")
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    await serve_until_signalled(Emulator(bot_username=args.bot_username, flood=args.flood), args.host, args.port)


def main(argv: list[str] | None = None) -> None:
    asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
