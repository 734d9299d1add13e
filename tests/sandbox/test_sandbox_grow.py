"""The Sandbox plays along with growing a dataset: lists of new questions and answers from the request's context,
the same every time for the same request, and broken on demand."""

import json
import re

import httpx2

from sandbox.faults import Faults

CJK = re.compile("[\u4e00-\u9fff]")
ASK = ('You write user messages for a chatbot\'s training data. Write {n} new questions. '
       'Reply with JSON only: {{"questions": ["...", "..."]}} holding exactly {n} strings.')
ZH = '示例问题：\n"""\n我的订单什么时候发货？\n可以开发票吗？\n会员积分怎么使用？\n"""'
EN = 'Example questions:\n"""\nHow do I reset my password?\nCan I change my delivery address?\n"""'
POLICY = ("Orders placed before 3 pm are packed the same day. Refunds are paid within 14 days of the return "
          "arriving at our warehouse. Every euro spent earns one loyalty point.")


def ask(client, system, user, **options):
    messages = ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": user}]
    return client.chat.completions.create(model="gpt-4o-mini", messages=messages, **options).choices[0]


def listed(client, n, user, system=None):
    return json.loads(ask(client, system or ASK.format(n=n), user).message.content)["questions"]


def test_new_questions_in_the_examples_language_the_same_every_time(client):
    chinese = listed(client, 8, ZH)
    assert len(chinese) == len(set(chinese)) == 8 and all(CJK.search(q) for q in chinese)
    assert listed(client, 8, ZH) == chinese
    assert not {"我的订单什么时候发货？", "可以开发票吗？", "会员积分怎么使用？"} & set(chinese)
    english = listed(client, 5, EN)
    assert len(english) == 5 and not any(CJK.search(q) for q in english)
    assert any("password" in q or "delivery address" in q for q in english)


def test_questions_already_in_the_prompt_are_not_repeated(client):
    first = listed(client, 6, ZH)
    later = listed(client, 6, ZH + "\n\nAlready written, do not repeat:\n" + "\n".join(f"- {q}" for q in first))
    assert len(later) == 6 and not set(first) & set(later)


def test_questions_from_a_passage(client):
    questions = listed(client, 4, f'Text:\n"""\n{POLICY}\n"""')
    assert len(questions) == 4
    assert all(any(word in q.lower() for word in ("orders", "refunds", "euro", "loyalty", "warehouse", "pm"))
               for q in questions)


def test_a_bare_json_array_and_a_json_schema(client):
    bare = json.loads(ask(client, "Reply with a JSON array of 3 questions.", EN).message.content)
    assert isinstance(bare, list) and len(bare) == 3
    schema = {"type": "json_schema", "json_schema": {"name": "questions", "schema": {
        "type": "object", "properties": {"items": {"type": "array", "maxItems": 2, "items": {"type": "string"}}}}}}
    shaped = json.loads(ask(client, "Write new questions.", EN, response_format=schema).message.content)
    assert list(shaped) == ["items"] and len(shaped["items"]) == 2


def test_answers_from_the_quoted_text_or_in_the_style_of_earlier_turns(client):
    grounded = ask(client, f'Answer only from this text.\n"""\n{POLICY}\n"""', "When are refunds paid?")
    assert grounded.message.content == "Refunds are paid within 14 days of the return arriving at our warehouse."
    missing = ask(client, f'"""\n{POLICY}\n"""', "Do you sell bicycles?").message.content
    assert missing == "The text does not say."
    turns = [{"role": "system", "content": "你是客服。"}, {"role": "user", "content": "可以开发票吗？"},
             {"role": "assistant", "content": "可以的，请在订单详情页申请电子发票。"},
             {"role": "user", "content": "会员积分怎么使用？"},
             {"role": "assistant", "content": "积分可在结算时抵扣现金。"},
             {"role": "user", "content": "开发票需要多久？"}]
    styled = client.chat.completions.create(model="gpt-4o-mini", messages=turns).choices[0].message.content
    assert styled == "可以的，请在订单详情页申请电子发票。"
    assert ask(client, "", "Hello").message.content.startswith("[Sandbox]")  # a plain chat is still practice


def test_malformed_output_fault(server, client):
    response = httpx2.put(server.origin + "/_sandbox/faults", json={"malformed_output": True}, trust_env=False)
    assert response.status_code == 200 and response.json()["malformed_output"] is True
    broken = ask(client, ASK.format(n=3), EN)
    assert broken.message.content.startswith("Sure! Here are some questions") and broken.finish_reason == "length"
    assert '{"questions": ["' in broken.message.content
    empty = ask(client, "", "Hello")
    assert empty.message.content == "" and empty.finish_reason == "length"
    refused = httpx2.put(server.origin + "/_sandbox/faults", json={"malformed_output": "yes"}, trust_env=False)
    assert refused.status_code == 400
    assert Faults.from_dict({"malformed_output": False}) == Faults()
