"""CreativesState without a browser (REFLEX_NOTES §7a), against the test database and local storage.

Also holds the small helpers the other library state tests share (a signed-in state tree,
running generator handlers, reading the events they return).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import reflex as rx
from sqlmodel import select
from reflex.istate.data import RouterData

from aae_app.state.auth import AuthState
from aae_app.state.creatives import (
    CreativeCard,
    CreativesState,
    parse_day,
    parse_score,
    parse_tags,
    size_label,
    valid_url,
)
from backend.auth.tokens import create_access_token
from backend.creatives import service
from backend.db import unit_of_work
from backend.errors import StorageError
from backend.integrations.storage import BucketKind, get_storage
from backend.models import Creative, CreativeStatus
from tests.factories import make_user

# --- shared helpers ------------------------------------------------------------------------------


def signed_in(state_cls: type[rx.State], user_id: int | None, *, path: str = "/") -> Any:
    """The page state inside the real state tree, signed in as `user_id` (None: signed out)."""
    root = rx.State(_reflex_internal_init=True)
    cookie = f"aae_access={create_access_token(user_id)}" if user_id else ""
    root.router = RouterData.from_router_data({"headers": {"cookie": cookie, "user-agent": "pytest"},
                                               "asPath": path, "ip": "127.0.0.1"})
    auth = root.get_substate(AuthState.get_full_name().split(".")[1:])
    auth.require_login()
    return auth.substates[state_cls.get_name()]


def run(result: Any) -> list[Any]:
    """Run a handler's result (None, an event, a list, or a generator) and flatten the events."""
    if result is None:
        return []
    if isinstance(result, (list, tuple)):
        return [e for item in result for e in run(item)]
    if isinstance(result, Iterable) and not isinstance(result, (str, bytes)) and hasattr(result, "__next__"):
        return [e for item in result for e in run(item)]
    return [result]


def shown(events: Iterable[Any]) -> str:
    """Everything the events would show (toast texts, scripts), for assertions."""
    return " ".join(" ".join(str(value) for _, value in getattr(e, "args", ())) or str(e) for e in events)


def tiny_png(rgb: tuple[int, int, int] = (10, 120, 200)) -> bytes:
    raw = b"\x00" + bytes(rgb) * 4

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


class Processor:
    """Reflex's own event pipeline in-process, for background handlers (REFLEX_NOTES §7a)."""

    def __init__(self, user_id: int, path: str = "/"):
        import aae_app.aae_app  # noqa: F401  (the app must be registered for on_load lookups)
        from reflex.istate.manager.memory import StateManagerMemory
        from reflex_base.event.processor.base_state_processor import BaseStateEventProcessor

        self.manager = StateManagerMemory()
        self.processor = BaseStateEventProcessor().configure(state_manager=self.manager)
        self.router = {"headers": {"cookie": f"aae_access={create_access_token(user_id)}"}, "pathname": path,
                       "asPath": path}
        self.token = f"test-{user_id}"

    async def __aenter__(self) -> Processor:
        await self.processor.__aenter__()
        await self.send(AuthState, "require_login")
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.processor.__aexit__(*exc_info)

    async def send(self, state_cls: type[rx.State], handler: str, **payload: Any) -> list[dict[str, Any]]:
        from reflex_base.event import Event

        event = Event(name=f"{state_cls.get_full_name()}.{handler}", payload=payload, router_data=self.router)
        return [delta async for delta in self.processor.enqueue_stream_delta(self.token, event)]

    async def state(self, state_cls: type[rx.State]) -> Any:
        root = await self.manager.get_state(rx.BaseStateToken(ident=self.token, cls=state_cls))
        return root.get_substate(state_cls.get_full_name().split(".")[1:])


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture()
def library(committed_engine):
    """A user with three creatives: two images (one tagged and scored) and a video."""
    with unit_of_work() as session:
        user = make_user(session, display_name="Library Owner")
        hero = service.create_from_bytes(session, user_id=user.id, data=tiny_png(), name="Summer hero",
                                         style="hero", tags=["summer", "sale"], score=88)
        plain = service.create_from_bytes(session, user_id=user.id, data=tiny_png((1, 2, 3)), name="Plain square",
                                          product_url="https://shop.example.com/socks")
        video = service.create_from_bytes(session, user_id=user.id, data=b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 40,
                                          name="Unboxing clip", style="ugc", score=40)
        ids = {"hero": hero.id, "plain": plain.id, "video": video.id}
    return user.id, ids


