"""Settings read once from an environment mapping (never at import time)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


class SettingsError(ValueError):
    """A setting has a value the service cannot run with."""


def _int(env: Mapping[str, str], name: str, default: int, low: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from None
    if value < low:
        raise SettingsError(f"{name} must be at least {low}")
    return value


def _float(env: Mapping[str, str], name: str, default: float, low: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    if not value >= low or value == float("inf"):
        raise SettingsError(f"{name} must be a finite number of at least {low}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _log_name(value: str) -> str:
    if not value or any(c.isspace() or c == "+" for c in value):
        raise SettingsError("COMMONS_LOG_NAME must be non-empty, without spaces or '+'")
    return value


def _origins(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """A comma-separated list of web origins (``scheme://host[:port]``, no path)."""
    found = []
    for raw in env.get(name, "").split(","):
        origin = raw.strip().rstrip("/")
        if not origin:
            continue
        scheme, sep, rest = origin.partition("://")
        if scheme not in ("http", "https") or not sep or not rest or "/" in rest:
            raise SettingsError(f"{name} lists {raw.strip()!r}, not an origin like https://host")
        found.append(origin.lower())
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Settings:
    environment: str
    database_url: str | None
    read_database_url: str | None
    data_dir: Path
    jwt_secret: bytes | None
    jwks_url: str | None
    issuer: str
    audience: str
    leeway: int
    token_ttl: int
    introspection: bool
    max_depth: int
    max_aliases: int
    max_tokens: int
    max_cost: int
    max_directives: int
    max_body: int
    webhook_max_body: int
    pool_min: int
    pool_max: int
    acquire_timeout: float
    command_timeout: float
    run_worker: bool
    worker_max_attempts: int = 5
    worker_backoff: int = 2
    worker_poll: int = 5
    inbox_retention_days: int = 30
    check_interval: int = 5
    body_timeout: int = 30
    head_publisher: bool = True
    head_max_delay: float = 5.0
    head_max_events: int = 1000
    log_name: str = "commons-ledger"
    report_embed_limit: int = 200_000
    cors_origins: tuple[str, ...] = ()
    """Origins whose credentialed requests (a bearer token, cookies) browsers may send."""
    rate_limit: int = 0
    """Query cost a client may spend at once, and again per window, in this process
    (0: no limit)."""
    rate_window: int = 3600
    heavy_cost: int = 0
    """Queries costing more than this take turns in the heavy lane (0: no lane)."""
    heavy_concurrency: int = 1
    """Heavy queries executing at once in one process."""
    heavy_pool: int = 1
    """Connections of the heavy lane's own pool."""
    response_cache: int = 1024
    """Persisted responses kept in this process, each valid for one journal head."""

    @property
    def development(self) -> bool:
        return self.environment == "development"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Parse and check every setting; SettingsError names the bad one."""
        environment = env.get("COMMONS_ENV", "production")
        if environment not in ("development", "production", "test"):
            raise SettingsError("COMMONS_ENV must be development, production or test")
        secret = env.get("COMMONS_JWT_SECRET")
        if secret is not None and len(secret.encode()) < 32:
            raise SettingsError("COMMONS_JWT_SECRET must be at least 32 bytes")
        return cls(
            environment=environment,
            database_url=env.get("DATABASE_URL") or None,
            read_database_url=env.get("COMMONS_READ_DATABASE_URL") or None,
            data_dir=Path(env.get("COMMONS_DATA_DIR", ".commons")).expanduser().resolve(),
            jwt_secret=secret.encode() if secret else None,
            jwks_url=env.get("COMMONS_JWKS_URL") or None,
            issuer=env.get("COMMONS_JWT_ISSUER", "commons-ledger"),
            audience=env.get("COMMONS_JWT_AUDIENCE", "commons-ledger"),
            leeway=_int(env, "COMMONS_JWT_LEEWAY", 30),
            token_ttl=_int(env, "COMMONS_TOKEN_TTL", 3600, 1),
            introspection=_bool(env, "COMMONS_GRAPHQL_INTROSPECTION", environment != "production"),
            max_depth=_int(env, "COMMONS_GRAPHQL_MAX_DEPTH", 12, 1),
            max_aliases=_int(env, "COMMONS_GRAPHQL_MAX_ALIASES", 30, 1),
            max_tokens=_int(env, "COMMONS_GRAPHQL_MAX_TOKENS", 4000, 10),
            max_cost=_int(env, "COMMONS_GRAPHQL_MAX_COST", 25_000, 1),
            max_directives=_int(env, "COMMONS_GRAPHQL_MAX_DIRECTIVES", 20, 0),
            max_body=_int(env, "COMMONS_MAX_BODY", 1_048_576, 1024),
            webhook_max_body=_int(env, "COMMONS_WEBHOOK_MAX_BODY", 25 * 1024 * 1024, 1024),
            pool_min=_int(env, "COMMONS_POOL_MIN", 2, 1),
            pool_max=_int(env, "COMMONS_POOL_MAX", 10, 1),
            acquire_timeout=float(_int(env, "COMMONS_POOL_ACQUIRE_TIMEOUT", 10, 1)),
            command_timeout=float(_int(env, "COMMONS_COMMAND_TIMEOUT", 30, 1)),
            run_worker=_bool(env, "COMMONS_RUN_WORKER", True),
            worker_max_attempts=_int(env, "COMMONS_WORKER_MAX_ATTEMPTS", 5, 1),
            worker_backoff=_int(env, "COMMONS_WORKER_BACKOFF", 2, 0),
            worker_poll=_int(env, "COMMONS_WORKER_POLL", 5, 1),
            inbox_retention_days=_int(env, "COMMONS_INBOX_RETENTION_DAYS", 30, 0),
            check_interval=_int(env, "COMMONS_CHECK_INTERVAL", 5, 1),
            body_timeout=_int(env, "COMMONS_BODY_TIMEOUT", 30, 1),
            head_publisher=_bool(env, "COMMONS_HEAD_PUBLISHER", True),
            head_max_delay=_float(env, "COMMONS_HEAD_MAX_DELAY", 5.0, 0.01),
            head_max_events=_int(env, "COMMONS_HEAD_MAX_EVENTS", 1000, 1),
            log_name=_log_name(env.get("COMMONS_LOG_NAME", "commons-ledger")),
            report_embed_limit=_int(env, "COMMONS_REPORT_EMBED_LIMIT", 200_000, 0),
            cors_origins=_origins(env, "COMMONS_CORS_ORIGINS"),
            rate_limit=_int(env, "COMMONS_RATE_LIMIT", 1_000_000, 0),
            rate_window=_int(env, "COMMONS_RATE_WINDOW", 3600, 1),
            heavy_cost=_int(env, "COMMONS_HEAVY_COST", 50, 0),
            heavy_concurrency=_int(env, "COMMONS_HEAVY_CONCURRENCY", 1, 1),
            heavy_pool=_int(env, "COMMONS_HEAVY_POOL", 1, 1),
            response_cache=_int(env, "COMMONS_RESPONSE_CACHE", 1024, 0),
        )
