"""The tables beside the PostgreSQL manifest: the sentence-vector cache and the users'
profiles, as a part of :class:`advisor.store.pg_manifest.PostgresManifest` (moved out of it
whole, to keep each module short)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from advisor.core.errors import StoreError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

T = TypeVar("T")


class SideTables:
    """Reads and writes through the manifest's ``_read`` and ``_write``."""

    if TYPE_CHECKING:

        def _read(self, what: str, sql: str, **params: Any) -> list[Any]: ...

        def _write(self, what: str, fn: Callable[[Connection], T]) -> T: ...

    # -- the sentence-vector cache ---------------------------------------------
    def sentence_vectors(self, keys: Sequence[str]) -> dict[str, bytes]:
        if not keys:
            return {}
        rows = self._read(
            "reading the sentence cache",
            "SELECT key, vec FROM sentence_vectors WHERE key = ANY(:k)",
            k=list(keys),
        )
        return {r[0]: bytes(r[1]) for r in rows}

    def put_sentence_vectors(self, items: Sequence[tuple[str, bytes]]) -> None:
        from sqlalchemy import text

        if not items:
            return
        try:
            self._write(
                "writing the sentence cache",
                lambda con: con.execute(
                    text(
                        "INSERT INTO sentence_vectors(key, vec) VALUES (:k, :v) "
                        "ON CONFLICT (key) DO NOTHING"
                    ),
                    [{"k": k, "v": v} for k, v in items],
                ),
            )
        except StoreError:
            pass  # a cache: failing to write it only costs time

    # -- profiles --------------------------------------------------------------
    def profile(self, user: str) -> dict[str, Any] | None:
        rows = self._read("reading a profile", "SELECT body FROM profiles WHERE user_id=:u", u=user)
        if not rows:
            return None
        body = rows[0][0]
        return body if isinstance(body, dict) else json.loads(body)

    def put_profile(self, user: str, body: dict[str, Any]) -> None:
        from sqlalchemy import text

        self._write(
            "saving a profile",
            lambda con: con.execute(
                text(
                    "INSERT INTO profiles(user_id, body, updated_at) "
                    "VALUES (:u, CAST(:b AS jsonb), now()) "
                    "ON CONFLICT (user_id) DO UPDATE SET body=excluded.body, updated_at=now()"
                ),
                {"u": user, "b": json.dumps(body, ensure_ascii=False)},
            ),
        )

    def delete_profile(self, user: str) -> bool:
        from sqlalchemy import text

        def go(con: Connection) -> bool:
            found = con.execute(
                text("DELETE FROM profiles WHERE user_id=:u RETURNING user_id"), {"u": user}
            ).first()
            return found is not None

        return self._write("deleting a profile", go)

    def profile_users(self) -> list[str]:
        rows = self._read("listing users", "SELECT user_id FROM profiles ORDER BY user_id")
        return [r[0] for r in rows]
