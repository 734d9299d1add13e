"""File-level checks: counts, duplicates, train/validation overlap, token limits, statistics, cost."""

from core.dataset.check import check_rows, detect_format, example_tokens
from core.dataset.model import Format, Row
from core.dataset.tokens import count_text


def chat_row(line, question, system=True):
    messages = ([{"role": "system", "content": "你是客服助手。"}] if system else []) + [
        {"role": "user", "content": question}, {"role": "assistant", "content": f"关于“{question}”：请稍等。"}]
    return Row(line, {"messages": messages})


def rows(n, start=1, **kwargs):
    return [chat_row(start + i, f"问题{i}", **kwargs) for i in range(n)]


def codes(report):
    return [(p.line, p.code) for p in report.problems]


def test_a_clean_file():
    report = check_rows(rows(120))
    assert report.usable and report.format is Format.CHAT and report.examples == 120
    assert report.problems == ()
    assert report.tokens.min <= report.tokens.median <= report.tokens.p95 <= report.tokens.max
    assert report.estimate.epochs == 3 and report.estimate.billed_tokens == report.tokens.total * 3
    assert report.estimate.usd is not None


def test_too_few_and_few_examples():
    assert (None, "too_few_examples") in codes(check_rows(rows(5)))
    assert not check_rows(rows(5)).usable
    few = check_rows(rows(20))
    assert few.usable and (None, "few_examples") in codes(few)
    assert few.estimate.epochs == 5  # few examples: the auto rule trains longer


def test_duplicates_point_at_the_first_copy():
    data = rows(12) + [Row(13, rows(1)[0].data)]
    assert (13, "duplicate") in codes(check_rows(data))
    assert "line 1" in next(p.message for p in check_rows(data).problems if p.code == "duplicate")


def test_examples_also_in_the_validation_file_are_errors():
    training = rows(12)
    report = check_rows(training, validation=[Row(1, training[4].data)])
    assert (5, "in_validation") in codes(report) and not report.usable


def test_over_the_token_limit_is_a_truncation_warning():
    long_row = Row(13, {"prompt": "x", "completion": "长" * 20_000})
    legacy = [Row(i, {"prompt": f"Q{i} ->", "completion": f" A{i}"}) for i in range(1, 13)] + [long_row]
    report = check_rows(legacy, model="babbage-002")
    assert (13, "over_token_limit") in codes(report)
    assert report.tokens.over_limit == 1 and report.usable


def test_missing_system_messages_are_counted():
    report = check_rows(rows(10) + rows(5, start=11, system=False))
    assert (None, "missing_system") in codes(report)
    assert "5 examples" in next(p.message for p in report.problems if p.code == "missing_system")


def test_broken_rows_count_as_examples_and_errors_and_format_is_by_majority():
    data = rows(12) + [Row(13, None, "{oops", "bad"), Row(14, {"prompt": "a", "completion": "b"})]
    assert detect_format(data) is Format.CHAT
    report = check_rows(data)
    assert (13, "invalid_json") in codes(report) and (14, "format_mismatch") in codes(report)
    assert report.examples == 14


def test_token_counting_rule():
    data = chat_row(1, "退款要多久？").data
    expected = sum(count_text(m["content"]) + 4 for m in data["messages"])
    assert example_tokens(data, Format.CHAT, "gpt-4o-mini") == expected


def legacy(prompts_and_completions):
    return [Row(i, {"prompt": p, "completion": c}) for i, (p, c) in enumerate(prompts_and_completions, start=1)]


def test_legacy_hints_for_completion_data():
    good = check_rows(legacy([(f"Question {i}\n\n###\n\n", f" Answer {i} END") for i in range(12)]),
                      model="davinci-002")
    assert not {p.code for p in good.problems} & {"no_prompt_separator", "no_completion_ending",
                                                  "completion_leading_space"}
    bad = check_rows(legacy([(f"Question {i}{'?' if i % 2 else '.'}", f"Answer {i}{'!' if i % 2 else '.'}")
                             for i in range(12)]), model="davinci-002")
    assert {"no_prompt_separator", "no_completion_ending", "completion_leading_space"} <= {p.code for p in bad.problems}


def test_no_space_advice_for_chinese_completions():
    report = check_rows(legacy([(f"问题{i} ->", f"回答{i}。") for i in range(12)]), model="davinci-002")
    assert "completion_leading_space" not in {p.code for p in report.problems}
