"""The chat agents: the remote AAE orchestrator, any OpenAI-compatible LLM, the offline demo.

`build_agent(user_id)` returns the one `AAE_AGENT_BACKEND` selects (demo by default). The
interface and its events are in `base.py`; the WebSocket protocol in docs/chat-protocol.md.
"""

from __future__ import annotations

from backend.config import AgentBackend, Settings, get_settings
from backend.errors import ConnectionFailed
from backend.integrations.agents.base import Agent
from backend.integrations.agents.clock import SYSTEM_CLOCK, Clock


def build_agent(user_id: int, *, settings: Settings | None = None, clock: Clock = SYSTEM_CLOCK) -> Agent:
    """A new agent for one chat session of `user_id` (each session has its own link)."""
    settings = settings or get_settings()
    if settings.agent_backend is AgentBackend.REMOTE:
        from backend.integrations.agents.remote import RemoteAgent

        if not settings.orchestrator_url:
            raise ConnectionFailed("The agent service is not configured (AAE_ORCHESTRATOR_URL)")
        return RemoteAgent(settings.orchestrator_url, user_id=user_id, service_token=settings.service_token,
                           clock=clock)
    if settings.agent_backend is AgentBackend.LLM:
        from backend.integrations.agents.llm import LLMAgent

        if not settings.llm_base_url or not settings.llm_model:
            raise ConnectionFailed("The language model is not configured (AAE_LLM_BASE_URL, AAE_LLM_MODEL)")
        return LLMAgent(base_url=settings.llm_base_url, model=settings.llm_model, api_key=settings.llm_api_key)
    from backend.integrations.agents.demo import DemoAgent

    return DemoAgent()
