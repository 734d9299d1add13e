"""Tokens as billed for function calling (tool definitions and calls), and vision rows."""

import json

import pytest

from core.dataset.check import check_rows, example_tokens, messages_tokens
from core.dataset.model import Format, Row
from core.dataset.tokens import count_text, encoding, image_parts
from core.dataset.tool_tokens import TOKENS_PER_CALL, calls_tokens, tools_tokens
from core.dataset.validate import check_row

MODEL = "gpt-4o-mini-2024-07-18"


# --- The independent judge: OpenAI's cookbook, "How to count tokens with tiktoken" (openai/openai-cookbook,
# examples/How_to_count_tokens_with_tiktoken.ipynb), num_tokens_from_messages and num_tokens_for_tools copied
# as they are, with the bundled o200k_base file and only the adaptation the cookbook lacks: an assistant
# message's tool_calls add their name and arguments tokens; values that are not text (content None) add none.

def num_tokens_from_messages(messages, model="gpt-4o-mini-2024-07-18"):
    encoding_ = encoding("o200k_base")
    if model in {"gpt-4o-mini-2024-07-18", "gpt-4o-2024-08-06"}:
        tokens_per_message = 3
        tokens_per_name = 1
    else:
        raise NotImplementedError(model)
    num_tokens = 0
    for message in messages:
        num_tokens += tokens_per_message
        for key, value in message.items():
            if key == "tool_calls":  # the adaptation
                for call in value:
                    num_tokens += len(encoding_.encode(call["function"]["name"]))
                    num_tokens += len(encoding_.encode(call["function"]["arguments"]))
                continue
            if not isinstance(value, str):
                continue
            num_tokens += len(encoding_.encode(value))
            if key == "name":
                num_tokens += tokens_per_name
    num_tokens += 3  # every reply is primed with <|start|>assistant<|message|>
    return num_tokens


def num_tokens_for_tools(functions, messages, model):
    if model in ["gpt-4o", "gpt-4o-mini"]:
        func_init = 7
        prop_init = 3
        prop_key = 3
        enum_init = -3
        enum_item = 3
        func_end = 12
    else:
        raise NotImplementedError(model)
    encoding_ = encoding("o200k_base")
    func_token_count = 0
    if len(functions) > 0:
        for f in functions:
            func_token_count += func_init  # Add tokens for start of each function
            function = f["function"]
            f_name = function["name"]
            f_desc = function["description"]
            if f_desc.endswith("."):
                f_desc = f_desc[:-1]
            line = f_name + ":" + f_desc
            func_token_count += len(encoding_.encode(line))  # Add tokens for set name and description
            if len(function["parameters"]["properties"]) > 0:
                func_token_count += prop_init  # Add tokens for start of each property
                for key in list(function["parameters"]["properties"].keys()):
                    func_token_count += prop_key  # Add tokens for each set property
                    p_name = key
                    p_type = function["parameters"]["properties"][key]["type"]
                    p_desc = function["parameters"]["properties"][key]["description"]
                    if "enum" in function["parameters"]["properties"][key]:
                        func_token_count += enum_init  # Add tokens if property has enum list
                        for item in function["parameters"]["properties"][key]["enum"]:
                            func_token_count += enum_item
                            func_token_count += len(encoding_.encode(item))
                    if p_desc.endswith("."):
                        p_desc = p_desc[:-1]
                    line = f"{p_name}:{p_type}:{p_desc}"
                    func_token_count += len(encoding_.encode(line))
        func_token_count += func_end
    messages_token_count = num_tokens_from_messages(messages, MODEL)
    return messages_token_count + func_token_count


# --- A function-calling file.

def prop(kind, description, enum=None):
    return {"type": kind, "description": description, **({"enum": enum} if enum else {})}


def tool(name, description, **properties):
    return {"type": "function", "function": {"name": name, "description": description, "parameters": {
        "type": "object", "properties": properties, "required": list(properties)[:1]}}}


