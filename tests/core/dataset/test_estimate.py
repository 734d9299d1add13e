import pytest

from core.dataset.estimate import auto_epochs, estimate, price_table
from core.dataset.tokens import count_text, encoding_name_for


# The cookbook divides with //: 12 examples → 100 // 12 = 8 epochs, not 9.
@pytest.mark.parametrize(("examples", "epochs"), [(1, 25), (7, 14), (10, 10), (12, 8), (33, 3), (34, 3), (1000, 3),
                                                  (8333, 3), (8334, 2), (10_000, 2), (30_000, 1)])
def test_auto_epochs_follow_the_documented_rule(examples, epochs):
    assert auto_epochs(examples) == epochs


def test_estimate_uses_the_price_table():
    result = estimate("gpt-4o-mini-2024-07-18", dataset_tokens=1_000_000, n_examples=1000)
    assert (result.epochs, result.billed_tokens, result.usd) == (3, 3_000_000, 9.0)
    assert result.prices_as_of == price_table().as_of
    assert estimate("ft:gpt-4o-mini-2024-07-18:org:x:abc", 1_000_000, 1000).usd == 9.0  # continued training
    assert estimate("gpt-4o-mini", 1_000_000, 1000, epochs=1).usd == 3.0  # alias, explicit epochs
    assert estimate("some-gateway-model", 1_000_000, 1000).usd is None


def test_the_seed_authors_bill_is_explained():
    # 1,000 rows at ~600 tokens, 4 epochs, legacy davinci at $0.03/1K: about $72
    assert round(600 * 1000 * 4 / 1000 * 0.03) == 72


def test_offline_tokenizers_by_model_family():
    assert encoding_name_for("gpt-4o-mini-2024-07-18") == "o200k_base"
    assert encoding_name_for("ft:gpt-4.1-nano-2025-04-14:org::x") == "o200k_base"
    assert encoding_name_for("davinci-002") == "cl100k_base"
    assert encoding_name_for("gpt-3.5-turbo-0125") == "cl100k_base"
    assert count_text("hello world") == 2
    assert count_text("你好，世界") > 0
    assert count_text("<|endoftext|>") > 1  # special tokens count as plain text, never raise
