"""Display names of the MCP tools, for the chat's tool-call cards (`chat.tool_name.<tool name>`).

The English names are the tools' own titles (backend/*/tools.py); a tool without an entry here
shows its title in both languages. `tests/aae_app/test_chat_tool_names.py` keeps every tool named.
"""

from __future__ import annotations

from aae_app.i18n import register

TOOL_NAME_PREFIX = "chat.tool_name."

register({
    "chat.tool_name.create_campaign": ("Create campaign", "创建广告活动"),
    "chat.tool_name.create_landing_page": ("Create landing page", "创建落地页"),
    "chat.tool_name.create_notification": ("Create notification", "创建通知"),
    "chat.tool_name.deduct_credits": ("Deduct credits", "扣除积分"),
    "chat.tool_name.delete_creative": ("Delete creative", "删除素材"),
    "chat.tool_name.estimate_cost": ("Estimate cost", "估算费用"),
    "chat.tool_name.get_credit_balance": ("Get credit balance", "查询积分余额"),
    "chat.tool_name.get_dashboard_metrics": ("Get dashboard metrics", "获取仪表盘数据"),
    "chat.tool_name.get_user_profile": ("Get user profile", "获取用户资料"),
    "chat.tool_name.list_ad_accounts": ("List ad accounts", "列出广告账户"),
    "chat.tool_name.list_campaigns": ("List campaigns", "列出广告活动"),
    "chat.tool_name.list_creatives": ("List creatives", "列出素材"),
    "chat.tool_name.list_landing_pages": ("List landing pages", "列出落地页"),
    "chat.tool_name.pause_campaign": ("Pause campaign", "暂停广告活动"),
    "chat.tool_name.publish_landing_page": ("Publish landing page", "发布落地页"),
    "chat.tool_name.query_report_metrics": ("Query report metrics", "查询报表数据"),
    "chat.tool_name.refund_credits": ("Refund credits", "退还积分"),
    "chat.tool_name.save_creative": ("Save creative", "保存素材"),
    "chat.tool_name.save_report_metrics": ("Save report metrics", "保存报表数据"),
    "chat.tool_name.update_campaign": ("Update campaign", "更新广告活动"),
    "chat.tool_name.update_landing_page": ("Update landing page", "更新落地页"),
})
