"""Typed settings, read once from ``ADVISOR_*`` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_CORPUS = PACKAGE_DIR.parent / "corpus"


def _default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("passive-income-advisor", appauthor=False))


class Settings(BaseSettings):
    """Every knob in one place. Env vars win over defaults; CLI flags win over env."""

    model_config = SettingsConfigDict(env_prefix="ADVISOR_", extra="ignore")

    home: Path = Field(default_factory=_default_home, description="data folder (ADVISOR_HOME)")
    corpus_dir: Path = Field(default=DEFAULT_CORPUS, description="source articles")
    chroma_url: str | None = Field(default=None, description="use a `chroma run` server")
    embedding_model: str = Field(default="st:all-MiniLM-L6-v2", description="provider:model")
    engine: str = Field(default="grounded", description="grounded | openai:MODEL | ollama:MODEL")
    k: int = Field(default=5, ge=1, le=50, description="passages retrieved per question")
    chunk_size: int = Field(default=1200, ge=100, le=8000)
    chunk_overlap: int = Field(default=200, ge=0, le=2000)
    max_question_chars: int = Field(default=4000, ge=10)
    max_file_bytes: int = Field(default=50 * 1024 * 1024, ge=1)
    openai_base_url: str | None = None
    openai_api_key: str | None = None
    ollama_url: str = "http://127.0.0.1:11434"
    llm_timeout: float = Field(default=60.0, gt=0)
    llm_context_window: int = Field(default=8192, ge=512)
    llm_max_tokens: int = Field(default=512, ge=16)
    api_keys: dict[str, str] = Field(default_factory=dict, description="API key -> user id")
    log_level: str = "WARNING"

    @field_validator("chroma_url")
    @classmethod
    def _blank_is_none(cls, v: str | None) -> str | None:
        return v or None

    @property
    def chroma_dir(self) -> Path:
        return self.home / "chroma"

    @property
    def index_path(self) -> Path:
        return self.home / "index.sqlite3"

    @property
    def users_dir(self) -> Path:
        return self.home / "users"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests call ``get_settings.cache_clear()``."""
    return Settings()
