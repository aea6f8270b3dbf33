"""Reflex states: AuthState plus one small state per page. They call backend services only."""
