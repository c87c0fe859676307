"""The playground: `make run` without a token. The project's emulator, the real bot on a throwaway SQLite
file, a team (an office admin, two members, the team's group) and a web page on 127.0.0.1 where a person
chats with the bot as any of them, presses buttons, sends files and moves the clock.

It composes the emulator and the bot as demo.py does; the emulator knows nothing of it.
"""

from playground.server import Playground, run_playground

__all__ = ["Playground", "run_playground"]
