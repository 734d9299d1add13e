"""Near-duplicate notes: character n-grams that work for Chinese, and an index that scales to big files."""

import itertools
import random

from core.dataset.model import Row
from core.grow import GeneratedRow, flag_duplicates, similarity
from core.grow.similar import Index, existing_index, shingles
from tests.core.grow.shop import chat_row


def generated(question: str) -> GeneratedRow:
    return GeneratedRow(chat_row(question, "…"))


def test_similarity_of_chinese_and_english_pairs():
    assert similarity("我的订单什么时候发货？", "我的订单什么时候能发货") > 0.8
    assert similarity("How do I reset my password?", "how do I reset my  password") == 1.0
    assert similarity("How do I reset my password?", "How can I reset my password?") > 0.8
    assert similarity("我的订单什么时候发货？", "会员积分怎么使用？") < 0.2
    assert similarity("How do I reset my password?", "Where is my parcel?") < 0.3
    assert similarity("ＡＢＣ订单", "abc订单") == 1.0  # full-width letters are the same letters
    assert similarity("", "anything") == 0.0


def test_flags_name_the_close_row_of_the_file_or_the_new_row():
    existing = [chat_row("可以开发票吗？", "可以。"), chat_row("我的订单什么时候发货？", "48小时内。"),
                Row(3, {"prompt": "Where is my parcel?", "completion": " On its way."})]
    rows = flag_duplicates([generated("我的订单什么时候能发货"), generated("How do I reset my password?"),
                            generated("How can I reset my password?"), generated("Where is my parcel??")], existing)
    assert [r.similar_to for r in rows] == ["Close to row 2 (84%)", "", "Close to new row 2 (82%)",
                                            "Close to row 3 (100%)"]
    assert rows[0].similarity == 0.84 and rows[1].similarity == 0.0
    assert flag_duplicates([generated("我的订单什么时候能发货")], existing, threshold=0.9)[0].similar_to == ""


def test_rows_with_errors_and_no_question_are_left_alone():
    failed = GeneratedRow(Row(0, {"messages": []}), error="The model wrote no questions.")
    assert flag_duplicates([failed, failed], [])[1].similar_to == ""


def _question(rng: random.Random, vocabulary: list[str], characters: list[str]) -> str:
    if rng.random() < 0.5:
        return " ".join(rng.choices(vocabulary, k=rng.randint(5, 14))) + "?"
    return "".join(rng.choices(characters, k=rng.randint(8, 25))) + "？"


def test_the_index_finds_what_comparing_everything_finds_with_a_small_part_of_the_work():
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = ["".join(rng.choices(letters, k=rng.randint(2, 9))) for _ in range(3000)]
    characters = [chr(0x4E00 + i) for i in range(2000)]
    texts = [_question(rng, vocabulary, characters) for _ in range(2000)]
    queries = [texts[i] + "吗" if i % 2 else texts[i].replace(" ", "  ", 1) for i in range(0, 2000, 40)]
    queries += [_question(rng, vocabulary, characters) for _ in range(50)]
    index = Index(texts, range(len(texts)))
    grams = [shingles(t) for t in texts]
    for query in queries:
        found, asked = index.closest(query), shingles(query)
        scores = [2 * len(asked & g) / (len(asked) + len(g)) for g in grams]
        best = max(range(len(texts)), key=lambda i: (scores[i], -i))
        assert (found[0] if found else None) == (best if scores[best] >= 0.8 else None)
    assert index.comparisons < len(queries) * len(texts) / 20


def test_a_hundred_new_rows_against_a_hundred_thousand_compare_with_few():
    rng = random.Random(1)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = ["".join(rng.choices(letters, k=rng.randint(2, 9))) for _ in range(5000)]
    characters = [chr(0x4E00 + i) for i in range(2500)]
    zipf = list(itertools.accumulate(1 / rank for rank in range(1, 5001)))  # word use follows Zipf's law, roughly
    existing = []
    for i in range(100_000):
        text = " ".join(rng.choices(vocabulary, cum_weights=zipf, k=rng.randint(5, 14))) + "?" if i % 2 else \
            "".join(rng.choices(characters, cum_weights=zipf[:2500], k=rng.randint(8, 25))) + "？"
        existing.append(Row(i + 1, {"messages": [{"role": "user", "content": text}]}))
    index = existing_index(existing)
    copies = [existing[i * 997].data["messages"][0]["content"] for i in range(50)]
    news = [" ".join(rng.choices(vocabulary, cum_weights=zipf, k=9)) + "?" for _ in range(50)]
    found = [index.closest(text) for text in copies + news]
    assert all(f is not None and f[1] == 1.0 for f in found[:50])
    assert index.comparisons < 100 * 2000  # 100 × 100,000 compared one by one would be 10 million
