"""Column types and field helpers shared by every table."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.dialects import mysql
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field

# BIGINT on MySQL; INTEGER on SQLite so the id is the rowid and autoincrements.
BigId = BigInteger().with_variant(Integer(), "sqlite")
LongText = Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")


class UTCDateTime(TypeDecorator):
    """Stored as naive UTC (MySQL DATETIME(6)); always returned timezone-aware in UTC."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name in ("mysql", "mariadb"):
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def id_field() -> Any:
    return Field(default=None, sa_column=Column(BigId, primary_key=True, autoincrement=True))


def fk_field(target: str, *, nullable: bool = False, ondelete: str = "CASCADE", index: bool = True) -> Any:
    return Field(
        default=None,
        sa_column=Column(BigId, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index),
    )


def str_field(
    length: int, *, default: Any = ..., nullable: bool = False, index: bool = False, unique: bool = False
) -> Any:
    column = Column(String(length), nullable=nullable, index=index, unique=unique)
    if default is ...:
        return Field(sa_column=column)
    return Field(default=default, sa_column=column)


def text_field(*, nullable: bool = True, long: bool = False, default: Any = None) -> Any:
    return Field(default=default, sa_column=Column(LongText if long else Text(), nullable=nullable))


def money_field(*, default: Decimal | None = Decimal("0.00"), nullable: bool = False, scale: int = 2) -> Any:
    return Field(default=default, sa_column=Column(Numeric(12, scale), nullable=nullable))


def json_field(*, default_factory: Any = dict, name: str | None = None) -> Any:
    column = Column(name, JSON(), nullable=False) if name else Column(JSON(), nullable=False)
    return Field(default_factory=default_factory, sa_column=column)


def time_field(*, nullable: bool = True, index: bool = False, default_now: bool = False) -> Any:
    column = Column(UTCDateTime(), nullable=nullable, index=index)
    if default_now:
        return Field(default_factory=utcnow, sa_column=column)
    return Field(default=None, sa_column=column)


def updated_at_field() -> Any:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, onupdate=utcnow))


def count_field() -> Any:
    return Field(default=0, sa_column=Column(BigInteger(), nullable=False))
