"""Reading questions out of however a model wrote them, and bounding what a hostile one sends."""

import pytest

from core.grow.parse import QUESTION_CHARS, key, parse_questions


@pytest.mark.parametrize("reply", [
    '{"questions": ["Where is my parcel?", "Can I pay by card?"]}',
    '["Where is my parcel?", "Can I pay by card?"]',
    'Here you are:\n```json\n{"questions": ["Where is my parcel?", "Can I pay by card?"]}\n```\nAnything else?',
    '{"items": [{"question": "Where is my parcel?"}, {"text": "Can I pay by card?"}]}',
    '1. Where is my parcel?\n2. Can I pay by card?',
    '- "Where is my parcel?"\n- Can I pay by card?',
    '{"questions": ["Where is my parcel?", "Can I pay by card?", "How do I ret',  # cut off at the token limit
])
def test_the_ways_models_write_a_list(reply):
    assert parse_questions(reply, 10) == ["Where is my parcel?", "Can I pay by card?"]


def test_chinese_numbering_and_repeats():
    reply = "1、订单什么时候发货？\n2、可以开发票吗？\n3、订单什么时候发货?\n4、 "
    assert parse_questions(reply, 10) == ["订单什么时候发货？", "可以开发票吗？"]
    assert parse_questions(reply, 10, {key("可以开发票吗?")}) == ["订单什么时候发货？"]


def test_prose_and_empty_lists_hold_no_questions():
    assert parse_questions("Sorry, I cannot help with that.", 5) == []
    assert parse_questions('{"questions": []}', 5) == []
    assert parse_questions('Sure! {"questions": ["How d', 5) == []


def test_a_hostile_reply_is_bounded():
    huge = '["' + "a" * (QUESTION_CHARS + 1) + '", ' + ", ".join(f'"Question {i}?"' for i in range(100_000)) + "]"
    found = parse_questions(huge, 10)
    assert found == [f"Question {i}?" for i in range(10)]
    assert parse_questions("[" * 100_000, 5) == []
    assert parse_questions('["' + "x" * 10_000_000 + '"]', 5) == []
