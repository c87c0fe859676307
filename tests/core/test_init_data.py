"""Mini App initData: Telegram's scheme, checked against a signature computed here step by step."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote, urlencode

import pytest

from core.init_data import InitDataError, sign, validate

TOKEN = "123456:ABC-test-token"
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
USER = {"id": 42, "first_name": "张三", "last_name": "李", "language_code": "zh-hans"}


def by_hand(fields: dict[str, str], token: str = TOKEN) -> str:
    """Telegram's documented steps, written out independently of core.init_data."""
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    return hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()


def test_signed_data_validates_and_names_the_user() -> None:
    user = validate(sign(TOKEN, user=USER, auth_date=NOW - timedelta(minutes=5)), TOKEN, now=NOW,
                    max_age_seconds=86400)
    assert (user.id, user.first_name, user.language_code) == (42, "张三", "zh-hans")


def test_data_signed_by_hand_as_telegram_does_validates_whatever_the_field_order() -> None:
    fields = {"query_id": "AAH", "user": json.dumps(USER, ensure_ascii=False), "auth_date": str(int(NOW.timestamp())),
              "chat_type": "private"}
    digest = by_hand(fields)
    for order in (["hash", *fields], [*reversed(list(fields)), "hash"]):
        full = {**fields, "hash": digest}
        text = "&".join(f"{key}={quote(full[key], safe='')}" for key in order)
        assert validate(text, TOKEN, now=NOW, max_age_seconds=60).id == 42


def test_sign_produces_telegrams_hash() -> None:
    fields = dict(parse_qsl(sign(TOKEN, user=USER, auth_date=NOW)))
    digest = fields.pop("hash")
    assert digest == by_hand(fields)
    assert json.loads(fields["user"])["first_name"] == "张三"


@pytest.mark.parametrize("tamper", ["user", "auth_date", "hash", "token"])
def test_forged_data_is_refused(tamper: str) -> None:
    fields = dict(parse_qsl(sign(TOKEN, user=USER, auth_date=NOW)))
    token = TOKEN
    if tamper == "user":
        fields["user"] = json.dumps({**USER, "id": 43}, ensure_ascii=False)
    elif tamper == "auth_date":
        fields["auth_date"] = str(int(NOW.timestamp()) + 1)
    elif tamper == "hash":
        fields["hash"] = "0" * 64
    else:
        token = "654321:OTHER"
    with pytest.raises(InitDataError) as caught:
        validate(urlencode(fields), token, now=NOW, max_age_seconds=86400)
    assert caught.value.reason == "forged"


def test_stale_data_is_refused_and_fresh_enough_is_not() -> None:
    signed = sign(TOKEN, user=USER, auth_date=NOW - timedelta(seconds=86401))
    with pytest.raises(InitDataError) as caught:
        validate(signed, TOKEN, now=NOW, max_age_seconds=86400)
    assert caught.value.reason == "stale"
    assert validate(sign(TOKEN, user=USER, auth_date=NOW - timedelta(seconds=86400)), TOKEN, now=NOW,
                    max_age_seconds=86400).id == 42
    with pytest.raises(InitDataError):  # from the future, beyond clocks' small differences
        validate(sign(TOKEN, user=USER, auth_date=NOW + timedelta(hours=1)), TOKEN, now=NOW, max_age_seconds=86400)


@pytest.mark.parametrize("text", ["", "user=%7B%7D&auth_date=1", "hash=", "a&&b"])
def test_missing_or_malformed_is_refused(text: str) -> None:
    with pytest.raises(InitDataError) as caught:
        validate(text, TOKEN, now=NOW, max_age_seconds=86400)
    assert caught.value.reason in {"missing", "malformed", "forged"}


def test_a_signed_field_missing_is_refused() -> None:
    fields = {"auth_date": str(int(NOW.timestamp())), "query_id": "x"}
    fields["hash"] = by_hand(fields)
    with pytest.raises(InitDataError) as caught:
        validate(urlencode(fields), TOKEN, now=NOW, max_age_seconds=86400)
    assert caught.value.reason == "malformed"


def test_duplicated_field_is_refused() -> None:
    signed = sign(TOKEN, user=USER, auth_date=NOW)
    with pytest.raises(InitDataError):
        validate(signed + "&auth_date=1", TOKEN, now=NOW, max_age_seconds=86400)


def test_no_token_refuses_everything() -> None:
    with pytest.raises(InitDataError):
        validate(sign("", user=USER, auth_date=NOW), "", now=NOW, max_age_seconds=86400)
