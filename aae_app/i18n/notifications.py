"""Notification texts: the page, types and categories (also used by the settings page)."""

from __future__ import annotations

from aae_app.i18n import register

register({
    "notifications.title": ("Notifications", "通知"),
    "notifications.subtitle": ("Alerts about your account, campaigns and jobs.", "关于账户、广告活动和任务的提醒。"),
    "notifications.filter_type": ("Filter by type", "按类型筛选"),
    "notifications.unread_only": ("Unread only", "仅看未读"),
    "notifications.mark_read": ("Mark read", "标为已读"),
    "notifications.mark_all_read": ("Mark all as read", "全部标为已读"),
    "notifications.marked_all": ("{count} marked as read", "已将 {count} 条标为已读"),
    "notifications.none": ("You're all caught up", "暂无通知"),
    "notifications.none_matching": ("No notifications match these filters", "没有符合筛选条件的通知"),
    "notifications.none_hint": ("We'll let you know when something needs your attention.", "有需要您关注的事项时，我们会通知您。"),
    "notifications.type.all": ("All types", "全部类型"),
    "notifications.type.urgent": ("Urgent", "紧急"),
    "notifications.type.important": ("Important", "重要"),
    "notifications.type.general": ("General", "一般"),
    "notifications.category.credits": ("Credits", "积分"),
    "notifications.category.billing": ("Billing", "账单"),
    "notifications.category.ad_accounts": ("Ad accounts", "广告账户"),
    "notifications.category.campaigns": ("Campaigns", "广告活动"),
    "notifications.category.reports": ("Reports", "报表"),
    "notifications.category.creatives": ("Creatives", "创意素材"),
    "notifications.category.landing_pages": ("Landing pages", "落地页"),
    "notifications.category.privacy": ("Privacy", "隐私"),
    "notifications.category.jobs": ("Background jobs", "后台任务"),
    "notifications.category.system": ("System", "系统"),
    "notifications.category.suggestions": ("AI suggestions", "AI 优化建议"),
})