def loaded(user_id: int) -> CreativesState:
    state = signed_in(CreativesState, user_id)
    run(state.load())
    return state


# --- tests ---------------------------------------------------------------------------------------


class TestParsing:
    def test_score(self):
        assert parse_score("") is None and parse_score(" 42.5 ") == 42.5 and parse_score("0") == 0
        for bad in ("101", "-1", "abc"):
            with pytest.raises(ValueError):
                parse_score(bad)

    def test_tags_days_sizes_urls(self):
        assert parse_tags(" summer, ,Sale ,") == ["summer", "Sale"]
        assert parse_day("2026-01-31") == datetime(2026, 1, 31, tzinfo=UTC)
        assert parse_day("2026-01-31", end=True).hour == 23 and parse_day("") is None
        assert (size_label(512), size_label(2048), size_label(5 * 1024 * 1024)) == ("512 B", "2.0 KB", "5.0 MB")
        assert valid_url("") and valid_url("https://a.example/x") and not valid_url("ftp://a.example")


class TestList:
    def test_loads_dtos_with_signed_links(self, library):
        user_id, ids = library
        state = loaded(user_id)
        assert state.total == 3 and not state.loading and state.error == ""
        assert all(isinstance(card, CreativeCard) for card in state.items)
        by_name = {card.name: card for card in state.items}
        assert by_name["Summer hero"].tags == ["summer", "sale"] and by_name["Summer hero"].score == "88"
        assert by_name["Unboxing clip"].is_video and by_name["Unboxing clip"].file_type == "video"
        assert "signature=" in by_name["Plain square"].url
        assert {"hero", "ugc"} <= set(state.styles)

    @pytest.mark.parametrize(("name", "value", "expected"), [
        ("file_type", "video", {"Unboxing clip"}),
        ("style", "hero", {"Summer hero"}),
        ("tags", "sale, summer", {"Summer hero"}),
        ("search", "socks", {"Plain square"}),
        ("score_min", "50", {"Summer hero"}),
        ("score_max", "50", {"Unboxing clip"}),
        ("created_to", "2000-01-01", set()),
    ])
    def test_each_filter_narrows(self, library, name, value, expected):
        state = loaded(library[0])
        run(state.set_filter(name, value))
        assert {card.name for card in state.items} == expected and state.has_filters
        run(state.clear_filters())
        assert state.total == 3 and not state.has_filters

    def test_invalid_filters_show_errors_and_keep_the_grid(self, library):
        state = loaded(library[0])
        run(state.set_filter("score_min", "150"))
        assert state.filter_errors == {"score_min": "A number from 0 to 100"} and state.total == 3
        run(state.set_filter("score_min", "60"))
        run(state.set_filter("score_max", "20"))
        assert state.filter_errors == {"score_max": "The minimum is above the maximum"}
        run(state.set_filter("score_max", ""))
        today = datetime.now(UTC).date()
        run(state.set_filter("created_from", (today + timedelta(days=1)).isoformat()))
        run(state.set_filter("created_to", today.isoformat()))
        assert "dates" in state.filter_errors

    def test_unknown_filter_names_are_ignored(self, library):
        state = loaded(library[0])
        assert run(state.set_filter("user_id", "1")) == [] and state.total == 3

    def test_a_failure_shows_the_error_state_and_a_toast(self, library, monkeypatch):
        from backend.errors import DatabaseError

        def broken(*_args, **_kwargs):
            raise DatabaseError()

        monkeypatch.setattr(service, "list_creatives", broken)
        state = signed_in(CreativesState, library[0])
        events = run(state.load())
        assert state.error == "Database operation failed (5002)" and not state.loading
        assert "Error code 5002" in shown(events)
        monkeypatch.undo()
        run(state.load())
        assert state.error == "" and state.total == 3

    def test_signed_out_loads_nothing(self, committed_engine):
        state = signed_in(CreativesState, None)
        run(state.load())
        assert state.items == [] and state.total == 0


