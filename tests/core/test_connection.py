"""Each layer of "test connection" against a real local server that fails in that way."""

from dataclasses import replace

import pytest
import trustme

from core.connection import Layer, check_connection
from core.settings import ProfileKind, new_profile
from tests.servers import api_server, closed_port, error_body, make_proxy_handler, serve

KEY = "sk-test-0123456789abcdef"


def profile(base_url="", proxy="", timeout=10.0):
    return replace(new_profile(ProfileKind.COMPATIBLE, "Test"), base_url=base_url, proxy=proxy, timeout=timeout)


async def failed_layer(base_url, proxy="", key=KEY):
    report = await check_connection(profile(base_url, proxy), key)
    assert not report.ok
    failed = report.failed
    assert failed.message and failed.hint
    assert KEY not in failed.message + failed.hint
    return failed


async def test_working_server_reports_every_layer_ok():
    with api_server() as origin:
        report = await check_connection(profile(origin + "/v1"), KEY)
    assert report.ok
    assert [r.layer for r in report.results] == [Layer.URL, Layer.DNS, Layer.TCP, Layer.API]
    assert "2 models" in report.results[-1].message


async def test_bad_url():
    failed = await failed_layer("not a url")
    assert failed.layer is Layer.URL


async def test_unknown_host():
    failed = await failed_layer("http://no-such-host.invalid/v1")
    assert failed.layer is Layer.DNS
    assert "no-such-host.invalid" in failed.message


async def test_closed_port():
    failed = await failed_layer(f"http://127.0.0.1:{closed_port()}/v1")
    assert failed.layer is Layer.TCP


async def test_untrusted_certificate():
    ca = trustme.CA()
    context = __import__("ssl").create_default_context(__import__("ssl").Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    from tests.servers import make_handler
    with serve(make_handler(200, "{}"), tls=context) as origin:
        failed = await failed_layer(origin + "/v1")
    assert failed.layer is Layer.TLS
    assert "certificate" in failed.message


async def test_html_page_instead_of_api():
    with api_server(200, "<html><body>Welcome to our portal</body></html>", "text/html") as origin:
        failed = await failed_layer(origin + "/v1")
    assert failed.layer is Layer.API
    assert "text/html" in failed.message
    assert "/v1" in failed.hint


@pytest.mark.parametrize(("status", "code", "words"), [
    (401, "invalid_api_key", "rejected the API key"),
    (403, "unsupported_country_region_territory", "403"),
    (429, "insufficient_quota", "quota"),
    (500, None, "500"),
])
async def test_http_status_errors(status, code, words):
    with api_server(status, error_body("failure", code)) as origin:
        failed = await failed_layer(origin + "/v1")
    assert failed.layer is Layer.API
    assert words in failed.message


async def test_404_suggests_adding_v1():
    with api_server(404, error_body("Not found")) as origin:
        failed = await failed_layer(origin + "/api")
    assert failed.layer is Layer.API
    assert f"{origin}/api/v1" in failed.hint


async def test_through_a_working_proxy():
    proxy_handler = make_proxy_handler(password=None)
    with api_server() as origin, serve(proxy_handler) as proxy:
        report = await check_connection(profile(origin + "/v1", proxy), KEY)
    assert report.ok, report.failed
    assert Layer.PROXY in [r.layer for r in report.results]
    assert proxy_handler.forwarded == [origin + "/v1/models"]


async def test_proxy_that_wants_a_password():
    with api_server() as origin, serve(make_proxy_handler(password="s3cret")) as proxy:
        failed = await failed_layer(origin + "/v1", proxy)
        assert failed.layer is Layer.PROXY
        assert "407" in failed.message
        authed = proxy.replace("http://", "http://user:s3cret@")
        report = await check_connection(profile(origin + "/v1", authed), KEY)
    assert report.ok, report.failed


async def test_proxy_that_refuses_connections():
    with api_server() as origin:
        failed = await failed_layer(origin + "/v1", f"http://127.0.0.1:{closed_port()}")
    assert failed.layer is Layer.TCP
    assert "Nothing accepts connections" in failed.message
