"""Examples to grow from: a tea shop's customer service, in Chinese."""

from __future__ import annotations

from core.dataset.model import Row

SHOP = "你是一家茶叶网店的客服，回答简短有礼貌。"
ZH_PAIRS = [("我的订单什么时候发货？", "您好，订单一般在付款后48小时内发货。"),
            ("可以开发票吗？", "可以的，请在订单详情页申请电子发票。"),
            ("退货运费谁承担？", "质量问题由我们承担运费，其他情况由买家承担。"),
            ("会员积分怎么使用？", "积分可在结算时抵扣现金，100积分抵1元。"),
            ("支持货到付款吗？", "目前暂不支持货到付款，请在线支付。")]


def chat_row(question: str, answer: str, system: str = SHOP, line: int = 0) -> Row:
    messages = [{"role": "system", "content": system}] if system else []
    return Row(line, {"messages": [*messages, {"role": "user", "content": question},
                                   {"role": "assistant", "content": answer}]})
