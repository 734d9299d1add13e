"""Copy as code never contains the key; console history is per profile and clearable."""

from core import history
from core.chat import ChatRequest, transcript_messages
from core.snippets import as_curl, as_node, as_python

REQUEST = ChatRequest("ft:gpt-4o-mini-2024-07-18:acme:support:abc", transcript_messages("客服", [], "可以退货吗？"),
                      temperature=0.2, max_tokens=100)


def test_snippets_use_the_base_url_and_a_placeholder_for_the_key():
    base = "https://gateway.example.com/v1"
    for write in (as_python, as_curl, as_node):
        code = write(REQUEST, base)
        assert base in code and "OPENAI_API_KEY" in code and "sk-" not in code and "可以退货吗？" in code
    assert "client.chat.completions.create(" in as_python(REQUEST, base)
    compile(as_python(REQUEST, base), "snippet", "exec")
    assert "/chat/completions" in as_curl(REQUEST, base)
    legacy = ChatRequest("davinci-002", transcript_messages("", [], "Q"), separator=" ->")
    assert '"prompt": "Q ->"' in as_curl(legacy, base) and "client.completions.create(" in as_node(legacy, base)


def test_history_is_kept_per_profile_and_can_be_cleared():
    history.save("work", [history.Turn("m", "问", "答")])
    assert history.load("work") == [history.Turn("m", "问", "答")] and history.load("sandbox") == []
    history.clear("work")
    assert history.load("work") == []
