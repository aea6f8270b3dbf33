"""The offline demo agent (embedded default): a handful of intents in English and Chinese,
answered from the user's real data through the real tools, streamed word by word.

| intent | examples | tools |
|---|---|---|
| balance | "what's my balance?", "我的余额" | get_credit_balance |
| performance | "how did we do today?", "今天的表现" | get_dashboard_metrics |
| campaigns | "list my campaigns", "广告活动" | list_campaigns |
| pause | "pause campaign 12", "暂停 Spring sale" | list_campaigns, pause_campaign (approval) |
| landing page | "draft a landing page for https://…", "落地页 https://…" | create_landing_page (paid, approval) |
| creatives | "show my creatives", "素材" | list_creatives (+ media of the first three) |

Each intent is a plain generator: it yields `ToolCall`s, receives their `ToolResult`s and
returns the answer text, so the wording can be tested without any I/O.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Awaitable, Callable, Generator
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from backend.integrations.agents.base import (
    Agent,
    AgentRequest,
    AgentStream,
    Final,
    Media,
    TextDelta,
    ToolCall,
    ToolResult,
    Usage,
    approx_tokens,
)

Step = Generator[ToolCall | Media, ToolResult | None, str]

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
WORDS = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]|[^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+\s*|\s+")
URL = re.compile(r"https?://[^\s，。]+", re.IGNORECASE)
CAMPAIGN_ID = re.compile(r"(?:#|\bid\s*|campaign\s+|广告(?:活动|系列)\s*)(\d{1,18})\b", re.IGNORECASE)

INTENTS: list[tuple[str, re.Pattern[str]]] = [
    ("pause", re.compile(r"\bpause\b|\bstop\s+campaign|暂停", re.IGNORECASE)),
    ("landing_page", re.compile(r"landing[\s-]*page|落地页", re.IGNORECASE)),
    ("balance", re.compile(r"\bbalance\b|\bcredits?\b|余额|积分", re.IGNORECASE)),
    ("performance", re.compile(r"perform|\btoday\b|how (?:am i|are we|did we) doing|表现|今天|今日", re.IGNORECASE)),
    ("creatives", re.compile(r"creative|素材", re.IGNORECASE)),
    ("campaigns", re.compile(r"campaign|广告系列|广告活动", re.IGNORECASE)),
]


def detect_intent(text: str) -> str:
    for name, pattern in INTENTS:
        if pattern.search(text):
            return name
    return "help"


def language_of(text: str, default: str = "en") -> str:
    return "zh" if CJK.search(text) else ("en" if text.strip() else default)


def words(text: str) -> list[str]:
    """The answer in streamable pieces: words (with their trailing space) and single CJK characters."""
    return WORDS.findall(text)


class DemoAgent(Agent):
    name = "demo"
    model = "demo"

    def __init__(self, *, word_delay: float = 0.02, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        super().__init__()
        self.word_delay = word_delay
        self._sleep = sleep

    async def run(self, request: AgentRequest) -> AgentStream:
        language = language_of(request.text, request.language)
        step = HANDLERS[detect_intent(request.text)](request.text, language)
        reply: ToolResult | None = None
        while True:
            try:
                event = step.send(reply)
            except StopIteration as done:
                answer = str(done.value)
                break
            reply = None
            if isinstance(event, ToolCall):
                reply = yield event
            else:
                yield event
        for index, piece in enumerate(words(answer)):
            if index and self.word_delay:
                await self._sleep(self.word_delay)
            yield TextDelta(piece)
        prompt = " ".join(str(m.get("content") or "") for m in request.history) + request.text
        yield Usage(self.model, approx_tokens(prompt), approx_tokens(answer))
        yield Final("stop")


# --- intents --------------------------------------------------------------------------------


def _call(tool: str, /, **arguments: Any) -> ToolCall:
    return ToolCall(f"demo_{uuid.uuid4().hex[:12]}", tool, arguments)


def _failed(result: ToolResult | None, zh: bool) -> str | None:
    if result is not None and result.ok:
        return None
    if result is not None and result.rejected:
        return "好的，已取消该操作。" if zh else "OK, I did not do it."
    message = (result.error or {}).get("message", "") if result is not None else ""
    return f"操作失败：{message}" if zh else f"That did not work: {message}"


def _money(value: Any) -> str:
    try:
        return f"{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return str(value)


def balance(text: str, language: str) -> Step:
    zh = language == "zh"
    result = yield _call("get_credit_balance")
    if (failure := _failed(result, zh)) is not None:
        return failure
    data = result.data  # type: ignore[union-attr]
    total, gifted, purchased = _money(data["total"]), _money(data["gifted_credits"]), _money(data["purchased_credits"])
    if zh:
        answer = f"您的积分余额为 {total}（赠送 {gifted}，购买 {purchased}）。"
        return answer + ("余额偏低，请及时充值。" if data.get("low_balance") else "")
    answer = f"Your balance is {total} credits ({gifted} gifted, {purchased} purchased)."
    return answer + (" It is running low; recharge on the Credits page." if data.get("low_balance") else "")


def performance(text: str, language: str) -> Step:
    zh = language == "zh"
    result = yield _call("get_dashboard_metrics")
    if (failure := _failed(result, zh)) is not None:
        return failure
    today, change = result.data["today"], result.data.get("change") or {}  # type: ignore[union-attr]
    if not today.get("impressions") and Decimal(str(today.get("spend", 0))) == 0:
        return "今天还没有投放数据。" if zh else "There is no delivery data for today yet."
    spend, revenue, cpa = _money(today["spend"]), _money(today["revenue"]), _money(today["cpa"])
    roas, conversions = f"{float(today['roas']):.2f}", today["conversions"]
    trend = change.get("spend")
    if zh:
        answer = f"今天：花费 {spend}，收入 {revenue}，ROAS {roas}，CPA {cpa}，转化 {conversions} 次。"
        if trend is not None:
            answer += f"花费较昨天{'增加' if trend >= 0 else '减少'} {abs(trend):.0%}。"
        return answer
    answer = f"Today so far: spend {spend}, revenue {revenue}, ROAS {roas}, CPA {cpa}, {conversions} conversions."
    if trend is not None:
        answer += f" Spend is {'up' if trend >= 0 else 'down'} {abs(trend):.0%} on yesterday."
    return answer


_ZH_WORDS = {"draft": "草稿", "active": "投放中", "paused": "已暂停", "deleted": "已删除", "daily": "每日",
             "lifetime": "总预算"}


def _campaign_line(c: dict[str, Any], zh: bool = False) -> str:
    if zh:
        status, budget_type = _ZH_WORDS.get(c["status"], c["status"]), _ZH_WORDS.get(c["budget_type"], c["budget_type"])
        return f"#{c['id']} {c['name']}（{status}，{budget_type} {_money(c['budget'])}）"
    return f"#{c['id']} {c['name']} ({c['status']}, {_money(c['budget'])}/{c['budget_type']})"


def campaigns(text: str, language: str) -> Step:
    zh = language == "zh"
    result = yield _call("list_campaigns", limit=10)
    if (failure := _failed(result, zh)) is not None:
        return failure
    items, total = result.data["items"], result.data["total"]  # type: ignore[union-attr]
    if not items:
        return "您还没有广告活动。" if zh else "You have no campaigns yet."
    lines = ("；" if zh else "; ").join(_campaign_line(c, zh) for c in items)
    return f"您共有 {total} 个广告活动：{lines}。" if zh else f"You have {total} campaigns: {lines}."


def pause(text: str, language: str) -> Step:
    zh = language == "zh"
    match = CAMPAIGN_ID.search(text)
    if match:
        campaign_id = int(match.group(1))
    else:
        listed = yield _call("list_campaigns", status="active", limit=100)
        if (failure := _failed(listed, zh)) is not None:
            return failure
        active = listed.data["items"]  # type: ignore[union-attr]
        named = [c for c in active if c["name"].lower() in text.lower()]
        chosen = named if named else (active if len(active) == 1 else [])
        if len(chosen) != 1:
            if not active:
                return "没有正在投放的广告活动。" if zh else "No campaign is active right now."
            options = ("；" if zh else "; ").join(_campaign_line(c, zh) for c in active[:10])
            return (f"要暂停哪个广告活动？{options}" if zh
                    else f"Which campaign should I pause? {options}")
        campaign_id = chosen[0]["id"]
    result = yield _call("pause_campaign", campaign_id=campaign_id)
    if (failure := _failed(result, zh)) is not None:
        return failure
    name = result.data["name"]  # type: ignore[union-attr]
    return f"已暂停广告活动 #{campaign_id}「{name}」。" if zh else f"Paused campaign #{campaign_id} \"{name}\"."


def landing_page(text: str, language: str) -> Step:
    zh = language == "zh"
    url = URL.search(text)
    if url is None:
        return ("请告诉我产品链接，例如：为 https://shop.example.com/shoes 做一个落地页。" if zh else
                "Tell me the product's URL, e.g. \"draft a landing page for https://shop.example.com/shoes\".")
    product_url = url.group(0).rstrip(".,;)")
    parts = urlsplit(product_url)
    slug = (parts.path.strip("/").split("/")[-1] or parts.hostname or "product").replace("-", " ")
    name = f"{slug[:60].title()} landing page"
    result = yield _call("create_landing_page", name=name, product_url=product_url, language=language)
    if (failure := _failed(result, zh)) is not None:
        return failure
    page, charged = result.data, _money(result.credits_charged)  # type: ignore[union-attr]
    if zh:
        return f"已创建落地页草稿 #{page['id']}「{page['name']}」，花费 {charged} 积分。请在落地页页面预览并发布。"
    return (f"Drafted landing page #{page['id']} \"{page['name']}\" for {product_url}; it cost {charged} credits. "
            "Preview and publish it on the Landing pages page.")


def creatives(text: str, language: str) -> Step:
    zh = language == "zh"
    result = yield _call("list_creatives", limit=10)
    if (failure := _failed(result, zh)) is not None:
        return failure
    items, total = result.data["items"], result.data["total"]  # type: ignore[union-attr]
    if not items:
        return "素材库还是空的。" if zh else "Your creative library is empty."
    for item in items[:3]:
        yield Media(item["file_type"] if item["file_type"] in ("image", "video") else "image",
                    creative_id=item["id"], mime_type=item.get("mime_type"), caption=item["name"])
    lines = "; ".join(f"{c['name']} ({c['file_type']})" for c in items)
    return f"素材库共有 {total} 个素材：{lines}。" if zh else f"You have {total} creatives: {lines}."


def help_text(text: str, language: str) -> Step:
    yield from ()  # a generator like the others, without a tool call
    if language == "zh":
        return "我可以查询余额、今天的表现，列出或暂停广告活动，起草落地页，或列出素材。试试问：“我的余额是多少？”"
    return ("I can tell you your balance and today's performance, list or pause campaigns, draft a landing page, "
            "or list your creatives. Try \"What's my balance?\"")


HANDLERS: dict[str, Callable[[str, str], Step]] = {
    "balance": balance, "performance": performance, "campaigns": campaigns, "pause": pause,
    "landing_page": landing_page, "creatives": creatives, "help": help_text,
}
