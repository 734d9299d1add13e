"""Files in the formats people really have — written here, and public samples in tests/data/public — are
recognised, converted and taken through `train` to a succeeded job against the Sandbox; what is uploaded
is the converted UTF-8 JSONL, never the raw file."""

import json
import shutil
from pathlib import Path

import openai
import pytest

from core.dataset.parallel import check_file
from sandbox.server import SandboxServer
from tests.cli.test_cli import run

PUBLIC = Path(__file__).parents[1] / "data" / "public"
MODEL = "gpt-4o-mini-2024-07-18"


def _alpaca(n: int) -> list[dict]:
    rows = [{"instruction": f"把第{i}句话翻译成英文", "input": f"你好，世界{i}" if i % 3 else "",
             "output": f"Hello, world {i}"} for i in range(n)]
    rows[0]["system"] = "你是翻译助手。"
    rows[1]["history"] = [["你是谁？", "我是翻译助手。"]]
    return rows


def _sharegpt_tools(n: int) -> list[dict]:
    tools = json.dumps([{"name": "get_weather", "description": "查询天气",
                         "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}],
                       ensure_ascii=False)
    return [{"conversations": [
        {"from": "human", "value": f"{city}今天天气怎么样？"},
        {"from": "function_call", "value": json.dumps({"name": "get_weather", "arguments": {"city": city}},
                                                      ensure_ascii=False)},
        {"from": "observation", "value": json.dumps({"temp": 20 + i})},
        {"from": "gpt", "value": f"{city}今天{20 + i}度。"}], "system": "你是天气助手。", "tools": tools}
        for i, city in enumerate(["北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "西安", "南京", "苏州",
                                  "天津", "重庆"][:n])]


def _sharegpt_dpo(n: int) -> list[dict]:
    return [{"conversations": [{"from": "human", "value": f"What is {i} times 2?"}],
             "chosen": {"from": "gpt", "value": f"{i} times 2 is {2 * i}."},
             "rejected": {"from": "gpt", "value": "I don't know."}} for i in range(n)]


def _firefly(n: int) -> list[dict]:
    return [{"conversation_id": i, "category": "Brainstorming", "conversation": [
        {"human": f"第{i}个问题：怎么学习？", "assistant": "多练习。"},
        {"human": "还有呢？", "assistant": f"第{i}条建议：多复习。"}]} for i in range(n)]


def _question_answer(n: int) -> list[dict]:
    return [{"question": f"How many days does order {i} take?", "answer": f"Order {i} takes {i % 5 + 1} days."}
            for i in range(n)]


def _parts(n: int) -> list[dict]:
    return [{"messages": [{"role": "user", "content": [{"type": "text", "value": f"hi {i}"}], "loss_weight": 0.0},
                          {"role": "assistant", "content": [{"type": "text", "value": f"hello {i}"}],
                           "loss_weight": 1.0}]} for i in range(n)]


def _write(path: Path, rows: list[dict], array: bool) -> Path:
    text = json.dumps(rows, ensure_ascii=False, indent=2) if array else "\n".join(
        json.dumps(r, ensure_ascii=False) for r in rows)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def sandbox():
    with SandboxServer(job_seconds=0.5) as server:
        yield server


def _train(path: Path, server: SandboxServer, *extra: str):
    return run("train", str(path), "--model", MODEL, "--yes", "--base-url", server.base_url, "--api-key", "sk-test",
               *extra, timeout=120)


def _uploaded(server: SandboxServer) -> list[dict]:
    client = openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0)
    newest = client.fine_tuning.jobs.list(limit=1).data[0]  # newest first
    content = client.files.content(newest.training_file).read().decode("utf-8")
    return [json.loads(line) for line in content.splitlines()]


@pytest.mark.parametrize(("maker", "array", "source", "first_keys"), [
    (_alpaca, True, "alpaca", {"messages"}),
    (_sharegpt_tools, False, "sharegpt", {"messages", "tools"}),
    (_firefly, False, "firefly", {"messages"}),
    (_question_answer, False, "records", {"messages"}),
    (_parts, False, "parts", {"messages"}),
])
def test_each_format_is_checked_converted_and_trained(tmp_path, sandbox, maker, array, source, first_keys):
    path = _write(tmp_path / ("data.json" if array else "data.jsonl"), maker(12), array)
    checked = run("check", str(path), "--json")
    report = json.loads(checked.stdout)
    assert checked.returncode == 0, report["errors"]
    assert report["source_format"] == source and report["format"] == "chat" and report["examples"] == 12
    assert report["tokens"]["total"] > 0 and report["estimate"]["billed_tokens"] > 0
    result = _train(path, sandbox)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is uploaded as " in result.stdout and "data.jsonl (" in result.stdout
    assert "Done. Your model: ft:" in result.stdout
    uploaded = _uploaded(sandbox)
    assert len(uploaded) == 12 and set(uploaded[0]) == first_keys


def test_alpaca_input_is_joined_to_the_question_and_said(tmp_path):
    path = _write(tmp_path / "alpaca.json", _alpaca(12), True)
    report = json.loads(run("check", str(path), "--json").stdout)
    assert report["converted"].startswith("Alpaca → chat, 12 rows, “input” appended to the question in 8")
    human = run("check", str(path)).stdout
    assert "Recognised: Alpaca → chat, 12 rows" in human


def test_sharegpt_dpo_trains_with_the_dpo_method(tmp_path, sandbox):
    path = _write(tmp_path / "dpo.jsonl", _sharegpt_dpo(12), False)
    assert json.loads(run("check", str(path), "--json").stdout)["format"] == "dpo"
    result = _train(path, sandbox, "--method", "dpo")
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(_uploaded(sandbox)[0]) == {"input", "preferred_output", "non_preferred_output"}
    supervised = _train(path, sandbox)
    assert supervised.returncode == 2 and "choose the DPO method" in supervised.stderr


def test_gbk_csv_xlsx_and_json_array_upload_converted_jsonl(tmp_path, sandbox):
    import openpyxl

    csv = tmp_path / "医疗.csv"
    csv.write_bytes(("department,title,ask,answer\n" + "".join(
        f"内科,高血压{i},我有高血压{i}年了，怎么办？,请遵医嘱服药，第{i}条建议。\n" for i in range(12))).encode("gbk"))
    book = openpyxl.Workbook()
    book.active.append(["instruction", "input", "output"])
    for i in range(12):
        book.active.append([f"Summarise {i}", f"Text {i}" if i % 2 else None, f"Summary {i}"])
    xlsx = tmp_path / "sheet.xlsx"
    book.save(xlsx)
    array = _write(tmp_path / "chat.json", [{"messages": [{"role": "user", "content": f"q{i}"},
                                                          {"role": "assistant", "content": f"a{i}"}]}
                                            for i in range(12)], True)
    for path, first_user in ((csv, "我有高血压0年了，怎么办？"), (xlsx, "Summarise 0"), (array, "q0")):
        result = _train(path, sandbox)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "is uploaded as " in result.stdout and f"{path.stem}.jsonl (" in result.stdout
        assert _uploaded(sandbox)[0]["messages"][0]["content"] == first_user
    xlsx_rows = json.loads(run("check", str(xlsx), "--json").stdout)
    assert "“input” appended to the question in 6" in xlsx_rows["converted"]


def test_seed_two_line_file_gets_the_right_advice_then_trains(tmp_path, sandbox):
    seed = tmp_path / "test.jsonl"
    seed.write_text('{"prompt": "你好", "completion": "2023年6月30日前可以办理。"}\n'
                    '{"prompt": "多少钱", "completion": "500万元"}\n', encoding="utf-8")
    report = json.loads(run("check", str(seed), "--json").stdout)
    codes = {p["code"] for p in report["errors"] + report["warnings"]}
    assert {"too_few_examples", "needs_chat"} <= codes
    assert not codes & {"completion_leading_space", "no_prompt_separator", "no_completion_ending"}
    assert "Convert them to chat" in next(p["message"] for p in report["errors"] if p["code"] == "needs_chat")
    rows = [{"prompt": f"第{i}个问题", "completion": f"第{i}个回答"} for i in range(12)]
    _write(seed, rows, False)
    refused = _train(seed, sandbox)
    assert refused.returncode == 2 and "trains on chat examples" in refused.stderr
    chat = tmp_path / "chat.jsonl"
    fixed = run("fix", str(seed), "-o", str(chat), "--to-chat", "--system", "你是客服。")
    assert fixed.returncode == 0, fixed.stderr
    assert json.loads(chat.read_text(encoding="utf-8").splitlines()[0])["messages"][0] == {
        "role": "system", "content": "你是客服。"}
    result = _train(chat, sandbox)
    assert result.returncode == 0 and "Done. Your model: ft:" in result.stdout, result.stderr


def test_fix_writes_openai_jsonl_from_a_foreign_format_and_refuses_what_it_cannot_read(tmp_path):
    firefly = _write(tmp_path / "firefly.jsonl", _firefly(3), False)
    out = tmp_path / "out.jsonl"
    result = run("fix", str(firefly), "-o", str(out), "--to-chat", "--system", "Be brief.")
    assert result.returncode == 0 and "converted 3 examples to OpenAI's format" in result.stdout
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert first["messages"][0] == {"role": "system", "content": "Be brief."} and len(first["messages"]) == 5
    unknown = _write(tmp_path / "odd.jsonl", [{"foo": "bar"}, {"question": "q", "answer": "a"}], False)
    refused = run("fix", str(unknown), "-o", str(tmp_path / "never.jsonl"), "--to-chat")
    assert refused.returncode == 2 and "lines 1" in refused.stderr and not (tmp_path / "never.jsonl").exists()


def test_json_array_problems_name_the_file_line(tmp_path):
    path = tmp_path / "array.json"
    path.write_text('[\n  {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]},\n'
                    '\n  {"messages": []}\n]', encoding="utf-8")
    report = json.loads(run("check", str(path), "--json").stdout)
    assert {"line": 4, "code": "missing_messages"} in [{k: p[k] for k in ("line", "code")} for p in report["errors"]]


def test_public_samples_are_recognised(tmp_path):
    """LLaMA-Factory's demos (Apache-2.0), the cookbook's files (MIT), GSM8K (MIT), a GBK medical CSV (MIT):
    see tests/data/public/SOURCES.md."""
    expected = {"llamafactory_alpaca_zh_demo.json": ("alpaca", "chat"),
                "llamafactory_glaive_toolcall_zh_demo.json": ("sharegpt", "chat"),
                "llamafactory_dpo_zh_demo.json": ("sharegpt_dpo", "dpo"),
                "llamafactory_v1_sft_demo.jsonl": ("parts", "chat"),
                "llamafactory_v1_dpo_demo.jsonl": ("parts", "dpo"),
                "llamafactory_reason_tool_use_demo.jsonl": ("parts", "chat"),
                "gsm8k_train.jsonl": ("records", "chat"),
                "toyhom_chinese_medical_dialogue_im_gbk.csv": ("table", "chat"),
                "openai_drone_training.jsonl": ("openai", "chat")}
    for name, (source, fmt) in expected.items():
        report, _ = check_file(PUBLIC / name, MODEL)
        assert (report.source_format, report.format.value) == (source, fmt), name
        assert report.errors == [], (name, report.errors[:3])


def test_dataset_info_json_says_how_to_read_a_file(tmp_path):
    """LLaMA-Factory's dataset_info.json maps other column names; it is read when it sits beside the file."""
    rows = [{"q_text": f"问题{i}", "a_text": f"回答{i}"} for i in range(12)]
    path = _write(tmp_path / "mine.json", rows, True)
    assert json.loads(run("check", str(path), "--json").stdout)["source_format"] == "openai"
    (tmp_path / "dataset_info.json").write_text(json.dumps({"mine": {"file_name": "mine.json", "columns": {
        "prompt": "q_text", "response": "a_text"}}}), encoding="utf-8")
    report = json.loads(run("check", str(path), "--json").stdout)
    assert report["source_format"] == "alpaca" and report["errors"] == []
    shutil.copy(PUBLIC / "llamafactory_glaive_toolcall_zh_demo.json", tmp_path / "tools.json")
    (tmp_path / "dataset_info.json").write_text(json.dumps({"tools": {
        "file_name": "tools.json", "formatting": "sharegpt", "columns": {"messages": "conversations",
                                                                         "tools": "tools"}}}), encoding="utf-8")
    assert json.loads(run("check", str(tmp_path / "tools.json"), "--json").stdout)["source_format"] == "sharegpt"
