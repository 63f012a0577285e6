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


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _listening(port: int) -> bool:
    import socket

    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_serve_stopped_with_sigterm_stops_the_web_server_too(tmp_path: Path) -> None:
    """A service manager stops `techmarket serve` with SIGTERM; the port must be free after."""
    import signal
    import time

    port = _free_port()
    env = {**os.environ, "TECHMARKET_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    serve = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "techmarket.cli", "serve", "--port", str(port)],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not _listening(port):
            assert serve.poll() is None, "serve exited before listening"
            assert time.monotonic() < deadline, "serve did not listen within 60 s"
            time.sleep(0.2)
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=30) is not None
        deadline = time.monotonic() + 15
        while _listening(port) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _listening(port), "granian still holds the port after serve stopped"
    finally:
        if serve.poll() is None:
            serve.kill()
        # never leave a web server behind when the test fails
        subprocess.run(["pkill", "-f", f"granian .*--port {port} "], check=False)  # noqa: S603, S607


def test_serve_stopped_during_a_long_task_stops_its_worker_without_a_traceback(
    tmp_path: Path,
) -> None:
    """The worker finishes a task on SIGTERM; one that outlasts the grace period (embedding
    a whole market) is cut short and marked failed — serve must not die of a timeout and
    leave the worker running behind it."""
    import signal
    import sqlite3
    import time

    env = {**os.environ, "TECHMARKET_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.pop("TASKS_BACKEND", None)
    env.pop("DATABASE_URL", None)
    cli = [sys.executable, "-m", "techmarket.cli"]
    run = {"env": env, "cwd": settings.BASE_DIR, "check": True}
    subprocess.run([*cli, "migrate", "--no-input", "-v", "0"], **run)  # noqa: S603
    subprocess.run(  # noqa: S603
        [
            *cli,
            "shell",
            "-c",
            "from techmarket.core.tests.slow_tasks import sleep_for; sleep_for.enqueue(600)",
        ],
        **run,
    )
    db = tmp_path / "techmarket.sqlite3"

    def task_status() -> str:
        with sqlite3.connect(db) as conn:
            (status,) = conn.execute(
                "SELECT status FROM django_tasks_database_dbtaskresult"
            ).fetchone()
        return str(status)

    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        serve = subprocess.Popen(  # noqa: S603
            [*cli, "serve", "--port", str(port), "--with-worker"],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    worker_pids: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while not (_listening(port) and task_status() == "RUNNING"):
            assert serve.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the worker did not take the task within 60 s"
            time.sleep(0.2)
        worker_pids = [
            int(p)
            for p in subprocess.run(  # noqa: S603
                ["pgrep", "-P", str(serve.pid), "-f", "db_worker"],  # noqa: S607
                capture_output=True,
                text=True,
            ).stdout.split()
        ]
        assert len(worker_pids) == 1
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=60) == 0, log.read_text()
        text = log.read_text()
        # serve's own stop raised TimeoutExpired; the worker's report of the task it cut
        # short (django-tasks logs the SystemExit) is expected
        assert "TimeoutExpired" not in text
        assert "后台任务进程仍在执行任务，正在中止" in text
        assert not Path(f"/proc/{worker_pids[0]}").exists(), "the worker outlived serve"
        assert task_status() == "FAILED"  # cut short, not left RUNNING forever
    finally:
        if serve.poll() is None:
            serve.kill()
        for pid in worker_pids:
            subprocess.run(["kill", "-9", str(pid)], check=False)  # noqa: S603, S607
        subprocess.run(["pkill", "-f", f"granian .*--port {port} "], check=False)  # noqa: S603, S607
