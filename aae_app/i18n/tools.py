"""The chat's tool-call cards in the user's language: tool names, argument names, result summaries.

- `chat.tool_name.<tool name>`: the English names are the tools' own titles (backend/*/tools.py);
  a tool without an entry here shows its title in both languages.
- `chat.tool_arg.<argument>`: the names of the tools' arguments, as the card lists the call's
  arguments (English: the argument's own name); an unnamed one shows as it is.
- `chat.summary.<key>`: the templates of the one-line summary of a result
  (`backend.chat.policy.SUMMARY_TEMPLATES`, whose English they repeat), and
  `chat.summary.status.<value>` the record statuses the "status" summary shows.

`tests/aae_app/test_chat_tool_names.py` keeps every tool, argument, template and status named.
"""

from __future__ import annotations

from aae_app.i18n import register

TOOL_NAME_PREFIX = "chat.tool_name."
TOOL_ARG_PREFIX = "chat.tool_arg."
SUMMARY_PREFIX = "chat.summary."
SUMMARY_STATUS_PREFIX = "chat.summary.status."

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

register({
    "chat.summary.found": ("{total} found", "找到 {total} 项"),
    "chat.summary.shown": ("{shown} of {total} shown", "显示 {shown} 项，共 {total} 项"),
    "chat.summary.status": ("{name}: {status}", "{name}：{status}"),
    "chat.summary.balance": ("balance {total}", "余额 {total}"),
    "chat.summary.estimate": ("about {estimate} credits (balance {balance})", "约 {estimate} 积分（余额 {balance}）"),
    "chat.summary.charged": ("{amount} credits charged, balance {balance}", "已扣除 {amount} 积分，余额 {balance}"),
    "chat.summary.refunded": ("{refunded} credits refunded, balance {balance}", "已退还 {refunded} 积分，余额 {balance}"),
    "chat.summary.deleted": ("#{id} deleted", "#{id} 已删除"),
    "chat.summary.saved": ("data points saved: {saved}", "已保存数据点：{saved}"),
    "chat.summary.dashboard": ("today: spend {spend}, ROAS {roas}, CPA {cpa}", "今日：花费 {spend}，ROAS {roas}，CPA {cpa}"),
    "chat.summary.profile": ("{name} ({email})", "{name}（{email}）"),
    "chat.summary.notified": ("sent: {title}", "已发送：{title}"),
    # Statuses of campaigns, landing pages, creatives, ad accounts and the user's account.
    "chat.summary.status.draft": ("draft", "草稿"),
    "chat.summary.status.active": ("active", "已启用"),
    "chat.summary.status.paused": ("paused", "已暂停"),
    "chat.summary.status.deleted": ("deleted", "已删除"),
    "chat.summary.status.published": ("published", "已发布"),
    "chat.summary.status.archived": ("archived", "已归档"),
    "chat.summary.status.pending": ("pending", "处理中"),
    "chat.summary.status.expired": ("expired", "已过期"),
    "chat.summary.status.revoked": ("revoked", "已撤销"),
    "chat.summary.status.deleting": ("deleting", "删除中"),
})

register({
    "chat.tool_arg.ad_account_id": ("ad_account_id", "广告账户 ID"),
    "chat.tool_arg.arguments": ("arguments", "参数"),
    "chat.tool_arg.budget": ("budget", "预算"),
    "chat.tool_arg.budget_type": ("budget_type", "预算类型"),
    "chat.tool_arg.campaign_id": ("campaign_id", "广告活动 ID"),
    "chat.tool_arg.content_base64": ("content_base64", "文件内容（Base64）"),
    "chat.tool_arg.created_from": ("created_from", "创建时间起"),
    "chat.tool_arg.created_to": ("created_to", "创建时间止"),
    "chat.tool_arg.creative_id": ("creative_id", "素材 ID"),
    "chat.tool_arg.creative_ids": ("creative_ids", "素材 ID"),
    "chat.tool_arg.descending": ("descending", "降序"),
    "chat.tool_arg.entity_ids": ("entity_ids", "对象 ID"),
    "chat.tool_arg.group_by_day": ("group_by_day", "按天分组"),
    "chat.tool_arg.headline": ("headline", "标题"),
    "chat.tool_arg.html_content": ("html_content", "HTML 内容"),
    "chat.tool_arg.include_revoked": ("include_revoked", "包括已撤销"),
    "chat.tool_arg.input_tokens": ("input_tokens", "输入 Token 数"),
    "chat.tool_arg.landing_page_id": ("landing_page_id", "落地页 ID"),
    "chat.tool_arg.language": ("language", "语言"),
    "chat.tool_arg.level": ("level", "层级"),
    "chat.tool_arg.limit": ("limit", "数量上限"),
    "chat.tool_arg.model": ("model", "模型"),
    "chat.tool_arg.name": ("name", "名称"),
    "chat.tool_arg.objective": ("objective", "目标"),
    "chat.tool_arg.offset": ("offset", "偏移量"),
    "chat.tool_arg.operation": ("operation", "操作"),
    "chat.tool_arg.output_tokens": ("output_tokens", "输出 Token 数"),
    "chat.tool_arg.page_id": ("page_id", "落地页 ID"),
    "chat.tool_arg.product_url": ("product_url", "产品链接"),
    "chat.tool_arg.quantity": ("quantity", "数量"),
    "chat.tool_arg.score": ("score", "评分"),
    "chat.tool_arg.score_max": ("score_max", "最高评分"),
    "chat.tool_arg.score_min": ("score_min", "最低评分"),
    "chat.tool_arg.search": ("search", "搜索"),
    "chat.tool_arg.since": ("since", "开始日期"),
    "chat.tool_arg.sort": ("sort", "排序"),
    "chat.tool_arg.status": ("status", "状态"),
    "chat.tool_arg.style": ("style", "风格"),
    "chat.tool_arg.tags": ("tags", "标签"),
    "chat.tool_arg.targeting": ("targeting", "定向"),
    "chat.tool_arg.template": ("template", "模板"),
    "chat.tool_arg.tool": ("tool", "工具"),
    "chat.tool_arg.type": ("type", "类型"),
    "chat.tool_arg.until": ("until", "结束日期"),
    "chat.tool_arg.url": ("url", "链接"),
})
