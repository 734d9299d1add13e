"""The console's request as code to paste elsewhere: Python (openai SDK), curl and Node.js. The key is
never written: each snippet reads OPENAI_API_KEY."""

from __future__ import annotations

import json
from typing import Any

from core.chat import ChatRequest, is_legacy, request_body


def _body(request: ChatRequest) -> dict[str, Any]:
    body = request_body(request, stream=False)
    body.pop("stream")
    return body


def as_python(request: ChatRequest, base_url: str) -> str:
    body = _body(request)
    call = "client.completions.create" if is_legacy(request.model) else "client.chat.completions.create"
    arguments = ",\n".join(f"    {key}={json.dumps(value, ensure_ascii=False)}" for key, value in body.items())
    text = "choices[0].text" if is_legacy(request.model) else "choices[0].message.content"
    return (f"import os\nfrom openai import OpenAI\n\nclient = OpenAI(base_url={json.dumps(base_url)}, "
            f"api_key=os.environ[\"OPENAI_API_KEY\"])\nresponse = {call}(\n{arguments},\n)\n"
            f"print(response.{text})\n")


def as_curl(request: ChatRequest, base_url: str) -> str:
    path = "completions" if is_legacy(request.model) else "chat/completions"
    body = json.dumps(_body(request), ensure_ascii=False, indent=2).replace("'", "'\\''")
    return (f"curl {base_url.rstrip('/')}/{path} \\\n  -H \"Content-Type: application/json\" \\\n"
            f"  -H \"Authorization: Bearer $OPENAI_API_KEY\" \\\n  -d '{body}'\n")


def as_node(request: ChatRequest, base_url: str) -> str:
    call = "client.completions.create" if is_legacy(request.model) else "client.chat.completions.create"
    text = "choices[0].text" if is_legacy(request.model) else "choices[0].message.content"
    body = json.dumps(_body(request), ensure_ascii=False, indent=2)
    return (f"import OpenAI from \"openai\";\n\nconst client = new OpenAI({{ baseURL: {json.dumps(base_url)}, "
            f"apiKey: process.env.OPENAI_API_KEY }});\nconst response = await {call}({body});\n"
            f"console.log(response.{text});\n")
