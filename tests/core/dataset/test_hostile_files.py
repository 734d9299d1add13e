"""Files made to hurt: zip bombs, giant cells, pipes and devices, a giant first line, stray bytes, and
saves that must keep permissions, never overwrite their input and clean up after a killed process."""

import json
import os
import stat
import sys
import time
import zipfile

import pytest

from core.dataset import tabular
from core.dataset.io import read_rows, save_jsonl
from core.dataset.parallel import PARALLEL_FROM_BYTES, check_file
from core.dataset.tabular import MAX_TABLE_ROWS
from core.errors import CoreError
from core.fileio import STALE_SECONDS, write_atomically
from tests.cli.test_cli import run

CHAT = {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}


def _xlsx_bomb(path, rows):
    """A valid workbook whose sheet XML repeats one row: tiny on disk, huge unpacked."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["question", "answer"])
    book.save(path)
    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    row = ('<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>q</t></is></c>'
           '<c r="B{n}" t="inlineStr"><is><t>a</t></is></c></row>')
    body = "".join(row.format(n=n) for n in range(2, rows + 2))
    members[sheet] = members[sheet].replace(b"</row></sheetData>", b"</row>" + body.encode() + b"</sheetData>") \
        .replace(b'ref="A1:B1"', f'ref="A1:B{rows + 1}"'.encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)
    return path


def test_a_workbook_with_too_many_rows_is_refused_with_a_message(tmp_path, monkeypatch):
    assert MAX_TABLE_ROWS == 200_000
    monkeypatch.setattr(tabular, "MAX_TABLE_ROWS", 2_000)  # the same rule, reached in a fraction of the time
    path = _xlsx_bomb(tmp_path / "bomb.xlsx", 2_005)
    with pytest.raises(CoreError, match="more than 2,000 lines"):
        read_rows(path)


def test_a_workbook_that_unpacks_to_gigabytes_is_refused_before_unpacking(tmp_path):
    path = tmp_path / "zipbomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))
    assert path.stat().st_size < 1_000_000
    with pytest.raises(CoreError, match="would unpack to 300 MB"):
        read_rows(path)


def test_a_csv_cell_longer_than_the_csv_modules_limit_is_read(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("question,answer\n" + "".join(f"q{i},{'答' * 200_000}\n" for i in range(2)), encoding="utf-8")
    rows, _ = read_rows(path)
    assert len(rows[0].data["messages"][1]["content"]) == 200_000


def test_a_csv_with_an_unclosed_quote_is_a_message_not_a_traceback(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text('question,answer\n"q,a\n' + "x" * (17 * 1024 * 1024), encoding="utf-8")
    with pytest.raises(CoreError, match="broken.csv, line"):
        read_rows(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_a_pipe_is_refused_at_once_instead_of_waiting_for_ever(tmp_path):
    fifo = tmp_path / "data.jsonl"
    os.mkfifo(fifo)
    for reader in (read_rows, lambda p: check_file(p, "gpt-4o-mini")):
        with pytest.raises(CoreError, match="not a file that can be read as a dataset"):
            reader(fifo)
    result = run("check", str(fifo))
    assert result.returncode == 2 and "pipe" in result.stderr


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_is_refused(tmp_path):
    link = tmp_path / "zero.jsonl"
    link.symlink_to("/dev/zero")
    with pytest.raises(CoreError, match="not a file that can be read"):
        read_rows(link)


def test_a_big_file_whose_first_line_is_longer_than_a_block_is_still_recognised(tmp_path):
    long_row = {"messages": [{"role": "user", "content": "x" * (3 * 1024 * 1024)},
                             {"role": "assistant", "content": "a"}]}
    path = tmp_path / "big.jsonl"
    lines = [json.dumps(long_row)] + [json.dumps({"messages": [{"role": "user", "content": "y" * 2000},
                                                               {"role": "assistant", "content": f"{i}"}]})
                                      for i in range(3000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size >= PARALLEL_FROM_BYTES
    report, _ = check_file(path, "gpt-4o-mini-2024-07-18", workers=1)
    assert report.format.value == "chat" and report.examples == 3001 and report.tokens.total > 0


def test_one_stray_byte_in_utf8_is_flagged_not_guessed_as_a_code_page(tmp_path):
    good = [json.dumps(CHAT | {"messages": [{"role": "user", "content": f"question {i}"},
                                            {"role": "assistant", "content": "answer"}]}).encode() for i in range(12)]
    good[5] = b'{"messages": [{"role": "user", "content": "caf\xe9"}, {"role": "assistant", "content": "a"}]}'
    path = tmp_path / "stray.jsonl"
    path.write_bytes(b"\n".join(good) + b"\n")
    rows, info = read_rows(path)
    assert info.encoding == "utf-8"
    assert rows[5].data is None and "not UTF-8" in rows[5].parse_error and rows[5].line == 6
    assert all(r.data is not None for i, r in enumerate(rows) if i != 5)
    report, _ = check_file(path, "gpt-4o-mini-2024-07-18")
    assert [(p.line, p.code) for p in report.errors] == [(6, "invalid_json")]


def test_gbk_text_is_still_read_as_gbk(tmp_path):
    path = tmp_path / "gbk.jsonl"
    path.write_bytes(json.dumps({"messages": [{"role": "user", "content": "你好"},
                                              {"role": "assistant", "content": "您好"}]},
                                ensure_ascii=False).encode("gbk"))
    rows, info = read_rows(path)
    assert info.encoding == "gb18030" and rows[0].data["messages"][0]["content"] == "你好"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_saving_in_place_keeps_the_files_permissions(tmp_path):
    path = tmp_path / "shared.jsonl"
    path.write_text(json.dumps(CHAT) + "\n", encoding="utf-8")
    path.chmod(0o644)
    save_jsonl(path, read_rows(path)[0])
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    new = tmp_path / "new.jsonl"
    write_atomically(new, b"x")
    assert stat.S_IMODE(new.stat().st_mode) & 0o044  # a new output is readable like any file the user makes


def test_a_temporary_file_left_by_a_killed_save_is_removed_on_the_next_save(tmp_path):
    path = tmp_path / "data.jsonl"
    orphan = tmp_path / "data.jsonlab12cd.tmp"
    orphan.write_bytes(b"half a file")
    old = time.time() - STALE_SECONDS - 10
    os.utime(orphan, (old, old))
    fresh = tmp_path / "data.jsonlzz99.tmp"  # another save may be writing this one right now
    fresh.write_bytes(b"in progress")
    write_atomically(path, b"whole")
    assert not orphan.exists() and fresh.exists() and path.read_bytes() == b"whole"


def test_fix_split_never_overwrites_its_own_input(tmp_path):
    source = tmp_path / "X_validation.jsonl"
    source.write_text("\n".join(json.dumps(CHAT | {"n": i}) for i in range(4)) + "\n", encoding="utf-8")
    before = source.read_bytes()
    result = run("fix", str(source), "-o", str(tmp_path / "X.jsonl"), "--split", "0.5")
    assert result.returncode == 2 and "would be overwritten" in result.stderr
    assert source.read_bytes() == before and not (tmp_path / "X.jsonl").exists()
