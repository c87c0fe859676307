"""The bot's rate limiter (jobs.delivery.RateLimiter, on PTB's public BaseRateLimiter): 30 requests in any
second overall, 20 a minute into a group, a 429 retried for ordinary requests and raised at once for
delivery's rows. Times are a fixed clock that only the limiter's own waits move."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import Forbidden, RetryAfter

from jobs.delivery import RateLimiter, SendHook
from tests.conftest import FakeTime


def limiter(clock: FakeTime, **settings: Any) -> RateLimiter:
    return RateLimiter(monotonic=clock.monotonic, sleep=clock.sleep, **settings)


def answering(clock: FakeTime, sent_at: list[float], *, fails: Callable[[int], BaseException | None] = lambda _: None,
              ) -> Callable[..., Awaitable[bool]]:
    """A stand-in for the HTTP request: records when it left, then answers (or raises `fails(n)`)."""

    async def request(*_args: Any, **_kwargs: Any) -> bool:
        sent_at.append(clock.now)
        error = fails(len(sent_at))
        if error is not None:
            raise error
        return True
    return request


async def send(rate_limiter: RateLimiter, request: Callable[..., Awaitable[bool]], chat_id: int | None,
               rate_limit_args: Any = None, endpoint: str = "sendMessage") -> Any:
    data: dict[str, Any] = {"text": "你好"} if chat_id is None else {"chat_id": chat_id, "text": "你好"}
    return await rate_limiter.process_request(request, (), {}, endpoint, data, rate_limit_args)  # type: ignore[arg-type]


async def test_thirty_requests_go_at_once_and_the_thirty_first_a_second_after_their_answers() -> None:
    clock = FakeTime()
    rate_limiter, sent_at = limiter(clock), list[float]()
    request = answering(clock, sent_at)
    await asyncio.gather(*(send(rate_limiter, request, chat_id=1000 + n) for n in range(30)))
    await send(rate_limiter, request, chat_id=2000)
    assert sent_at == [0.0] * 30 + [1.0]


async def test_a_request_telegram_refused_frees_its_place_at_once() -> None:
    clock = FakeTime()
    rate_limiter, sent_at = limiter(clock), list[float]()
    request = answering(clock, sent_at, fails=lambda n: Forbidden("bot was blocked by the user") if n <= 5 else None)
    results = await asyncio.gather(*(send(rate_limiter, request, chat_id=1000 + n) for n in range(30)),
                                   return_exceptions=True)
    assert sum(isinstance(r, Forbidden) for r in results) == 5
    await asyncio.gather(*(send(rate_limiter, request, chat_id=3000 + n) for n in range(5)))
    assert sent_at == [0.0] * 35  # the five refused did not count: five more go in the same second


async def test_requests_that_name_no_chat_are_not_counted() -> None:
    clock = FakeTime()
    rate_limiter, sent_at = limiter(clock), list[float]()
    await asyncio.gather(*(send(rate_limiter, answering(clock, sent_at), chat_id=None, endpoint="getMe")
                           for _ in range(40)))
    assert sent_at == [0.0] * 40


async def test_twenty_go_into_a_group_and_the_next_waits_while_other_chats_go_on() -> None:
    clock = FakeTime()
    rate_limiter, sent_at = limiter(clock), list[float]()
    request = answering(clock, sent_at)
    into_group = [asyncio.ensure_future(send(rate_limiter, request, chat_id=-100)) for _ in range(21)]
    elsewhere = await asyncio.gather(send(rate_limiter, request, chat_id=-200), send(rate_limiter, request, 7))
    for _ in range(5):
        await asyncio.sleep(0)
    try:
        assert list(elsewhere) == [True, True]
        assert [task.done() for task in into_group] == [True] * 20 + [False]  # the 21st waits ~3 s
        assert len(sent_at) == 22
    finally:
        into_group[-1].cancel()
        await asyncio.gather(into_group[-1], return_exceptions=True)


def _429(_: int) -> BaseException:
    return RetryAfter(timedelta(seconds=3))


@pytest.mark.parametrize(("max_retries", "rate_limit_args", "first_ok", "tries", "slept", "raised"), [
    (0, None, 1, 1, [], False),  # no 429: one try
    (0, None, 99, 1, [], True),  # no retries: the 429 is the caller's
    (2, None, 2, 2, [3.1], False),  # one 429, retried after retry_after + 0.1 s
    (2, None, 99, 3, [3.1, 3.1], True),  # two retries, then the 429 is raised
    (0, 1, 2, 2, [3.1], False),  # the request's own rate_limit_args: retries for it
])
async def test_a_429_is_retried_as_ptbs_limiter_does(max_retries: int, rate_limit_args: int | None, first_ok: int,
                                                     tries: int, slept: list[float], raised: bool) -> None:
    clock = FakeTime()
    rate_limiter, sent_at = limiter(clock, max_retries=max_retries), list[float]()
    request = answering(clock, sent_at, fails=lambda n: None if n >= first_ok else _429(n))
    if raised:
        with pytest.raises(RetryAfter):
            await send(rate_limiter, request, chat_id=1, rate_limit_args=rate_limit_args)
    else:
        assert await send(rate_limiter, request, chat_id=1, rate_limit_args=rate_limit_args) is True
    assert (len(sent_at), clock.slept) == (tries, slept)


async def test_a_delivery_row_meets_its_429_at_once_and_is_marked_leaving_only_when_let_through() -> None:
    clock = FakeTime()
    rate_limiter, sent_at, leaving = limiter(clock, max_retries=3), list[float](), list[float]()

    async def before_send() -> None:
        leaving.append(clock.now)

    await asyncio.gather(*(send(rate_limiter, answering(clock, []), chat_id=5000 + n) for n in range(30)))
    with pytest.raises(RetryAfter):
        await send(rate_limiter, answering(clock, sent_at, fails=_429), chat_id=1, rate_limit_args=SendHook(before_send))
    assert (leaving, sent_at, clock.slept) == ([1.0], [1.0], [1.0])  # waited for its place, then no retry


async def test_while_a_429_is_waited_out_every_other_request_waits_too() -> None:
    release = asyncio.Event()
    slept: list[float] = []

    async def held_sleep(seconds: float) -> None:
        slept.append(seconds)
        await release.wait()

    rate_limiter = RateLimiter(max_retries=1, sleep=held_sleep)
    first: list[float] = []
    other: list[float] = []
    clock = FakeTime()
    met_429 = asyncio.ensure_future(send(rate_limiter, answering(clock, first, fails=lambda n: _429(n) if n == 1
                                                                 else None), chat_id=1))
    while not slept:
        await asyncio.sleep(0)
    waiting = asyncio.ensure_future(send(rate_limiter, answering(clock, other), chat_id=2))
    for _ in range(5):
        await asyncio.sleep(0)
    assert other == []
    release.set()
    assert list(await asyncio.gather(met_429, waiting)) == [True, True]
    assert (len(first), len(other)) == (2, 1)


async def test_a_long_text_is_cut_to_telegrams_limit_on_the_way() -> None:
    rate_limiter = RateLimiter()
    data: dict[str, Any] = {"chat_id": 1, "text": "长" * 5000}

    async def request(*_args: Any, **_kwargs: Any) -> bool:
        return True
    await rate_limiter.process_request(request, (), {}, "sendMessage", data, None)
    assert len(data["text"]) == 4096 and data["text"].endswith("…")
