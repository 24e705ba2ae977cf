"""Typed settings, read once from ``ADVISOR_*`` environment variables."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PACKAGE_DIR.parent / "corpus"
DATABASE_SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg", "postgres")


def _default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("passive-income-advisor", appauthor=False))


class Settings(BaseSettings):
    """Every knob in one place. Env vars win over defaults; CLI flags win over env."""

    model_config = SettingsConfigDict(env_prefix="ADVISOR_", extra="ignore")

    home: Path = Field(default_factory=_default_home, description="data folder (ADVISOR_HOME)")
    corpus_dir: Path = Field(default=DEFAULT_CORPUS, description="source articles")
    chroma_url: str | None = Field(default=None, description="use a `chroma run` server")
    database_url: str | None = Field(
        default=None,
        description="shared state: SQLite in ADVISOR_HOME when unset, or postgresql://...",
    )
    embedding_model: str = Field(default="st:all-MiniLM-L6-v2", description="provider:model")
    engine: str = Field(default="grounded", description="grounded | openai:MODEL | ollama:MODEL")
    k: int = Field(default=5, ge=1, le=50, description="passages retrieved per question")
    chunk_size: int = Field(default=1200, ge=100, le=8000)
    chunk_overlap: int = Field(default=400, ge=0, le=2000)
    max_question_chars: int = Field(default=4000, ge=10)
    max_file_bytes: int = Field(default=50 * 1024 * 1024, ge=1)
    max_upload_bytes: int = Field(
        default=50 * 1024 * 1024, ge=1, description="largest upload to the UI (a file or a batch)"
    )
    max_statement_rows: int = Field(
        default=50_000, ge=1, description="rows one statement import may hold (bank exports)"
    )
    statement_guess: bool = Field(
        default=True,
        description="guess statement rows no rule names with the embedding model",
    )
    default_yield_stream: str = Field(
        default="robo_advisor",
        description="catalog stream whose typical yield a calculation uses when none is "
        "given (said in the answer); empty: ask for the yield",
    )
    openai_base_url: str | None = None
    openai_api_key: str | None = None
    ollama_url: str = "http://127.0.0.1:11434"
    llm_timeout: float = Field(default=60.0, gt=0)
    llm_context_window: int = Field(default=8192, ge=512)
    llm_max_tokens: int = Field(default=512, ge=16)
    api_keys: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict, description="API key -> user id (JSON, or key:user,key:user)"
    )
    log_level: str = "WARNING"
    # The servers (`advisor api`, `advisor serve`, `advisor mcp --http`) under uvicorn:
    # an idle keep-alive connection stays open this long (uvicorn's own 5 s dropped a
    # request sent on a reused connection after a 6-10 s stall, #31; 75 s outlasts the
    # 60 s idle timeout of common proxies and load balancers, as nginx's default does),
    # and a stopping server lets requests in flight finish for this long (under the
    # 30 s a container orchestrator usually waits before killing). docs/performance.md
    server_keep_alive_s: int = Field(default=75, ge=1, le=3600)
    server_shutdown_s: int = Field(default=25, ge=1, le=3600)

    @field_validator("api_keys", mode="before")
    @classmethod
    def _parse_keys(cls, v: object) -> object:
        """JSON ``{"key": "user"}`` or the shorter ``key:user,key:user``."""
        if not isinstance(v, str):
            return v
        v = v.strip()
        if not v:
            return {}
        if v.startswith("{"):
            try:
                return json.loads(v)
            except json.JSONDecodeError as exc:
                raise ValueError(f"not valid JSON ({exc.msg})") from exc
        pairs = {}
        for item in v.split(","):
            key, sep, user = item.strip().rpartition(":")
            if not sep or not key or not user:
                raise ValueError("use JSON or key:user,key:user")
            pairs[key] = user
        return pairs

    @field_validator("chroma_url")
    @classmethod
    def _blank_is_none(cls, v: str | None) -> str | None:
        return v or None

    @field_validator("database_url")
    @classmethod
    def _database_scheme(cls, v: str | None) -> str | None:
        v = (v or "").strip()
        if not v:
            return None
        scheme = v.split("://", 1)[0].lower() if "://" in v else ""
        if scheme not in DATABASE_SCHEMES:
            raise ValueError(
                "use postgresql://USER:PASSWORD@HOST:PORT/DB, sqlite:///PATH, "
                "or leave it unset for SQLite in ADVISOR_HOME"
            )
        return v

    @property
    def uses_postgres(self) -> bool:
        """Shared state lives in PostgreSQL (many workers) rather than in ADVISOR_HOME."""
        url = self.database_url
        return url is not None and not url.lower().startswith("sqlite")

    @property
    def chroma_dir(self) -> Path:
        return self.home / "chroma"

    @property
    def manifest_path(self) -> Path:
        """The SQLite file of the default manifest backend, ``index.sqlite3`` as it always
        was (``sqlite:///PATH`` may move it)."""
        if self.database_url and self.database_url.lower().startswith("sqlite:///"):
            return Path(self.database_url[len("sqlite:///") :])
        return self.home / "index.sqlite3"

    @property
    def users_dir(self) -> Path:
        return self.home / "users"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests call ``get_settings.cache_clear()``.

    A bad value is one line naming the variable, not a pydantic traceback."""
    from pydantic import ValidationError

    from advisor.core.errors import InputError

    try:
        return Settings()
    except ValidationError as exc:
        err = exc.errors()[0]
        name = "ADVISOR_" + str(err["loc"][0]).upper() if err.get("loc") else "a setting"
        raise InputError(f"invalid {name}: {err['msg']}") from exc