TOOLS = [
    tool("get_order_status", "Look up the shipping status of an order.",
         order_id=prop("string", "The order number, e.g. A-10023."),
         detail=prop("string", "How much to return", ["summary", "full", "timeline"])),
    tool("refund_order", "Refund all or part of an order to the original payment method.",
         order_id=prop("string", "The order number."), amount=prop("number", "Amount in the order's currency."),
         reason=prop("string", "Why the customer wants a refund.",
                     ["damaged", "late", "wrong_item", "changed_mind", "other"])),
    tool("search_products", "Search the catalogue by keyword",
         query=prop("string", "Words to search for."), limit=prop("integer", "At most this many results."),
         sort=prop("string", "Order of results", ["relevance", "price_asc", "price_desc", "newest"]),
         tags=prop("array", "Only products with all these tags.")),
    tool("escalate", "Hand the conversation to a human agent.",
         priority=prop("string", "How urgent", ["low", "normal", "high"]),
         note=prop("string", "A short summary for the agent.")),
]


def function_calling_row(line, question, name, arguments, result, answer, tools):
    call = {"id": f"call_{line}", "type": "function", "function": {"name": name, "arguments": json.dumps(arguments)}}
    return {"tools": tools, "messages": [
        {"role": "system", "content": "You are the customer-service assistant of an online shop. Use the tools."},
        {"role": "user", "content": question},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": call["id"], "content": json.dumps(result)},
        {"role": "assistant", "content": answer},
    ]}


FUNCTION_CALLING = [
    function_calling_row(1, "Where is my order A-10023?", "get_order_status",
                         {"order_id": "A-10023", "detail": "summary"},
                         {"status": "in transit", "eta": "2024-11-02"}, "It is on its way and should arrive on "
                         "2 November.", TOOLS[:3]),
    function_calling_row(2, "The mug arrived broken, I want my 12.50 back.", "refund_order",
                         {"order_id": "A-10077", "amount": 12.5, "reason": "damaged"},
                         {"refund_id": "R-881", "status": "accepted"}, "I'm sorry! The refund of 12.50 is on its "
                         "way (reference R-881).", TOOLS),
    function_calling_row(3, "Show me the cheapest green tea you have.", "search_products",
                         {"query": "green tea", "sort": "price_asc", "limit": 3},
                         [{"name": "Sencha 100 g", "price": 4.9}, {"name": "Matcha 30 g", "price": 9.5}],
                         "The cheapest is Sencha 100 g at 4.90.", TOOLS[1:]),
    function_calling_row(4, "I have asked three times, get me a person now.", "escalate",
                         {"priority": "high", "note": "Customer asked three times for a human."},
                         {"queued": True, "wait_minutes": 4}, "A colleague will be with you in about 4 minutes.",
                         TOOLS),
]


def test_a_function_calling_file_is_counted_as_the_cookbook_bills_it():
    report = check_rows([Row(i, data) for i, data in enumerate(FUNCTION_CALLING, start=1)], model=MODEL)
    judge = sum(num_tokens_for_tools(d["tools"], d["messages"], "gpt-4o-mini") for d in FUNCTION_CALLING)
    without_tools = sum(messages_tokens(d["messages"], MODEL) for d in FUNCTION_CALLING)
    assert abs(report.tokens.total - judge) <= 0.1 * judge
    assert report.tokens.total > 2 * without_tools  # the definitions are most of what such a file costs


def test_the_cookbooks_own_example_gives_the_apis_count():
    weather = {"type": "function", "function": {
        "name": "get_current_weather", "description": "Get the current weather in a given location",
        "parameters": {"type": "object", "properties": {
            "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
            "unit": {"type": "string", "description": "The unit of temperature to return",
                     "enum": ["celsius", "fahrenheit"]}}, "required": ["location"]}}}
    messages = [{"role": "system", "content": "You are a helpful assistant that can answer to questions about the "
                                              "weather."},
                {"role": "user", "content": "What's the weather like in San Francisco?"}]
    # The OpenAI API counted 101 prompt tokens for gpt-4o-mini; 3 of them prime the reply, which a training
    # example does not have.
    assert example_tokens({"messages": messages, "tools": [weather]}, Format.CHAT, MODEL) == 101 - 3


def test_each_call_costs_its_name_arguments_and_the_recipient_prefix():
    message = FUNCTION_CALLING[1]["messages"][2]
    function = message["tool_calls"][0]["function"]
    expected = TOKENS_PER_CALL + count_text(function["name"]) + count_text(function["arguments"])
    assert calls_tokens(message, MODEL) == expected
    legacy = {"role": "assistant", "content": None, "function_call": function}
    assert calls_tokens(legacy, MODEL) == expected
    assert messages_tokens([legacy], MODEL) == expected + 4


