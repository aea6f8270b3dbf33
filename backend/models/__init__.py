"""All tables. Importing this package registers every model on the shared metadata."""

from backend.models.ad_account import AdAccount, AdAccountStatus, Platform
from backend.models.audit import AuditLog
from backend.models.auth import ApiToken, RefreshToken
from backend.models.campaign import BudgetType, Campaign, CampaignStatus, SyncStatus
from backend.models.chat import ChatMessage, ChatRole
from backend.models.creative import Creative, CreativeStatus, CreativeType
from backend.models.credit import (
    CreditConfig,
    CreditHold,
    CreditOrder,
    CreditTransaction,
    HoldStatus,
    OrderStatus,
    TransactionType,
)
from backend.models.job import JobFailure
from backend.models.landing_page import LandingPage, LandingPageStatus
from backend.models.notification import EmailOutbox, EmailStatus, Notification, NotificationType
from backend.models.privacy import DataExport, ExportStatus
from backend.models.report_metrics import EntityType, MetricsArchive, MetricsDaily, ReportMetrics
from backend.models.stripe_event import StripeEvent, StripeEventStatus
from backend.models.tool_invocation import InvocationStatus, ToolInvocation
from backend.models.user import User, UserStatus

__all__ = [
    "AdAccount", "AdAccountStatus", "ApiToken", "AuditLog", "BudgetType", "Campaign",
    "CampaignStatus", "ChatMessage", "ChatRole", "Creative", "CreativeStatus", "CreativeType",
    "CreditConfig", "CreditHold", "CreditOrder", "CreditTransaction", "DataExport", "EmailOutbox",
    "EmailStatus", "EntityType", "ExportStatus", "HoldStatus", "JobFailure", "LandingPage",
    "LandingPageStatus", "MetricsArchive", "MetricsDaily", "Notification", "NotificationType",
    "OrderStatus", "Platform", "RefreshToken", "ReportMetrics", "StripeEvent", "StripeEventStatus",
    "SyncStatus", "TransactionType", "User", "UserStatus", "InvocationStatus", "ToolInvocation",
]
