from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_check_deploy_with_production_settings_prints_no_warning(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "TECHMARKET_ENV": "production",
        "TECHMARKET_VAR_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "market.example.gov.cn",
        "DEBUG": "false",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests in this process
    result = subprocess.run(
        [sys.executable, "-m", "techmarket.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output


def test_the_secret_key_is_generated_outside_the_repository(tmp_path: Path) -> None:
    env = {**os.environ, "TECHMARKET_VAR_DIR": str(tmp_path)}
    env.pop("SECRET_KEY", None)
    code = "from django.conf import settings; print(len(settings.SECRET_KEY))"
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            f"import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','techmarket.settings'); django.setup(); {code}",
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=True,
    )
    assert int(result.stdout.strip()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
