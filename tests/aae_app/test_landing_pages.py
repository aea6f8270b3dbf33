"""LandingPagesState without a browser: create, edit, publish, unpublish, archive, restore, delete."""

from __future__ import annotations

import pytest

from aae_app.state.landing_pages import LandingPagesState, PageRow
from backend.db import unit_of_work
from backend.integrations.storage import BucketKind, get_storage
from backend.landing_pages import service as pages
from backend.landing_pages.service import PageData
from backend.models import LandingPage
from tests.aae_app.test_creatives import run, shown, signed_in
from tests.factories import make_user


@pytest.fixture()
def user_id(committed_engine) -> int:
    with unit_of_work() as session:
        return make_user(session).id


def loaded(user_id: int, path: str = "/landing-pages/") -> LandingPagesState:
    state = signed_in(LandingPagesState, user_id, path=path)
    run(state.load())
    return state


def stored(page_id: int) -> LandingPage | None:
    with unit_of_work() as session:
        return session.get(LandingPage, page_id)


def created(state: LandingPagesState, name: str = "Launch", url: str = "https://www.trail-runners.com/x") -> int:
    state.open_create()
    state.set_new_name(name)
    state.set_new_product_url(url)
    state.set_new_template("minimal")
    state.set_new_language("zh")
    events = run(state.create_page())
    assert "Page created" in shown(events) and "?edit=" in shown(events)
    return state.current.id


class TestCreate:
    def test_validates_name_and_address(self, user_id):
        state = loaded(user_id)
        assert state.pages == [] and not state.loading
        state.open_create()
        state.set_new_product_url("trail-runners.com")
        assert run(state.create_page()) == [] and set(state.create_errors) == {"name", "product_url"}
        state.set_new_name("Launch")
        assert set(state.create_errors) == {"product_url"}
        state.set_new_template("neon")
        assert state.new_template == "modern"

    def test_creates_from_the_template_and_opens_the_editor(self, user_id):
        state = loaded(user_id)
        page_id = created(state)
        assert state.editing and not state.create_open and not state.dirty
        assert state.current == PageRow.of(stored(page_id))
        assert state.current.template == "minimal" and state.current.language == "zh"
        assert "Trail Runners：为你而生" in state.html


class TestEditor:
    def test_edit_save_and_dirty_flag(self, user_id):
        state = loaded(user_id)
        page_id = created(state)
        state.set_html("<h1>New copy</h1>")
        assert state.dirty
        assert "Page saved" in shown(run(state.save()))
        assert not state.dirty and stored(page_id).html_content == "<h1>New copy</h1>"

    def test_publish_saves_pending_edits_first_and_shows_the_public_url(self, user_id):
        state = loaded(user_id)
        page_id = created(state)
        state.set_html("<h1>Published copy</h1>")
        events = run(state.publish(page_id))
        page = stored(page_id)
        assert "Published" in shown(events) and page.status == "published" and not state.dirty
        assert state.current.url == page.url and page.url.endswith("/index.html")
        assert get_storage().get_bytes(BucketKind.LANDING_PAGES, page.s3_key) == b"<h1>Published copy</h1>"

    def test_address_with_edit_opens_the_editor(self, user_id):
        state = loaded(user_id)
        page_id = created(state)
        again = loaded(user_id, path=f"/landing-pages/?edit={page_id}")
        assert again.editing and again.current.id == page_id
        other = loaded(user_id, path="/landing-pages/?edit=999999999")
        assert not other.editing

    def test_close_returns_to_the_list(self, user_id):
        state = loaded(user_id)
        created(state)
        events = run(state.close_editor())
        assert not state.editing and len(state.pages) == 1 and "replaceState" in shown(events)


class TestStatusChanges:
    def test_unpublish_archive_restore_delete_ask_first(self, user_id):
        state = loaded(user_id)
        page_id = created(state)
        run(state.publish(page_id))
        key = stored(page_id).s3_key

        state.ask("unpublish", page_id)
        assert state.confirm_open and state.confirm_kind == "unpublish"
        state.cancel_confirm()
        assert not state.confirm_open and stored(page_id).status == "published"
        state.ask("unpublish", page_id)
        assert "Unpublished" in shown(run(state.confirm()))
        assert stored(page_id).url == "" and not get_storage().exists(BucketKind.LANDING_PAGES, key)

        state.ask("archive", page_id)
        run(state.confirm())
        assert stored(page_id).status == "archived" and not state.editing

        run(state.restore(page_id))
        assert stored(page_id).status == "draft"

        state.ask("delete", page_id)
        assert "Page deleted" in shown(run(state.confirm()))
        assert stored(page_id) is None and state.pages == []

    def test_unknown_actions_are_ignored(self, user_id):
        state = loaded(user_id)
        page_id = created(state)
        state.ask("publish_everything", page_id)
        assert not state.confirm_open

    def test_filter_by_status(self, user_id):
        with unit_of_work() as session:
            for name in ("One", "Two"):
                pages.create(session, user_id=user_id, data=PageData(name=name, product_url="https://a.example"))
        state = loaded(user_id)
        run(state.set_status_filter("published"))
        assert state.pages == []
        run(state.set_status_filter("draft"))
        assert [p.name for p in state.pages] == ["Two", "One"]

    def test_another_users_page_is_not_found(self, user_id):
        with unit_of_work() as session:
            stranger = make_user(session)
            theirs = pages.create(session, user_id=stranger.id, data=PageData(name="Theirs",
                                                                             product_url="https://a.example"))
        state = loaded(user_id)
        toast = shown(run(state.edit(theirs.id)))
        assert "Landing page not found" in toast and "Error code 5000" in toast and not state.editing
