"""Clients for the emulator's control API.

`ControlClient` (async, httpx) wraps every ``/_control`` endpoint and is the entry point to the
user-simulation DSL (`SimUser`, `SimGroup`, `BotMessage`, `Transcript` from emulator/sim.py).
`SyncControlClient` offers the same endpoints for code that is not async.
Every endpoint returns the decoded JSON answer; a control error raises `ControlApiError`.
"""

from __future__ import annotations

import base64
import functools
import ssl
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Generic, TypeVar, cast

import httpx

from emulator.sim import BotMessage, CallbackAnswer, SimGroup, SimUser, Transcript

__all__ = ["BotMessage", "CallbackAnswer", "ControlApiError", "ControlClient", "SimGroup", "SimUser",
           "SyncControlClient", "Transcript"]

R = TypeVar("R")
JSON = dict[str, Any]


class ControlApiError(RuntimeError):
    """The control API refused a request."""


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One shared context: building one per client reloads the CA bundle (~30 ms each)."""
    return ssl.create_default_context()


def _clean(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


def _kinds(kinds: Iterable[str] | None) -> list[str] | None:
    return sorted(kinds) if kinds else None


def _decode(response: httpx.Response) -> JSON:
    body = response.json()
    if response.status_code >= 400:
        raise ControlApiError(body.get("error") if isinstance(body, dict) else response.text)
    return cast(JSON, body)  # the control API answers with a JSON object


class _Endpoints(Generic[R]):
    """Every control endpoint; subclasses decide whether a call is awaited or blocking."""

    bot_id: int | None = None

    def _request(self, verb: str, path: str, body: dict[str, Any] | None = None, *,
                 timeout: float | None = None) -> R:
        raise NotImplementedError

    def _call(self, verb: str, path: str, body: dict[str, Any] | None = None, *,
              timeout: float | None = None) -> R:
        payload = _clean({"bot_id": self.bot_id, **(body or {})})
        return self._request(verb, path, payload, timeout=timeout)

    def health(self) -> R:
        return self._call("GET", "health")

    def bots(self) -> R:
        return self._call("GET", "bots")

    def register_bot(self, bot_id: int, *, username: str | None = None, first_name: str | None = None) -> R:
        return self._request("POST", "bots", _clean({"bot_id": bot_id, "username": username,
                                                      "first_name": first_name}))

    def register_user(self, user_id: int, first_name: str | None = None, *, last_name: str | None = None,
                      username: str | None = None, language_code: str | None = None) -> R:
        return self._call("POST", "users", {"user_id": user_id, "first_name": first_name, "last_name": last_name,
                                            "username": username, "language_code": language_code})

    def send(self, user_id: int, text: str, *, first_name: str | None = None, last_name: str | None = None,
             username: str | None = None, language_code: str | None = None, chat_id: int | None = None,
             chat_type: str | None = None, chat_title: str | None = None,
             reply_to_message_id: int | None = None) -> R:
        return self._call("POST", "send", {
            "user_id": user_id, "text": text, "first_name": first_name, "last_name": last_name,
            "username": username, "language_code": language_code, "chat_id": chat_id, "chat_type": chat_type,
            "chat_title": chat_title, "reply_to_message_id": reply_to_message_id})

    def press(self, user_id: int, message_id: int, data: str, *, chat_id: int | None = None) -> R:
        return self._call("POST", "press", {"user_id": user_id, "message_id": message_id, "data": data,
                                            "chat_id": chat_id})

    def send_file(self, user_id: int, kind: str, file_name: str, content: bytes, *, mime_type: str | None = None,
                  caption: str | None = None, chat_id: int | None = None, first_name: str | None = None) -> R:
        return self._call("POST", "send_file", {
            "user_id": user_id, "kind": kind, "file_name": file_name, "mime_type": mime_type,
            "content_base64": base64.b64encode(content).decode("ascii"), "caption": caption,
            "chat_id": chat_id, "first_name": first_name})

    def add_to_group(self, chat_id: int, title: str, by_user_id: int, *, chat_type: str | None = None) -> R:
        return self._call("POST", "add_to_group", {"chat_id": chat_id, "title": title, "by_user_id": by_user_id,
                                                   "chat_type": chat_type})

    def remove_from_group(self, chat_id: int, by_user_id: int) -> R:
        return self._call("POST", "remove_from_group", {"chat_id": chat_id, "by_user_id": by_user_id})

    def upgrade_group(self, chat_id: int, supergroup_id: int, by_user_id: int, *, announce: bool = True) -> R:
        return self._call("POST", "upgrade_group", {"chat_id": chat_id, "supergroup_id": supergroup_id,
                                                    "by_user_id": by_user_id, "announce": announce})

    def set_chat_member(self, chat_id: int, user_id: int, status: str) -> R:
        return self._call("POST", "chat_member", {"chat_id": chat_id, "user_id": user_id, "status": status})

    def events(self, after: int = 0, *, chat_id: int | None = None, limit: int | None = None,
               kinds: Iterable[str] | None = None) -> R:
        kinds_csv = ",".join(_kinds(kinds) or []) or None
        return self._call("GET", "events", {"after": after, "chat_id": chat_id, "limit": limit, "kinds": kinds_csv})

    def wait(self, after: int, *, chat_id: int | None = None, count: int = 1, timeout: float = 10.0,
             kinds: Iterable[str] | None = None, callback_query_id: str | None = None) -> R:
        return self._call("POST", "wait", {"after": after, "chat_id": chat_id, "count": count, "timeout": timeout,
                                           "kinds": _kinds(kinds), "callback_query_id": callback_query_id},
                          timeout=timeout + 10)

    def messages(self, chat_id: int) -> R:
        return self._call("GET", "messages", {"chat_id": chat_id})

    def commands(self, *, chat_id: int | None = None, user_id: int | None = None,
                 language_code: str | None = None) -> R:
        return self._call("GET", "commands", {"chat_id": chat_id, "user_id": user_id,
                                              "language_code": language_code})

    def faults(self) -> R:
        return self._call("GET", "faults")

    def add_fault(self, status: int | str, *, method: str | None = None, retry_after: int | None = None,
                  delay: float | None = None, count: int | None = None, probability: float | None = None,
                  seed: int | None = None, apply: bool | None = None) -> R:
        return self._request("POST", "faults", _clean({
            "status": status, "method": method, "retry_after": retry_after, "delay": delay, "count": count,
            "probability": probability, "seed": seed, "apply": apply, "bot_id": self.bot_id}))

    def clear_faults(self) -> R:
        return self._request("DELETE", "faults")

    def block(self, user_id: int, blocked: bool = True) -> R:
        return self._call("POST", "block", {"user_id": user_id, "blocked": blocked})

    def flood(self, enabled: bool = True, *, global_per_second: int | None = None,
              group_per_minute: int | None = None, chat_per_second: int | None = None) -> R:
        return self._request("POST", "flood", _clean({
            "enabled": enabled, "global_per_second": global_per_second, "group_per_minute": group_per_minute,
            "chat_per_second": chat_per_second}))

    def stats(self) -> R:
        return self._request("GET", "stats")

    def reset(self) -> R:
        return self._request("POST", "reset")

    def updates(self, *, update_id: int | None = None) -> R:
        """The bot's latest updates as sent (to deliver one again); with `update_id`, that one."""
        return self._call("GET", "updates", {"update_id": update_id})


