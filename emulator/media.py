"""Files sent to and by bots: uploads, file_id reuse, photo sizes and image dimensions.

The emulator never resizes images: every PhotoSize of a photo serves the original bytes, with
the width and height a resized copy would have.
"""

from __future__ import annotations

import mimetypes
import struct
from typing import Any

from emulator.errors import bad_request
from emulator.params import UploadedFile
from emulator.state import FileStore, StoredFile

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
_THUMBNAIL_SIDE = 90


def store_upload(files: FileStore, kind: str, upload: UploadedFile | bytes, *, file_name: str | None = None,
                 mime_type: str | None = None) -> StoredFile:
    content = upload.data if isinstance(upload, UploadedFile) else upload
    if isinstance(upload, UploadedFile):
        file_name = file_name or upload.filename
        mime_type = mime_type or (upload.content_type if upload.content_type != "application/octet-stream" else None)
    if kind == "photo":
        size = image_size(content)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        return files.add("photo", content, file_name=file_name, mime_type=mime_type, width=size[0], height=size[1])
    if not content:
        raise bad_request("file must be non-empty")
    mime_type = mime_type or mimetypes.guess_type(file_name or "")[0] or "application/octet-stream"
    return files.add(kind, content, file_name=file_name, mime_type=mime_type)


def resolve_input(files: FileStore, kind: str, value: UploadedFile | str | None) -> StoredFile:
    """An uploaded file, or an existing file_id of the same kind."""
    if value is None:
        raise bad_request(f"there is no {kind} in the request")
    if isinstance(value, UploadedFile):
        return store_upload(files, kind, value)
    if value.startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")
    stored = files.by_id.get(value)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind:
        raise bad_request("type of file mismatch")
    return stored


def photo_sizes(files: FileStore, photo: StoredFile) -> list[dict[str, Any]]:
    """PhotoSize array, smallest first, as Telegram returns it."""
    sizes = []
    longest = max(photo.width, photo.height)
    if longest > _THUMBNAIL_SIDE:
        scale = _THUMBNAIL_SIDE / longest
        thumb = files.alias(photo, max(1, round(photo.width * scale)), max(1, round(photo.height * scale)))
        sizes.append(_photo_size(thumb))
    sizes.append(_photo_size(photo))
    return sizes


def _photo_size(stored: StoredFile) -> dict[str, Any]:
    return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "file_size": len(stored.content),
            "width": stored.width, "height": stored.height}


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF, JPEG, WebP or BMP image; None if it is none of these."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if data.startswith(b"BM") and len(data) >= 26:
        width, height = struct.unpack("<ii", data[18:26])
        return abs(width), abs(height)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return _webp_size(data)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        i += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little")
    if chunk == b"VP8 " and len(data) >= 30:
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None