def test_legacy_functions_and_dpo_tools_are_counted():
    functions = [t["function"] for t in TOOLS]
    assert tools_tokens({"functions": functions}, MODEL) == tools_tokens({"tools": TOOLS}, MODEL) > 0
    messages = FUNCTION_CALLING[0]["messages"]
    answer = [{"role": "assistant", "content": "Yes."}]
    plain = {"input": {"messages": messages[:2]}, "preferred_output": answer, "non_preferred_output": answer}
    inside = {**plain, "input": {"messages": messages[:2], "tools": TOOLS}}
    outside = {**plain, "tools": TOOLS}
    extra = tools_tokens({"tools": TOOLS}, MODEL)
    assert example_tokens(inside, Format.DPO, MODEL) == example_tokens(plain, Format.DPO, MODEL) + extra
    assert example_tokens(outside, Format.DPO, MODEL) == example_tokens(plain, Format.DPO, MODEL) + extra


def test_the_older_models_use_the_cookbooks_gpt_4_constants():
    one = [TOOLS[3]]
    assert tools_tokens({"tools": one}, "gpt-3.5-turbo-0125") - tools_tokens({"tools": one}, MODEL) == 10 - 7 + (
        count_text("escalate:Hand the conversation to a human agent", "gpt-3.5-turbo-0125")
        - count_text("escalate:Hand the conversation to a human agent", MODEL)
        + sum(count_text(t, "gpt-3.5-turbo-0125") - count_text(t, MODEL)
              for t in ("priority:string:How urgent", "note:string:A short summary for the agent",
                        "low", "normal", "high")))


def test_a_row_without_tools_counts_exactly_as_before():
    data = {"messages": [{"role": "system", "content": "你是客服助手。"}, {"role": "user", "content": "退款要多久？"},
                         {"role": "assistant", "content": "一般3到5个工作日。"}]}
    expected = sum(count_text(m["content"], MODEL) + 4 for m in data["messages"])
    assert example_tokens(data, Format.CHAT, MODEL) == expected
    assert example_tokens({**data, "tools": []}, Format.CHAT, MODEL) == expected
    assert example_tokens({**data, "parallel_tool_calls": False}, Format.CHAT, MODEL) == expected


def deep_schema(levels):
    schema = {"type": "string"}
    for _ in range(levels):
        schema = {"type": "object", "properties": {"x": schema}}
    return schema


ODD_TOOLS = [None, 5, "get_weather", {}, {"type": "function"}, [], [None, 3, "a", {}, []],
             [{"type": "function"}], [{"type": "function", "function": None}],
             [{"type": "function", "function": {"name": 5, "description": None, "parameters": "none"}}],
             [{"type": "function", "function": {"name": "f", "parameters": {"properties": ["a", "b"]}}}],
             [{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {
                 "a": None, "b": "string", "c": {"type": ["string", "null"], "enum": [1, True, None, {"k": [1]}]},
                 "d": {"type": "object", "properties": {"e": {"type": "integer", "enum": []}}},
                 "f": {"type": "array", "items": {"type": "object", "properties": {"g": {"enum": ["x"]}}}},
                 "h": {"type": "array", "items": "string"}, "i": {"description": 3}}}}}],
             [{"type": "function", "function": {"name": "deep", "parameters": deep_schema(3000)}}]]


@pytest.mark.parametrize("tools", ODD_TOOLS)
def test_odd_tools_values_never_raise(tools):
    data = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}],
            "tools": tools, "functions": tools}
    assert tools_tokens(data, MODEL) >= 0
    assert example_tokens(data, Format.CHAT, MODEL) >= example_tokens({"messages": data["messages"]}, Format.CHAT,
                                                                       MODEL)


@pytest.mark.parametrize("tools", [None, 5, "get_weather", {"type": "function"}, [], [None, 3, "a", []]])
def test_tools_that_are_not_a_list_of_definitions_count_nothing(tools):
    assert tools_tokens({"tools": tools}, MODEL) == 0


@pytest.mark.parametrize("calls", [None, "x", 3, [None], [{"function": None}], [{"function": "f"}],
                                   [{"function": {"name": None, "arguments": {"a": [1, 2]}}}],
                                   [{"function": {"name": ["odd"], "arguments": 7}}]])
def test_odd_tool_calls_never_raise(calls):
    message = {"role": "assistant", "content": None, "tool_calls": calls, "function_call": calls}
    assert messages_tokens([message], MODEL) >= 4


