"""The CLI as a user runs it: `python main.py ...` in a fresh process."""

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from core.profiles import ProfileService
from core.secrets import FileStore
from core.settings import KeyStorage, ProfileKind, SettingsStore, new_profile
from core.version import __version__
from tests.servers import api_server, closed_port

ROOT = Path(__file__).resolve().parents[2]
KEY = "sk-test-cli-0123456789abcdef"


def run(*args, timeout=60):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=ROOT)


def add_profile(name, base_url):
    service = ProfileService(SettingsStore(), keys=FileStore())
    service.switch_key_storage(KeyStorage.FILE)  # the CLI process has no keyring either
    return service.save_profile(replace(new_profile(ProfileKind.COMPATIBLE, name), base_url=base_url), KEY)


def test_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"FineTune Studio {__version__}"


def test_help_lists_the_commands():
    result = run("--help")
    assert result.returncode == 0
    assert "profiles" in result.stdout and "connection" in result.stdout


def test_profiles_list_marks_the_active_one():
    add_profile("Work", "https://relay.example.com/v1")
    result = run("profiles", "list")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("  Sandbox")
    assert lines[1].startswith("* Work") and "https://relay.example.com/v1" in lines[1]


def test_connection_test_succeeds():
    with api_server() as origin:
        add_profile("Local", origin + "/v1")
        result = run("connection", "test", "--profile", "local")
    assert result.returncode == 0, result.stderr
    assert "[OK ] API and key: The key works: 2 models available." in result.stdout
    assert "Connection works." in result.stdout
    assert KEY not in result.stdout + result.stderr


def test_connection_test_names_the_failing_layer():
    add_profile("Broken", f"http://127.0.0.1:{closed_port()}/v1")
    result = run("connection", "test")
    assert result.returncode == 1
    assert "[ERR] Connection (TCP): Nothing accepts connections" in result.stdout
    assert "What to do:" in result.stdout


def test_unknown_profile_is_a_clear_error():
    result = run("connection", "test", "--profile", "nope")
    assert result.returncode == 2
    assert "Error: There is no profile “nope”." in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["profiles"], ["bogus"]])
def test_usage_errors_do_not_crash(args):
    result = run(*args)
    assert result.returncode == 2
    assert "usage:" in result.stderr and "Traceback" not in result.stderr


def test_smoke_opens_the_window():
    result = run("--smoke")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("shown in ") and result.stdout.strip().endswith(" ms")


def test_connection_test_of_the_sandbox_profile():
    result = run("connection", "test", "--profile", "sandbox")
    assert result.returncode == 0, result.stderr
    assert "Testing profile “Sandbox” (http://127.0.0.1:" in result.stdout
    assert "Connection works." in result.stdout


def test_sandbox_command_serves_until_ctrl_c(tmp_path):
    import signal

    import openai

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    process = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "sandbox", "--port", "0", "--state-dir",
                                str(tmp_path), "--job-seconds", "1"], stdout=subprocess.PIPE, text=True, env=env)
    try:
        line = process.stdout.readline().strip()
        assert line.startswith("Sandbox listening on http://127.0.0.1:") and line.endswith("/v1")
        with openai.OpenAI(api_key="sk-cli", base_url=line.split()[-1], max_retries=0) as client:
            assert "gpt-4o-mini-2024-07-18" in [m.id for m in client.models.list()]
    finally:
        process.send_signal(signal.SIGINT)
        output = process.communicate(timeout=20)[0]
    assert process.returncode == 0
    assert "Sandbox stopped." in output


def write_chat_file(path, count, broken=False):
    import json as _json

    rows = [{"messages": [{"role": "user", "content": f"第{i}个问题"}, {"role": "assistant", "content": f"回答{i}"}]}
            for i in range(count)]
    text = "\n".join(_json.dumps(r, ensure_ascii=False) for r in rows) + "\n" + ("{broken\n" if broken else "")
    path.write_text(text, encoding="utf-8")
    return path


