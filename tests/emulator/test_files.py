"""File uploads, file_id reuse, getFile and downloads through the file URL."""

from __future__ import annotations

import pytest
from telegram import Bot, InputFile
from telegram.error import BadRequest

from emulator import ControlClient
from tests.emulator.conftest import USER, tiny_png


@pytest.mark.usefixtures("started")
async def test_an_uploaded_photo_comes_back_as_photo_sizes_and_downloads_intact(bot: Bot,
                                                                                  control: ControlClient) -> None:
    image = tiny_png(400, 200)
    message = await bot.send_photo(USER, image, caption="<b>榜单</b>", parse_mode="HTML")
    assert message.caption == "榜单" and message.caption_entities[0].type == "bold"
    sizes = message.photo
    assert [(s.width, s.height) for s in sizes] == [(90, 45), (400, 200)]
    file = await bot.get_file(sizes[-1].file_id)
    assert file.file_size == len(image)
    assert bytes(await file.download_as_bytearray()) == image
    event = (await control.events(kinds=["photo"]))["events"][0]
    assert (event["caption"], event["raw_text"]) == ("榜单", "<b>榜单</b>")


@pytest.mark.usefixtures("started")
async def test_an_uploaded_document_keeps_its_name_and_can_be_resent_by_file_id(bot: Bot,
                                                                                 control: ControlClient) -> None:
    content = "台账,2026\n".encode() * 100
    message = await bot.send_document(USER, InputFile(content, filename="台账.csv"), caption="年度台账")
    document = message.document
    assert document is not None
    assert (document.file_name, document.mime_type, document.file_size) == ("台账.csv", "text/csv", len(content))
    again = await bot.send_document(USER, document.file_id)
    assert again.document is not None and again.document.file_id == document.file_id
    downloaded = await (await bot.get_file(document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == content
    names = [e["file_name"] for e in (await control.events(kinds=["document"]))["events"]]
    assert names == ["台账.csv", "台账.csv"]


async def test_a_file_sent_by_a_user_can_be_fetched_by_the_bot(control: ControlClient, bot: Bot) -> None:
    content = b"PK\x03\x04 fake xlsx"
    sent = await control.send_file(USER, "document", "报告.xlsx", content, caption="请查收", first_name="张三")
    updates = await bot.get_updates()
    message = updates[-1].message
    assert message is not None and message.document is not None and message.caption == "请查收"
    assert message.document.file_id == sent["file_id"]
    assert message.document.mime_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    file = await bot.get_file(message.document.file_id)
    assert bytes(await file.download_as_bytearray()) == content


async def test_a_photo_sent_by_a_user_arrives_with_its_sizes(control: ControlClient, bot: Bot) -> None:
    await control.send_file(USER, "photo", "现场.png", tiny_png(60, 30), first_name="张三")
    message = (await bot.get_updates())[-1].message
    assert message is not None and [(p.width, p.height) for p in message.photo] == [(60, 30)]


@pytest.mark.usefixtures("started")
async def test_unknown_or_mismatched_file_ids_are_rejected(bot: Bot) -> None:
    with pytest.raises(BadRequest, match="^Wrong file identifier/http url specified$"):
        await bot.send_document(USER, "no-such-file-id")
    with pytest.raises(BadRequest, match="^Invalid file_id$"):
        await bot.get_file("no-such-file-id")
    photo = await bot.send_photo(USER, tiny_png())
    with pytest.raises(BadRequest, match="^Type of file mismatch$"):
        await bot.send_document(USER, photo.photo[-1].file_id)


@pytest.mark.usefixtures("started")
async def test_the_chat_state_names_each_file_for_get_file(bot: Bot, control: ControlClient) -> None:
    """A client reading a chat can show its files: a photo's largest size and a document, by file_id."""
    photo = await bot.send_photo(USER, tiny_png(400, 200))
    document = await bot.send_document(USER, InputFile(b"a,b\n", filename="t.csv"))
    await bot.send_message(USER, "text")
    shown = (await control.messages(USER))["messages"][-3:]
    assert document.document is not None
    assert [m["file_id"] for m in shown] == [photo.photo[-1].file_id, document.document.file_id, None]
