"""The order in which handler groups see an update (PTB runs groups in ascending order; in each group only
the first matching handler runs, and a handler raising ApplicationHandlerStop ends the update).

Flow modules never name a group number: `handlers.register` places every module's handlers here.
"""

from __future__ import annotations

import enum


class Group(enum.IntEnum):
    THROTTLE = -10_000  # a flood is shed at the door, before any work (handlers/throttle.py)
    GUARD = -1_000  # forged callback data never reaches a flow (handlers/guard.py)
    REACHABLE = -100  # bookkeeping: a user who wrote again can be reached again (jobs/delivery.py)
    STEPS = -1  # a waiting step (a log draft, /join's code, …) takes its typed answer before any flow (handlers/steps.py)
    FLOWS = 0  # commands and buttons (a draft's buttons too); the fallbacks come last in it
