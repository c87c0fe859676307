"""Bot API errors as Telegram reports them: an HTTP status, a description and optional parameters."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API failure; rendered as ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(self, error_code: int, description: str, *, retry_after: int | None = None,
                 migrate_to_chat_id: int | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.error_code, "description": self.description}
        parameters = {key: value for key, value in (("retry_after", self.retry_after),
                                                    ("migrate_to_chat_id", self.migrate_to_chat_id))
                      if value is not None}
        if parameters:
            body["parameters"] = parameters
        return body


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def upgraded(supergroup_id: int) -> ApiError:
    """A request to a group Telegram has upgraded to a supergroup: the new chat's id comes with it."""
    return ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat", migrate_to_chat_id=supergroup_id)


def forbidden(detail: str) -> ApiError:
    return ApiError(403, f"Forbidden: {detail}")


def not_found() -> ApiError:
    return ApiError(404, "Not Found")


def conflict(detail: str) -> ApiError:
    return ApiError(409, f"Conflict: {detail}")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


SERVER_ERRORS: dict[int, str] = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def server_error(status: int) -> ApiError:
    return ApiError(status, SERVER_ERRORS.get(status, "Internal Server Error"))