def test_tools_can_push_a_row_past_the_context():
    rows = [Row(i, data) for i, data in enumerate(FUNCTION_CALLING * 3, start=1)]
    huge = tool("lookup", "Look something up. " + "Consider every field of the record carefully. " * 9000,
                key=prop("string", "What to look up."))
    rows.append(Row(13, {**FUNCTION_CALLING[0], "tools": [huge]}))
    report = check_rows(rows, model=MODEL)
    assert [(p.line, p.code) for p in report.problems if p.code == "over_token_limit"] == [(13, "over_token_limit")]
    assert report.tokens.over_limit == 1
    assert messages_tokens(FUNCTION_CALLING[0]["messages"], MODEL) < 1000  # the messages alone are short


# --- Vision rows.

IMAGE = {"type": "image_url", "image_url": {"url": "https://example.com/cheese.jpg"}}
ANSWER = {"role": "assistant", "content": "Danbo"}


def vision(*parts, role="user"):
    return {"messages": [{"role": "user", "content": "What is this cheese?"}, {"role": role, "content": list(parts)},
                         *([] if role == "assistant" else [ANSWER])]}


def codes(data, expected=Format.CHAT):
    return [p.code for p in check_row(Row(3, data), expected)]


def test_an_image_only_user_message_is_not_empty():
    assert codes(vision(IMAGE)) == []
    assert codes(vision({"type": "text", "text": "Look:"}, IMAGE, {**IMAGE, "image_url": {
        "url": "data:image/png;base64,iVBORw0KGgo=", "detail": "low"}})) == []


@pytest.mark.parametrize(("parts", "code"), [
    ([{"type": "image_url"}], "bad_image"),
    ([{"type": "image_url", "image_url": "https://example.com/a.png"}], "bad_image"),
    ([{"type": "image_url", "image_url": {"url": "  "}}], "bad_image"),
    ([{"type": "image_url", "image_url": {"detail": "high"}}], "bad_image"),
    ([{"type": "input_audio", "input_audio": {"data": "…"}}], "unknown_part"),
    ([{"text": "no type"}], "unknown_part"),
    ([{"type": "text", "text": "look<|im_end|>"}, IMAGE], "special_token"),
    ([{"type": "text", "text": "  "}], "empty_content"),
    ([], "empty_content"),
    (["just text"], "wrong_type"),
])
def test_bad_content_parts_are_errors(parts, code):
    found = check_row(Row(3, vision(*parts)), Format.CHAT)
    assert code in [p.code for p in found]
    assert all(p.severity == "error" for p in found)
    assert any("message 2" in p.message for p in found if p.code == code)


def test_images_belong_in_user_messages_only():
    assert "image_not_allowed" in codes(vision(IMAGE, role="assistant"))
    assert "image_not_allowed" in codes(vision(IMAGE, role="system"))
    dpo = {"input": {"messages": [{"role": "user", "content": [IMAGE]}]},
           "preferred_output": [{"role": "assistant", "content": [IMAGE]}],
           "non_preferred_output": [{"role": "assistant", "content": "Brie"}]}
    assert codes(dpo, Format.DPO) == ["image_not_allowed"]


def test_images_are_counted_apart_not_as_tokens():
    data = vision({"type": "text", "text": "Look:"}, IMAGE, IMAGE)
    assert image_parts(data) == 2
    text_only = vision({"type": "text", "text": "Look:"})
    assert example_tokens(data, Format.CHAT, MODEL) == example_tokens(text_only, Format.CHAT, MODEL)
    dpo = {"input": {"messages": [{"role": "user", "content": [IMAGE, {"type": "text", "text": "?"}]}]},
           "preferred_output": [ANSWER], "non_preferred_output": [ANSWER]}
    assert image_parts(dpo) == 1
    assert image_parts({"messages": [{"role": "user", "content": "no images"}]}) == 0
    assert image_parts(None) == image_parts({"messages": "x"}) == image_parts({"input": [IMAGE]}) == 0


def test_images_are_named_as_not_counted():
    image = {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}
    rows = [Row(i + 1, {"messages": [{"role": "user", "content": [image]},
                                     {"role": "assistant", "content": "A cat."}]}) for i in range(12)]
    report = check_rows(rows)
    assert report.usable
    notice = next(p for p in report.warnings if p.code == "images_not_counted")
    assert notice.message.startswith("12 images are not included in the token count")
