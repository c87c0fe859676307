"""Telegram Mini App `initData`: checked exactly as Telegram specifies ("Validating data received via the
Mini App"), and signed the same way for the tests and the demo.

- The data-check-string is every field but `hash`, as `key=value`, sorted by key, joined by "\\n".
- The secret key is HMAC-SHA256 of the bot token with the key "WebAppData".
- The hash is the hex HMAC-SHA256 of the data-check-string with that secret key, compared in constant time.
- `auth_date` (Unix seconds) must be no older than `max_age` seconds (and not from the future, beyond a
  small allowance for clocks that differ).

Pure: the caller gives the token and the time; nothing here reads configuration or the clock.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

#: A signature dated this far ahead of our clock still counts (clocks differ by a little).
FUTURE_ALLOWANCE_SECONDS = 60


class InitDataError(Exception):
    """Why initData is refused: ``reason`` is one of "missing", "malformed", "forged", "stale"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class WebAppUser:
    """Who opened the Mini App, as Telegram signed it."""

    id: int
    first_name: str
    language_code: str | None
    auth_date: datetime


def _secret(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def _check_string(fields: Mapping[str, str]) -> str:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def _signature(fields: Mapping[str, str], bot_token: str) -> str:
    return hmac.new(_secret(bot_token), _check_string(fields).encode(), hashlib.sha256).hexdigest()


def sign(bot_token: str, *, user: Mapping[str, Any], auth_date: datetime, **extra: str) -> str:
    """initData as Telegram would give it to a page opened by ``user`` at ``auth_date`` (a query string)."""
    fields = {"auth_date": str(int(auth_date.timestamp())),
              "user": json.dumps(dict(user), ensure_ascii=False, separators=(",", ":")), **extra}
    fields["hash"] = _signature(fields, bot_token)
    return urlencode(fields)


def validate(init_data: str, bot_token: str, *, now: datetime, max_age_seconds: int) -> WebAppUser:
    """The user ``init_data`` was signed for; raises InitDataError when it is missing, forged or stale."""
    if not init_data or not bot_token:
        raise InitDataError("missing")
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise InitDataError("malformed") from None
    fields = dict(pairs)
    if len(fields) != len(pairs) or "hash" not in fields:
        raise InitDataError("malformed" if len(fields) != len(pairs) else "missing")
    if not hmac.compare_digest(_signature(fields, bot_token).encode(), fields["hash"].encode()):
        raise InitDataError("forged")
    try:
        signed_at = int(fields["auth_date"])
        user = json.loads(fields["user"])
        user_id = user["id"]
    except (KeyError, ValueError, TypeError):
        raise InitDataError("malformed") from None
    if not isinstance(user_id, int) or isinstance(user_id, bool) or not isinstance(user, dict):
        raise InitDataError("malformed")
    age = now.timestamp() - signed_at
    if age > max_age_seconds or age < -FUTURE_ALLOWANCE_SECONDS:
        raise InitDataError("stale")
    language = user.get("language_code")
    return WebAppUser(id=user_id, first_name=str(user.get("first_name", "")),
                      language_code=language if isinstance(language, str) else None,
                      auth_date=datetime.fromtimestamp(signed_at, tz=now.tzinfo))