class ControlClient(_Endpoints[Awaitable[JSON]]):
    """Async control client; ``user()`` and ``group()`` start the simulation DSL.

    `before_action`, when set, is awaited before each simulated user acts or waits for a message: the
    system under test says there what must be finished first (e.g. sending what it has queued), so a
    reply is never confused with a message that was merely late. The emulator does not know what it does.
    """

    def __init__(self, control_url: str, *, bot_id: int | None = None, default_timeout: float = 10.0,
                 bot_name: str = "Saima", before_action: Callable[[], Awaitable[object]] | None = None) -> None:
        self.control_url = control_url.rstrip("/")
        self.bot_id = bot_id
        self.default_timeout = default_timeout
        self.before_action = before_action
        self.transcript = Transcript(self, bot_name=bot_name)
        self._http = httpx.AsyncClient(timeout=30.0, verify=_tls_context())

    async def _request(self, verb: str, path: str, body: dict[str, Any] | None = None, *,
                       timeout: float | None = None) -> JSON:
        url = f"{self.control_url}/{path}"
        options: dict[str, Any] = {"timeout": timeout} if timeout is not None else {}
        if verb == "GET":
            response = await self._http.get(url, params=body or None, **options)
        else:
            response = await self._http.request(verb, url, json=body or None, **options)
        return _decode(response)

    async def settle(self) -> None:
        """Awaits `before_action`, if any (see the class docstring)."""
        if self.before_action is not None:
            await self.before_action()

    def user(self, user_id: int, first_name: str, *, last_name: str | None = None, username: str | None = None,
             language_code: str | None = None) -> SimUser:
        return SimUser(self, user_id, first_name, last_name=last_name, username=username,
                       language_code=language_code)

    def group(self, chat_id: int, title: str, *, chat_type: str | None = None) -> SimGroup:
        return SimGroup(self, chat_id, title, chat_type=chat_type)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> ControlClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


class SyncControlClient(_Endpoints[JSON]):
    """Blocking control client with the same endpoints as `ControlClient`."""

    def __init__(self, control_url: str, *, bot_id: int | None = None) -> None:
        self.control_url = control_url.rstrip("/")
        self.bot_id = bot_id
        self._http = httpx.Client(timeout=30.0, verify=_tls_context())

    def _request(self, verb: str, path: str, body: dict[str, Any] | None = None, *,
                 timeout: float | None = None) -> JSON:
        url = f"{self.control_url}/{path}"
        options: dict[str, Any] = {"timeout": timeout} if timeout is not None else {}
        if verb == "GET":
            return _decode(self._http.get(url, params=body or None, **options))
        return _decode(self._http.request(verb, url, json=body or None, **options))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SyncControlClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
