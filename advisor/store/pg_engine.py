"""The PostgreSQL connection pool and schema for :mod:`advisor.store.pg_manifest`: one
SQLAlchemy engine per database per process, database errors as one line, and the
Alembic upgrade (``advisor/store/migrations``) run once per process under an advisory
lock. SQLAlchemy and psycopg are imported only when PostgreSQL is configured."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from advisor.core.errors import MissingExtraError, StoreError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# advisory lock keys: (class, id) pairs, a key space apart from single-bigint keys
_MIGRATE_A, _MIGRATE_B = 1717, 0

_engines: dict[str, Engine] = {}
_migrated: set[str] = set()
_lock = threading.Lock()


def sqlalchemy_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` as SQLAlchemy's psycopg 3 dialect."""
    scheme, sep, rest = url.partition("://")
    if scheme.lower() in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    return url


def shown(url: str) -> str:
    """The URL without its password, for messages and cache keys."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(sqlalchemy_url(url)).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL: say so without echoing it
        return "ADVISOR_DATABASE_URL"


def first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip() or type(orig).__name__
    return text.splitlines()[0][:300]


def engine_for(url: str) -> Engine:
    """One connection pool per database per process."""
    try:
        import psycopg  # noqa: F401
        from sqlalchemy import create_engine
    except ImportError as exc:
        raise MissingExtraError(exc.name or "sqlalchemy", "postgres") from exc
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            try:
                engine = create_engine(
                    sqlalchemy_url(url),
                    pool_pre_ping=True,  # a restarted server or a dropped connection
                    pool_size=8,
                    max_overflow=16,
                    connect_args={"connect_timeout": 10},
                )
            except Exception as exc:  # a malformed URL, an unknown driver
                raise StoreError(
                    f"ADVISOR_DATABASE_URL is not a usable database URL ({first_line(exc)}): "
                    "use postgresql://USER:PASSWORD@HOST:PORT/DB"
                ) from exc
            _engines[url] = engine
        return engine


def migrate(url: str) -> None:
    """Upgrade the schema to the newest Alembic revision (idempotent, safe to race)."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    engine = engine_for(url)
    with engine.begin() as con:
        con.execute(
            text("SELECT pg_advisory_xact_lock(:a, :b)"), {"a": _MIGRATE_A, "b": _MIGRATE_B}
        )
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["connection"] = con
        command.upgrade(cfg, "head")


def is_migrated(url: str) -> bool:
    """This process already upgraded ``url``'s schema."""
    with _lock:
        return url in _migrated


def mark_migrated(url: str) -> None:
    with _lock:
        _migrated.add(url)


def operational_errors() -> tuple[type[BaseException], ...]:
    import psycopg

    return (psycopg.OperationalError,)
