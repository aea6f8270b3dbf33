import importlib
import pkgutil

import pytest

import aae_app.pages
from aae_app import i18n


def load_all_pages() -> None:
    for module in pkgutil.iter_modules(aae_app.pages.__path__):
        importlib.import_module(f"aae_app.pages.{module.name}")


def test_every_registered_string_has_english_and_chinese():
    load_all_pages()
    assert i18n.missing() == []


def test_texts_follow_the_language():
    i18n.register({"test.hello": ("Hello", "你好")})
    assert i18n.texts_for("zh")["test.hello"] == "你好"
    assert i18n.texts_for("en")["test.hello"] == "Hello"
    assert i18n.translate("test.hello", "fr") == "Hello"


def test_conflicting_registration_refused():
    i18n.register({"test.same": ("A", "甲")})
    i18n.register({"test.same": ("A", "甲")})  # the same texts again are fine
    with pytest.raises(ValueError):
        i18n.register({"test.same": ("B", "乙")})


def test_unknown_key_is_an_error_at_build_time():
    with pytest.raises(KeyError):
        i18n.t("nope.never.registered")
