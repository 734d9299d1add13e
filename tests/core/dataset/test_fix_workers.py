"""Bulk fixes in worker processes give exactly the rows and check results of the plain fixes."""

import orjson

from core.dataset import fixes
from core.dataset.check import examine
from core.dataset.fix_workers import fields, fix_chunk, pack, unpack
from core.dataset.model import Format, Row

MODEL = "gpt-4o-mini-2024-07-18"


def rows():
    chat = [Row(i + 1, {"messages": [{"role": "user", "content": f"  question {i} "},
                                     {"role": "assistant", "content": "答案。"}]}) for i in range(6)]
    chat[2] = Row(3, {"messages": [{"role": "system", "content": "Be brief."},
                                   {"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]})
    return [*chat, Row(7, None, '{"messages": [', "cut short")]


def test_trim_and_add_system_match_the_plain_fixes_and_checks():
    before = rows()
    results = [examine(r, Format.CHAT, MODEL) for r in before]
    for name, argument, plain in (("trim", "", fixes.trim_whitespace(before)),
                                  ("add_system", "You help.", fixes.add_system_message(before, "You help."))):
        outcome = fix_chunk(name, argument, pack(before, results), Format.CHAT, Format.CHAT, MODEL)
        assert outcome.changed == [i for i, (a, b) in enumerate(zip(before, plain.rows, strict=True)) if a is not b]
        assert unpack(orjson.loads(outcome.rows)) == [plain.rows[i] for i in outcome.changed]
        assert [r[1:] for r in outcome.results] == [fields(examine(plain.rows[i], Format.CHAT, MODEL))
                                                     for i in outcome.changed]


def test_drop_empty_names_the_rows_to_drop():
    before = [*rows(), Row(8, {"messages": [{"role": "user", "content": " "}]})]
    outcome = fix_chunk("drop_empty", "", pack(before, [None] * len(before)), Format.CHAT, Format.CHAT, MODEL)
    assert outcome.dropped == [7] and outcome.changed == []
