"""Dashboard texts."""

from __future__ import annotations

from aae_app.i18n import register

register({
    "dashboard.title": ("Dashboard", "仪表盘"),
    "dashboard.welcome": ("Welcome back, {name}", "欢迎回来，{name}"),
    "dashboard.welcome_new": ("Welcome, {name}", "欢迎，{name}"),  # a brand-new user (DashboardState)
    "dashboard.scope_active": ("Active account", "当前账户"),
    "dashboard.scope_all": ("All accounts", "全部账户"),
    "dashboard.updated": ("updated", "更新于"),
    "dashboard.kpi.spend": ("Spend", "花费"),
    "dashboard.kpi.roas": ("ROAS", "ROAS 回报率"),
    "dashboard.kpi.cpa": ("CPA", "CPA 转化成本"),
    "dashboard.kpi.ctr": ("CTR", "点击率"),
    "dashboard.kpi.conversions": ("Conversions", "转化数"),
    "dashboard.revenue": ("Revenue", "收入"),
    "dashboard.impressions": ("Impressions", "展示次数"),
    "dashboard.clicks": ("Clicks", "点击次数"),
    "dashboard.vs_yesterday": ("vs yesterday", "较昨日"),
    "dashboard.yesterday": ("Yesterday:", "昨日："),
    "dashboard.today": ("Today", "今日"),
    "dashboard.nothing_today": ("Nothing has been reported for today yet; today's figures fill in as the ad platforms "
                                "report them.", "今日暂无数据上报，今日数据会随广告平台的上报陆续更新。"),
    "dashboard.trend": ("Last 7 days", "近 7 天趋势"),
    "dashboard.trend_hint": ("Spend and revenue per day, with conversions.", "每日花费、收入与转化。"),
    "dashboard.no_metrics": ("No delivery in the last 7 days", "近 7 天没有投放数据"),
    "dashboard.no_metrics_hint": ("Numbers appear here once your campaigns spend.", "广告活动产生花费后，数据会显示在这里。"),
    "dashboard.suggestions": ("AI suggestions", "AI 优化建议"),
    "dashboard.no_suggestions": ("No suggestions right now", "暂无优化建议"),
    "dashboard.no_suggestions_hint": ("When the assistant spots a way to improve your campaigns, it appears here.",
                                      "当助手发现可以改进广告活动的机会时，会显示在这里。"),
    "dashboard.dismiss": ("Dismiss", "忽略"),
    "dashboard.campaigns": ("Campaigns", "广告活动"),
    "dashboard.campaigns_hint": ("Performance over the last 7 days, highest spend first.", "近 7 天表现，按花费从高到低排列。"),
    "dashboard.campaign": ("Campaign", "广告活动"),
    "dashboard.open_reports": ("Open reports", "查看报表"),
    "dashboard.no_campaigns": ("No campaign delivered in the last 7 days", "近 7 天没有广告活动投放"),
    "dashboard.no_campaigns_hint": ("Launch or resume a campaign to see it here.", "创建或恢复广告活动后即可在此查看。"),
    "dashboard.connect_title": ("Connect your first ad account", "连接您的第一个广告账户"),
    "dashboard.connect_text": ("Bind Meta, TikTok, Google Ads or the sandbox to see spend, ROAS and conversions here.",
                               "绑定 Meta、TikTok、Google Ads 或沙盒账户，即可在此查看花费、回报率和转化。"),
})
