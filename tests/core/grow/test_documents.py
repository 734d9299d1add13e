"""Reading documents to grow from: text in any common encoding, Word, PDF, and the files that must be refused."""

import io
import zipfile
from pathlib import Path

import pypdf
import pytest

from core.errors import CoreError
from core.grow import DocumentError, read_document, split_passages
from core.grow.documents import MAX_UNZIPPED_BYTES

DATA = Path(__file__).resolve().parents[2] / "data" / "grow"


def test_markdown_and_text_in_gbk_and_utf16():
    assert "Refunds are paid to the card" in read_document(DATA / "shop_policy.md")
    chinese = read_document(DATA / "shop_policy_gbk.txt")
    assert "退货运费由买家承担" in chinese
    assert read_document(DATA / "shop_policy_gbk.txt") == chinese


def test_utf16_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("退货须知：七天内可以退货。", encoding="utf-16")
    assert read_document(path) == "退货须知：七天内可以退货。"


def test_word_document_with_headings_and_a_table():
    text = read_document(DATA / "shop_policy.docx")
    assert text.startswith("# Shop policy") and "# Returns and refunds" in text
    assert "Express delivery | 6 euros" in text


def test_word_documents_we_did_not_write_give_their_paragraphs_and_nothing_empty():
    text = read_document(DATA / "public" / "blk-paras-and-tables.docx")  # python-docx's own test file (MIT)
    assert text.split("\n\n") == ["Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
                                   "Donec semper facilisis metus finibus malesuada.", "Text before\nText after"]
    linked = read_document(DATA / "public" / "par-hyperlinks.docx")
    assert "Three hyperlinks: the first one here, the second one, and the third." in linked
    assert split_passages(linked) == (linked,)


def test_pdf_text():
    text = read_document(DATA / "shop_policy.pdf")
    assert "Refunds are paid within 14 days" in text


def _pdf(tmp_path: Path, name: str, password: str = "") -> Path:
    writer = pypdf.PdfWriter(clone_from=DATA / "shop_policy.pdf") if password else pypdf.PdfWriter()
    if password:
        writer.encrypt(password, algorithm="AES-128")
    else:
        writer.add_blank_page(612, 792)  # a scanned page holds a picture, no text: the same to a text reader
    path = tmp_path / name
    with path.open("wb") as out:
        writer.write(out)
    return path


def test_an_encrypted_pdf_asks_for_a_copy_without_protection(tmp_path):
    with pytest.raises(DocumentError) as raised:
        read_document(_pdf(tmp_path, "locked.pdf", password="secret"))
    assert raised.value.user_message == "locked.pdf is protected by a password."
    assert "without protection" in raised.value.hint


def test_a_pdf_without_text_suggests_text_recognition(tmp_path):
    with pytest.raises(DocumentError) as raised:
        read_document(_pdf(tmp_path, "scan.pdf"))
    assert raised.value.user_message == "scan.pdf has no text to write questions from."
    assert "OCR" in raised.value.hint


@pytest.mark.parametrize("name, content", [("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog"),
                                            ("broken.docx", b"PK\x03\x04 not really a zip"),
                                            ("fake.docx", b"just text")])
def test_damaged_files_are_refused_with_a_message(tmp_path, name, content):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(DocumentError) as raised:
        read_document(tmp_path / name)
    assert raised.value.user_message == f"{name} could not be read: the file is damaged or not what its name says."


def test_a_zip_bomb_dressed_as_docx_is_refused_before_it_is_opened(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        chunk = b"\0" * (16 * 1024 * 1024)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(MAX_UNZIPPED_BYTES // len(chunk) + 1):
                member.write(chunk)
    path = tmp_path / "bomb.docx"
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(DocumentError) as raised:
        read_document(path)
    assert raised.value.user_message == "bomb.docx expands to more than 200 MB: it is not read."


def test_other_files_and_folders_are_refused(tmp_path):
    (tmp_path / "sheet.xlsx").write_bytes(b"PK")
    with pytest.raises(DocumentError, match="not a document"):
        read_document(tmp_path / "sheet.xlsx")
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(DocumentError, match="folder.txt is not a document"):
        read_document(tmp_path / "folder.txt")
    with pytest.raises(CoreError, match="missing.md could not be read"):
        read_document(tmp_path / "missing.md")


def test_passages_follow_headings_and_stay_short():
    passages = split_passages(read_document(DATA / "shop_policy.md"), 400)
    assert [p.splitlines()[0] for p in passages] == ["# Shop policy", "## Delivery", "## Returns and refunds",
                                                     "## Loyalty points"]
    chinese = split_passages(read_document(DATA / "shop_policy_gbk.txt"), 60)
    assert all(len(p) <= 60 for p in chinese) and any(p.startswith("## 退货和退款") for p in chinese)


def test_long_paragraphs_are_cut_at_sentences():
    sentence = "Refunds are paid within fourteen days. "
    passages = split_passages(sentence * 100, 200)
    assert all(len(p) <= 200 for p in passages) and all(p.endswith("days.") for p in passages)
    assert "".join(p + " " for p in passages) == sentence * 100
    chinese = split_passages("退款会在三个工作日内原路退回。" * 50, 100)
    assert all(len(p) <= 100 and p.endswith("。") for p in chinese)
    endless = split_passages("x" * 1000, 300)
    assert [len(p) for p in endless] == [300, 300, 300, 100]
    assert split_passages(" \n\n \n") == ()