class TestUploads:
    def test_start_uploads_issues_presigned_posts(self, library):
        user_id, _ = library
        state = loaded(user_id)
        events = run(state.start_uploads([
            {"local_id": "u1", "name": "launch.png", "content_type": "image/png", "size": 1234},
            {"local_id": "u2", "name": "notes.pdf", "content_type": "application/pdf", "size": 99},
        ]))
        rows = {row.local_id: row for row in state.uploads}
        assert rows["u1"].status == "uploading" and rows["u2"].status == "failed"
        assert "Unsupported file type (4000)" in rows["u2"].message
        script = shown(events)
        assert "aaeCreativeUploads.send" in script and "/files/creatives/" in script and '"local_id": "u1"' in script
        assert "aaeCreativeUploads.discard" in script and '"u2"' in script
        with unit_of_work() as session:
            assert service.list_creatives(session, user_id)[1] == 3  # pending: not listed until confirmed

    def test_progress_is_clamped(self, library):
        state = loaded(library[0])
        run(state.start_uploads([{"local_id": "u1", "name": "a.png", "content_type": "image/png", "size": 10}]))
        state.upload_progress("u1", 140)
        assert state.uploads[0].progress == 100
        state.upload_progress("u1", 37)
        assert state.uploads[0].progress == 37

    def test_clear_finished_keeps_running_uploads(self, library):
        state = loaded(library[0])
        run(state.start_uploads([{"local_id": "a", "name": "a.png", "content_type": "image/png", "size": 10},
                                 {"local_id": "b", "name": "b.txt", "content_type": "text/plain", "size": 10}]))
        state.clear_finished_uploads()
        assert [row.local_id for row in state.uploads] == ["a"] and not state.uploads_finished


class TestDetails:
    def test_edit_validates_then_saves(self, library):
        user_id, ids = library
        state = loaded(user_id)
        state.open_details(ids["plain"])
        assert state.drawer_open and state.edit_name == "Plain square"
        state.set_edit("name", "  ")
        state.set_edit("score", "300")
        state.set_edit("product_url", "shop.example.com")
        assert run(state.save_details()) == []
        assert set(state.edit_errors) == {"name", "score", "product_url"}
        state.set_edit("name", "Plain square v2")
        assert "name" not in state.edit_errors
        state.set_edit("score", "75")
        state.set_edit("product_url", "https://shop.example.com/socks-2")
        state.set_edit("tags", "Socks, winter")
        events = run(state.save_details())
        assert "Changes saved" in shown(events) and not state.drawer_open
        card = next(c for c in state.items if c.id == ids["plain"])
        assert (card.name, card.score, card.tags) == ("Plain square v2", "75", ["socks", "winter"])

    def test_delete_removes_row_and_file(self, library):
        """Property 18: deleting a creative removes its stored file and its row."""
        user_id, ids = library
        state = loaded(user_id)
        with unit_of_work() as session:
            key = session.get(Creative, ids["hero"]).storage_key
        assert get_storage().exists(BucketKind.CREATIVES, key)
        state.open_details(ids["hero"])
        state.ask_delete()
        assert state.confirm_delete_open
        events = run(state.delete_selected())
        assert "Creative deleted" in shown(events)
        assert not state.drawer_open and state.total == 2
        assert not get_storage().exists(BucketKind.CREATIVES, key)
        with unit_of_work() as session:
            assert session.get(Creative, ids["hero"]) is None

    def test_storage_failure_keeps_the_creative_and_shows_5003(self, library, monkeypatch):
        """Property 18: when storage refuses the delete, the row stays and the toast names 5003."""
        user_id, ids = library
        state = loaded(user_id)

        def refuse(*_args, **_kwargs):
            raise StorageError()

        monkeypatch.setattr(type(get_storage()), "delete", refuse)
        state.open_details(ids["video"])
        events = run(state.delete_selected())
        assert "5003" in shown(events) and state.total == 3
        with unit_of_work() as session:
            assert session.get(Creative, ids["video"]).status == CreativeStatus.ACTIVE


