"""A plain HTML form that really posts to the server (a full page load).

`rx.el.form` cancels submission unless given a handler; sign-in and sign-out must reach
FastAPI with a full page load so the next websocket handshake carries the new cookies.
"""

from __future__ import annotations

import reflex as rx


def native_form(*children: rx.Component, action: str, **props) -> rx.Component:
    return rx.el.form(*children, action=action, method="post", on_submit=None, **props)
