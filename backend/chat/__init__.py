"""The AI chat: history (service), one turn's orchestration (flow), tool approvals
(tool_calls, policy), token charges (billing), the events the UI renders (events), and the
`WS /ws/chat` socket (endpoints). The agents themselves live in backend/integrations/agents.

Entry points for the Reflex chat state:

    from backend.chat import flow, service
    session = await flow.open_session(user_id)            # Property 13: connect, then session.status
    async for status in session.watch_status(): ...        # (or sessions.open(user_id, tab_key): per tab)
    turn = await session.send(text, conversation_id=cid)   # InsufficientCredits (6011) before any model call
    async for event in turn.events(): ...                  # events.ChatEvent, each with .to_dict()
    flow.approve_tool_call(user_id, call_id); flow.reject_tool_call(user_id, call_id)
    flow.stop_turn(user_id, turn_id)                       # or session.stop()
    service.load_history(db, user_id, cid)                 # fresh signed media URLs on every load
"""
