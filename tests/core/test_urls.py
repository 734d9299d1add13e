import pytest

from core.errors import ConfigError
from core.providers.azure import resource_url
from core.urls import check_proxy_url, normalise_base_url


@pytest.mark.parametrize(("raw", "expected"), [
    ("https://api.openai.com/v1", "https://api.openai.com/v1"),
    ("https://api.openai.com/v1/", "https://api.openai.com/v1"),
    ("  https://api.openai.com  ", "https://api.openai.com/v1"),
    ("api.openai.com", "https://api.openai.com/v1"),
    ("https://relay.example.com/v1/chat/completions", "https://relay.example.com/v1"),
    ("https://relay.example.com/v1/fine_tuning/jobs/", "https://relay.example.com/v1"),
    ("https://my-res.openai.azure.com/openai", "https://my-res.openai.azure.com/openai/v1"),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080/v1"),
    ("https://gw.example.com/api/openai/v1", "https://gw.example.com/api/openai/v1"),
])
def test_base_urls_are_normalised(raw, expected):
    assert normalise_base_url(raw).url == expected


def test_normalising_says_what_changed():
    result = normalise_base_url("api.openai.com/chat/completions")
    assert result.url == "https://api.openai.com/v1"
    assert any("https://" in change for change in result.changes)
    assert any("/chat/completions" in change for change in result.changes)
    assert any("/v1" in change for change in result.changes)


def test_gateway_paths_are_kept_without_v1_when_asked():
    assert normalise_base_url("https://gw.example.com", add_v1=False).url == "https://gw.example.com"


@pytest.mark.parametrize("raw", ["", "   ", "ftp://example.com", "https://"])
def test_bad_base_urls_raise_a_clear_error(raw):
    with pytest.raises(ConfigError) as info:
        normalise_base_url(raw)
    assert info.value.user_message and info.value.hint


def test_azure_resource_becomes_its_v1_url():
    assert resource_url("my-openai") == "https://my-openai.openai.azure.com/openai/v1"
    assert resource_url("https://my-openai.openai.azure.com/") == "https://my-openai.openai.azure.com/openai/v1"
    with pytest.raises(ConfigError):
        resource_url("not a name!")


def test_proxy_urls():
    assert check_proxy_url("") == ""
    assert check_proxy_url("127.0.0.1:7890") == "http://127.0.0.1:7890"
    assert check_proxy_url("socks5://u:p@host:1080") == "socks5://u:p@host:1080"
    for bad in ("ftp://host:21", "http://host", "http://host:notaport"):
        with pytest.raises(ConfigError):
            check_proxy_url(bad)
