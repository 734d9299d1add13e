import logging

from core.errors import from_exception
from core.logs import redact, register_secret, setup_logging


def test_redaction_patterns():
    text = redact("key sk-proj-AbC123xyz456 auth Bearer abc.def proxy http://bob:hunter2@10.0.0.1:3128 api_key=xyz987")
    for secret in ("AbC123xyz456", "abc.def", "hunter2", "xyz987"):
        assert secret not in text
    assert "bob" in text  # the user name is fine, the password is not


def test_a_key_never_reaches_the_log_file(tmp_path):
    odd_key = "azure0123456789abcdef0123456789ab"  # Azure keys do not start with sk-
    register_secret(odd_key)
    path = setup_logging(tmp_path)
    log = logging.getLogger("test")
    log.info("calling with %s and sk-live-0123456789abcdef", odd_key)
    try:
        raise RuntimeError(f"Incorrect API key provided: {odd_key}")
    except RuntimeError:
        log.exception("failed")
    for handler in logging.getLogger().handlers:
        handler.flush()
    content = path.read_text(encoding="utf-8")
    assert "failed" in content and "Incorrect API key" in content
    assert odd_key not in content
    assert "sk-live-0123456789abcdef" not in content


def test_a_key_never_reaches_an_error_message():
    key = "sk-secret-0123456789abcdef"
    error = from_exception(RuntimeError(f"401 for key {key}"))
    assert key not in error.user_message and key not in error.hint