def test_check_prints_a_summary_and_exit_codes(tmp_path):
    good = run("check", str(write_chat_file(tmp_path / "good.jsonl", 12)))
    assert good.returncode == 0, good.stderr
    assert "12 examples, chat format, utf-8" in good.stdout and "Ready to train." in good.stdout
    assert "prices as of" in good.stdout
    bad = run("check", str(write_chat_file(tmp_path / "bad.jsonl", 12, broken=True)))
    assert bad.returncode == 1 and "line 13: [invalid_json]" in bad.stdout
    missing = run("check", str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 2 and "could not be read" in missing.stderr


def test_check_json_output(tmp_path):
    import json as _json

    result = run("check", str(write_chat_file(tmp_path / "d.jsonl", 12, broken=True)), "--json",
                 "--model", "gpt-4.1-mini")
    report = _json.loads(result.stdout)
    assert result.returncode == 1
    assert set(report) == {"file", "format", "source_format", "converted", "encoding", "examples", "errors", "warnings",
                           "tokens", "estimate"}
    assert report["source_format"] == "openai" and report["converted"] == ""
    assert report["errors"][0] | {"message": ""} == {"line": 13, "code": "invalid_json", "message": ""}
    assert report["estimate"]["model"] == "gpt-4.1-mini" and report["estimate"]["epochs"] == 7  # 13 rows: 100 // 13
    assert set(report["tokens"]) == {"total", "min", "median", "p95", "max"}


def test_fix_converts_dedupes_and_splits(tmp_path):
    import json as _json

    source = tmp_path / "legacy.jsonl"
    rows = [{"prompt": f"问题{i}\n\n###\n\n", "completion": f" 回答{i} END"} for i in range(20)]
    source.write_text("\n".join(_json.dumps(r, ensure_ascii=False) for r in rows + rows[:2]), encoding="utf-8")
    out = tmp_path / "chat.jsonl"
    result = run("fix", str(source), "-o", str(out), "--to-chat", "--system", "你是客服。", "--dedupe",
                 "--split", "0.25", "--seed", "3")
    assert result.returncode == 0, result.stderr
    assert "- converted 22 completion examples to chat" in result.stdout
    assert "- dropped 2 duplicate examples" in result.stdout
    def read(path):
        return [_json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]

    train, valid = read(out), read(tmp_path / "chat_validation.jsonl")
    assert (len(train), len(valid)) == (15, 5)
    assert train[0]["messages"][0] == {"role": "system", "content": "你是客服。"}
    assert all(m["content"].strip() == m["content"] and "###" not in m["content"] and "END" not in m["content"]
               for row in train + valid for m in row["messages"])
    assert run("check", str(out)).returncode == 0


def test_fix_rejects_a_bad_split():
    result = run("fix", "x.jsonl", "-o", "y.jsonl", "--split", "1.5")
    assert result.returncode == 2 and "between 0 and 1" in result.stderr


def test_fix_turns_a_gbk_excel_csv_into_utf8_jsonl(tmp_path):
    source = tmp_path / "导出.csv"
    lines = ["问题,回答"] + [f"第{i}个问题是什么？,这是第{i}个回答。" for i in range(12)]
    source.write_bytes("\r\n".join(lines).encode("gbk"))
    out = tmp_path / "train.jsonl"
    result = run("fix", str(source), "-o", str(out))
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert b"\r\n" not in data and not data.startswith(b"\xef\xbb\xbf")
    first = data.decode("utf-8").splitlines()[0]
    assert first == ('{"messages":[{"role":"user","content":"第0个问题是什么？"},'
                     '{"role":"assistant","content":"这是第0个回答。"}]}')
    assert run("check", str(out)).returncode == 0


def test_argparse_speaks_chinese_too():
    result = run("--lang", "zh_CN", "check")
    assert result.returncode == 2 and "缺少必需的参数：file" in result.stderr and "用法：" in result.stderr


def test_sandbox_command_speaks_another_providers_dialect():
    import signal

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    process = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "sandbox", "--dialect", "zhipu"],
                               stdout=subprocess.PIPE, text=True, env=env)
    try:
        url = process.stdout.readline().split()[-1]
        assert url.endswith("/api/paas/v4")
        import httpx2

        answer = httpx2.get(url + "/fine_tuning/jobs", headers={"Authorization": "Bearer sk-cli"})
        assert answer.status_code == 200 and answer.json()["data"] == []
        assert httpx2.get(url + "/fine_tuning/jobs").json()["error"]["code"] == "401"  # Zhipu's envelope
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)
    assert process.returncode == 0
