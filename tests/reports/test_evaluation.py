"""The printed evaluation: a one-page A4 PDF with the Chinese font embedded (TrueType, its glyphs mapped back to
the characters), the same page as a PNG that is not blank and has ink in its title; the zip holds every member's."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from datetime import date, datetime
from decimal import Decimal

from PIL import Image
from sqlalchemy import select

from config import Config
from locales import translator
from reports import evaluation as report
from reports import ledger
from storage import evaluation, team_duties, teams
from storage import ledger as ledger_storage
from storage.db import Database
from storage.models import Member
from tests.conftest import SHANGHAI
from tests.storage.test_evaluation import WANG, ZHANG, scripted_year


def _team_evaluation(db: Database) -> evaluation.TeamEvaluation:
    team_id, _ = scripted_year(db)
    with db.session() as session:
        return evaluation.team_evaluation(session, teams.one(session, team_id), 2026, today=date(2027, 1, 4),
                                          config=Config())


def _streams(pdf: bytes) -> list[bytes]:
    found = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.S):
        try:
            found.append(zlib.decompress(raw))
        except zlib.error:
            found.append(raw)
    return found


def test_the_pdf_is_one_a4_page_with_the_chinese_font_embedded(db: Database) -> None:
    found = _team_evaluation(db)
    entry = found.entries[0]
    assert entry.name == ZHANG
    pdf = report.pdf(translator("zh"), found, entry)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 1
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1
    assert re.search(rb"/MediaBox\s*\[\s*0 0 595\.?\d* 841\.?\d*", pdf)  # A4 in points
    assert b"/FontFile2" in pdf and b"NotoSansSC" in pdf.replace(b"-", b"")  # the TrueType font itself, embedded
    unicode_maps = b"".join(stream for stream in _streams(pdf) if b"beginbfchar" in stream or b"beginbfrange" in stream)
    for character in "年度履职张三省政府党组下基层调研":  # the title's, the name's, the team's, a duty's
        assert f"{ord(character):04X}".encode() in unicode_maps.upper(), character


def test_the_png_has_ink_in_the_title_and_is_not_blank(db: Database) -> None:
    found = _team_evaluation(db)
    png = report.png(translator("zh"), found, found.entries[0], dpi=60)
    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    assert (width, height) == (round(8.27 * 60), round(11.69 * 60))
    title = image.crop((0, 0, width, int(height * 0.08)))
    dark = sum(title.histogram()[:128])
    assert dark > 300  # the title's strokes
    body = image.crop((0, int(height * 0.1), width, height))
    assert sum(body.histogram()[:128]) > 5000  # the figures and the chart


def test_the_zip_holds_every_member_s_pdf(db: Database) -> None:
    found = _team_evaluation(db)
    content = report.archive(translator("zh"), found)
    with zipfile.ZipFile(io.BytesIO(content)) as folder:
        names = folder.namelist()
        assert names == [report.file_name(translator("zh"), found, entry) for entry in found.entries]
        assert all(folder.read(name).startswith(b"%PDF") for name in names)


def test_the_ledger_s_evaluation_sheet_has_a_row_per_member_cell_by_cell(db: Database) -> None:
    team_id, ids = scripted_year(db)
    now = datetime(2027, 1, 5, 10, tzinfo=SHANGHAI)
    with db.session() as session:
        admin = session.scalars(select(Member).where(Member.team_id == team_id, Member.telegram_user_id == 900)).one()
        for name, grade in ((ZHANG, "优秀"), (WANG, "称职")):
            evaluation.record_grade(session, team_id=team_id, year=2026, member_id=ids[name], grade=grade,
                                    actor=admin, now=now)
        evaluation.record_comment(session, team_id=team_id, year=2026, member_id=ids[ZHANG], comment="调研扎实",
                                  actor=admin, now=now)
        evaluation.publish(session, team_id=team_id, year=2026, member_ids=list(ids.values()), actor=admin, now=now)
        sheets = ledger.build(ledger_storage.year_ledger(session, teams.one(session, team_id), 2026,
                                                         today=date(2027, 1, 6), config=Config()), t=translator("zh"))
    (sheet,) = [s for s in sheets if s.key == "evaluation"]
    t = translator("zh")
    assert [t(column.header) for column in sheet.columns] == [
        "成员", "排名", "得分", "下基层调研", "重点调研课题", "集体学习", "集体学法", "领办重点建议", "领办重点提案",
        "按期率", "逾期事项", "课题", "领跑月份", "评价等次", "评语", "发布日期"]
    assert sheet.rows == [
        [ZHANG, 1, 29, 0.117, 1.0, 0.0, 0.0, 1.0, 0.0, 0.5, 1, "形成报告", "2月、3月", "优秀",
         "调研扎实", date(2027, 1, 5)],
        [WANG, 2, 19.9, 0.331, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0, "尚未立项", "8月", "称职", "",
         date(2027, 1, 5)],
    ]


def test_the_evaluation_sheet_has_a_column_per_team_duty_after_the_six(db: Database) -> None:
    """A team that added 接访下访 (12 days a year): its completion is a column after the six built-in duties', so
    the sheet shows what each member's 年度履职情况 lists."""
    team_id, ids = scripted_year(db)
    with db.session() as session:
        visits, _ = team_duties.set_duty(session, team_id=team_id, name="接访下访", unit="天", yearly_target=Decimal(12),
                                         weight=Decimal(5), now=datetime(2026, 1, 2, 10, tzinfo=SHANGHAI))
        zhang = session.get_one(Member, ids[ZHANG])
        team_duties.log_entry(session, duty=visits, member=zhang, day=date(2026, 11, 20), amount=Decimal(3),
                              note="接待群众来访", now=datetime(2026, 11, 20, 10, tzinfo=SHANGHAI))
        sheets = ledger.build(ledger_storage.year_ledger(session, teams.one(session, team_id), 2026,
                                                         today=date(2027, 1, 6), config=Config()), t=translator("zh"))
    (sheet,) = [s for s in sheets if s.key == "evaluation"]
    t = translator("zh")
    headers = [t(column.header) for column in sheet.columns]
    assert headers[3:10] == ["下基层调研", "重点调研课题", "集体学习", "集体学法", "领办重点建议", "领办重点提案", "接访下访"]
    assert [row[9] for row in sheet.rows] == [0.25, 0.0]  # 张三 3 of 12 days; 王五 none
    assert all(len(row) == len(headers) for row in sheet.rows)
