"""A local Telegram Bot API emulator for demo mode, end-to-end tests and benchmarks.

`Emulator` (server.py) serves the Bot API to an unmodified python-telegram-bot; `EmulatorThread`
(thread.py) runs it in the background; `ControlClient` and the `SimUser` DSL (client.py, sim.py)
play the users and observe what the bot did.
"""

from emulator.client import (
           BotMessage,
           CallbackAnswer,
           ControlClient,
           SimGroup,
           SimUser,
           SyncControlClient,
           Transcript,
)
from emulator.server import Emulator
from emulator.thread import EmulatorThread

__all__ = ["BotMessage", "CallbackAnswer", "ControlClient", "Emulator", "EmulatorThread", "SimGroup", "SimUser",
           "SyncControlClient", "Transcript"]