class TestDirectUpload:
    """The whole presigned flow minus the browser: ticket → POST to /files → verification."""

    @staticmethod
    def ticket(events: list[Any]) -> dict[str, Any]:
        import json
        import re

        code = shown(events)
        return json.loads(re.search(r"send\((\[.*?\]), \(", code).group(1))[0]

    def post(self, ticket: dict[str, Any], data: bytes):
        from urllib.parse import urlsplit

        from fastapi.testclient import TestClient

        from backend.api import create_api

        with TestClient(create_api()) as client:
            return client.post(urlsplit(ticket["url"]).path, data=ticket["fields"],
                               files={"file": ("upload.png", data, "image/png")})

    def test_posted_file_goes_live_after_verification(self, library):
        from aae_app.state.creatives import finish_upload

        user_id, _ = library
        state = loaded(user_id)
        data = tiny_png((200, 10, 10))
        ticket = self.ticket(run(state.start_uploads([{"local_id": "u1", "name": "fresh.png",
                                                       "content_type": "image/png", "size": len(data)}])))
        assert self.post(ticket, data).status_code == 204
        finish_upload(user_id, ticket["creative_id"], stored=True)
        run(state.load())
        fresh = next(c for c in state.items if c.name == "fresh.png")
        assert fresh.id == ticket["creative_id"] and fresh.mime_type == "image/png" and state.total == 4

    async def test_upload_sent_confirms_in_the_background_and_refreshes_the_grid(self, library):
        user_id, _ = library
        data = tiny_png((0, 200, 0))
        async with Processor(user_id, "/creatives/") as app:
            await app.send(CreativesState, "load")
            await app.send(CreativesState, "start_uploads", files=[
                {"local_id": "u7", "name": "background.png", "content_type": "image/png", "size": len(data)}])
            state = await app.state(CreativesState)
            assert [row.status for row in state.uploads] == ["uploading"]
            with unit_of_work() as session:
                pending = session.exec(select(Creative).where(Creative.user_id == user_id,
                                                              Creative.status == CreativeStatus.PENDING)).one()
            # The browser's POST, with a form signed for the pending creative's key.
            upload = get_storage().presigned_put(BucketKind.CREATIVES, pending.storage_key, "image/png", 1024)
            assert self.post({"url": upload.url, "fields": upload.fields}, data).status_code == 204
            await app.send(CreativesState, "upload_progress", local_id="u7", percent=100)
            deltas = await app.send(CreativesState, "upload_sent", local_id="u7", creative_id=pending.id, ok=True,
                                    status=204)
            state = await app.state(CreativesState)
        seen = [row.status for delta in deltas for part in delta.values() for row in part.get("uploads_rx_state_", [])]
        assert seen[0] == "verifying" and seen[-1] == "done"
        assert state.uploads[0].status == "done" and state.total == 4
        assert "background.png" in {card.name for card in state.items}

    def test_bytes_that_are_not_an_image_are_refused_and_removed(self, library):
        from aae_app.state.creatives import finish_upload
        from backend.errors import ValidationFailed

        user_id, _ = library
        state = loaded(user_id)
        ticket = self.ticket(run(state.start_uploads([{"local_id": "u1", "name": "fake.png",
                                                       "content_type": "image/png", "size": 20}])))
        assert self.post(ticket, b"this is not an image").status_code == 204
        with pytest.raises(ValidationFailed):
            finish_upload(user_id, ticket["creative_id"], stored=True)
        with unit_of_work() as session:
            assert session.get(Creative, ticket["creative_id"]) is None

    def test_a_failed_post_drops_the_pending_creative(self, library):
        from aae_app.state.creatives import finish_upload

        user_id, _ = library
        state = loaded(user_id)
        ticket = self.ticket(run(state.start_uploads([{"local_id": "u1", "name": "lost.png",
                                                       "content_type": "image/png", "size": 20}])))
        finish_upload(user_id, ticket["creative_id"], stored=False)
        with unit_of_work() as session:
            assert session.get(Creative, ticket["creative_id"]) is None
