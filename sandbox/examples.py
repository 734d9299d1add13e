"""What one line of a fine-tuning file must hold, as OpenAI's API reference describes it, written for the Sandbox
alone (the app has its own checks; the two must not share code, so that a mistake in one shows against the other).

Sources: the API reference's training formats (platform.openai.com/docs/api-reference/fine-tuning/chat-input,
.../completions-input and .../preference-input; in the OpenAPI spec FineTuneChatRequestInput,
FineTuneCompletionRequestInput, FineTunePreferenceRequestInput and FineTuneChatCompletionRequestAssistantMessage,
whose ``weight`` is 0 or 1), the guides (platform.openai.com/docs/guides/supervised-fine-tuning and
/docs/guides/direct-preference-optimization) and the cookbook's format checks (openai/openai-cookbook,
examples/Chat_finetuning_data_prep.ipynb: a messages list, known roles, content, an assistant message).
The texts follow the API's own, as failed jobs report them ("Invalid file format. Example 100, message 2
Discriminator 'role' is missing in value", "Invalid file format. Example 1 contains an extra \"weight\"."),
but name the line, which is what a user can find in an editor.
"""

from __future__ import annotations

from typing import Any

from sandbox.errors import ApiError, bad_request

CHAT, COMPLETION, DPO = "chat", "completion", "dpo"
ROLES = ("system", "developer", "user", "assistant", "tool", "function")
KEYS = {CHAT: {"messages", "tools", "parallel_tool_calls", "functions"}, COMPLETION: {"prompt", "completion"},
        DPO: {"input", "preferred_output", "non_preferred_output"}}
MAX_FUNCTIONS = 128  # FineTuneChatRequestInput.functions: 1 to 128 items


def invalid(line: int, problem: str) -> ApiError:
    return bad_request(f"Invalid file format. Line {line}{problem}", "file", "invalid_file_format")


def example_format(example: Any, line: int) -> str:
    """CHAT, COMPLETION or DPO; raises ApiError(400) for a line that is none of them or has extra keys."""
    if not isinstance(example, dict):
        raise invalid(line, " is not a JSON object.")
    keys = example.keys()
    found = CHAT if "messages" in keys else DPO if KEYS[DPO] <= keys else COMPLETION if KEYS[COMPLETION] <= keys \
        else None
    if found is None:
        raise invalid(line, ": expected 'messages', 'prompt' and 'completion', or 'input', 'preferred_output' and "
                            "'non_preferred_output'.")
    extra = sorted(keys - KEYS[found])
    if extra:
        raise invalid(line, f" contains an extra \"{extra[0]}\".")
    return found


def check_example(example: dict[str, Any], fmt: str, line: int) -> None:
    """Raises ApiError(400) for what the API refuses in an example of format ``fmt``."""
    {CHAT: _check_chat, COMPLETION: _check_completion, DPO: _check_preference}[fmt](example, line)


def _check_completion(example: dict[str, Any], line: int) -> None:
    for key in ("prompt", "completion"):
        if not isinstance(example[key], str):
            raise invalid(line, f": '{key}' must be a string.")


def _check_chat(example: dict[str, Any], line: int) -> None:
    messages = example["messages"]
    _check_messages(messages, line, "'messages'")
    if not any(m.get("role") == "assistant" for m in messages):
        raise invalid(line, ": the example has no assistant message.")
    _check_tools(example, line)


def _check_preference(example: dict[str, Any], line: int) -> None:
    given = example["input"]
    if not isinstance(given, dict):
        raise invalid(line, ": 'input' must be an object with 'messages'.")
    _check_messages(given.get("messages"), line, "'input.messages'")
    _check_tools(given, line)
    for key in ("preferred_output", "non_preferred_output"):
        output = example[key]
        if not (isinstance(output, list) and len(output) == 1 and isinstance(output[0], dict)
                and output[0].get("role") == "assistant"):
            raise invalid(line, f": '{key}' must be a list with one assistant message.")
        _check_content(output[0], line, key)


def _check_messages(messages: Any, line: int, name: str) -> None:
    if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
        raise invalid(line, f": {name} must be a non-empty list of objects.")
    for number, message in enumerate(messages, start=1):
        where = f", message {number}"
        role = message.get("role")
        if role is None:
            raise invalid(line, f"{where}: 'role' is missing.")
        if role not in ROLES:
            raise invalid(line, f"{where}: unrecognized role {role!r}.")
        if "weight" in message and (role != "assistant" or type(message["weight"]) is not int
                                    or message["weight"] not in (0, 1)):
            raise invalid(line, f"{where}: 'weight' must be 0 or 1, on assistant messages only.")
        _check_content(message, line, where.removeprefix(", "))


def _check_content(message: dict[str, Any], line: int, where: str) -> None:
    """Text, or a list of content parts; an assistant message that calls a tool may have none."""
    content = message.get("content")
    if content is None and message.get("role") == "assistant" and (message.get("tool_calls")
                                                                   or message.get("function_call")):
        return
    parts_ok = isinstance(content, list) and all(isinstance(p, dict) and isinstance(p.get("type"), str)
                                                 for p in content)
    if not (isinstance(content, str) or parts_ok):
        raise invalid(line, f", {where}: 'content' must be a string or a list of content parts.")


def _check_tools(holder: dict[str, Any], line: int) -> None:
    tools, functions = holder.get("tools"), holder.get("functions")
    if tools is not None and not (isinstance(tools, list) and all(
            isinstance(t, dict) and isinstance(t.get("function"), dict) for t in tools)):
        raise invalid(line, ": 'tools' must be a list of {\"type\": \"function\", \"function\": {...}} objects.")
    if functions is not None and not (isinstance(functions, list) and 0 < len(functions) <= MAX_FUNCTIONS
                                      and all(isinstance(f, dict) for f in functions)):
        raise invalid(line, f": 'functions' must be a list of 1 to {MAX_FUNCTIONS} objects.")
