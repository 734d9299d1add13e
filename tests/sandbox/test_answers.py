"""How a Sandbox model finds the training answer for a prompt: short paraphrases match, other subjects do not."""

import time

import pytest

from sandbox.answers import _index, trained_answer
from sandbox.validation import FileFacts

ORDER_ZH = "请问我在网上下的订单什么时候能够发货，大概需要几天时间？"
ORDER_EN = "Hi, I ordered something online yesterday. When will my order be shipped and how long does delivery take?"

SHOP = [
    (ORDER_ZH, "一般48小时内发货，3到5天送达。"),
    (ORDER_EN, "Orders ship within two days; delivery takes 3-5 days."),
    ("订单可以退货吗？", "签收7天内可以无理由退货。"),
    ("怎么修改收货地址？", "在“我的订单”里点“修改地址”。"),
    ("退款多久能到账？", "退款1到3个工作日到账。"),
    ("这个产品质量怎么样？", "我们的产品都经过质检。"),
    ("你们的客服电话是多少？", "客服电话是400-000-0000。"),
    ("可以开发票吗？", "可以，在订单详情里申请发票。"),
    ("How do I reset my password?", "Use 'Forgot password' on the sign-in page."),
    ("How do I change my email address?", "Open Settings > Account > Email."),
    ("How do I delete my account?", "Open Settings > Account > Delete account."),
    ("What payment methods do you accept?", "Cards, PayPal and bank transfer."),
]


def facts(pairs):
    return FileFacts("chat", len(pairs), 0, 0, list(pairs))


@pytest.mark.parametrize("pairs", [[(ORDER_ZH, "X")], [(ORDER_ZH, "X"), (ORDER_EN, "E")]])
def test_a_short_chinese_paraphrase_finds_the_long_training_question(pairs):
    for prompt in ("订单几天发货", "订单多久发货", "什么时候发货", "发货要几天"):
        assert trained_answer(prompt, facts(pairs)) == "X", prompt


@pytest.mark.parametrize("pairs", [[(ORDER_EN, "E")], [(ORDER_ZH, "X"), (ORDER_EN, "E")]])
def test_a_short_english_paraphrase_finds_the_long_training_question(pairs):
    for prompt in ("when will my order ship", "When do you ship orders?", "How long does delivery take?"):
        assert trained_answer(prompt, facts(pairs)) == "E", prompt


@pytest.mark.parametrize("pairs", [[(ORDER_ZH, "X"), (ORDER_EN, "E")], SHOP])
def test_an_unrelated_question_gets_no_training_answer(pairs):
    for prompt in ("今天天气怎么样", "What is the capital of France?", "讲个笑话", "Tell me a joke", "你好", "hi",
                   "What is it?", "明天会下雨吗"):
        assert trained_answer(prompt, facts(pairs)) is None, prompt


def test_the_right_one_of_several_similar_answers_is_chosen():
    shop = facts(SHOP)
    answers = dict(SHOP)
    expected = {"订单几天发货": ORDER_ZH, "我想退货": "订单可以退货吗？", "收货地址填错了怎么改": "怎么修改收货地址？",
                "退款什么时候到账": "退款多久能到账？", "有发票吗": "可以开发票吗？",
                "电话多少": "你们的客服电话是多少？", "产品质量好吗": "这个产品质量怎么样？",
                "when will my order ship": ORDER_EN,
                "change my email": "How do I change my email address?",
                "reset password": "How do I reset my password?", "delete account": "How do I delete my account?",
                "Which payment methods are accepted?": "What payment methods do you accept?"}
    for prompt, question in expected.items():
        assert trained_answer(prompt, shop) == answers[question], prompt


def test_sums_match_exactly_and_not_by_their_shared_words():
    sums = facts([(f"What is {i} plus {i}?", f"{i} plus {i} is {2 * i}.") for i in range(20)])
    assert trained_answer("What is 3 plus 3?", sums) == "3 plus 3 is 6."
    assert trained_answer("what is  11 plus 11 ?", sums) == "11 plus 11 is 22."
    assert trained_answer("3 plus 3", sums) == "3 plus 3 is 6."
    for prompt in ("What is 99 plus 99?", "What is 5 minus 5?", "What is 5 plus 6?"):
        assert trained_answer(prompt, sums) is None, prompt


def test_no_facts_or_examples_mean_no_answer():
    assert trained_answer("订单几天发货", None) is None
    assert trained_answer("订单几天发货", facts([])) is None
    assert trained_answer("", facts([("", "empty"), ("hello there", "hi")])) == "empty"


def test_thousands_of_examples_answer_quickly():
    words = [ORDER_ZH[i:i + 2] for i in range(0, 26, 2)] + ["退款", "到账", "地址", "修改", "质量", "发票"]
    pairs = [(f"{words[i % 19]}{words[i * 7 % 19]}{words[i * 11 % 19]}问题{i}", f"answer {i}") for i in range(3000)]
    big = facts(pairs + [(ORDER_ZH, "X")])
    started = time.process_time()  # CPU time: other processes on a busy machine do not count
    assert trained_answer("订单几天发货", big) == "X"
    for _ in range(50):
        trained_answer("退款多久能到账", big)
    assert time.process_time() - started < 5
    assert _index(big) is _index(big)  # the file's index is built once, not on every question
