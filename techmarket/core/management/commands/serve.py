from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from techmarket.core.discovery import app_modules

# how long the background worker may take to finish its current task once asked to stop
WORKER_GRACE_SECONDS = 10


class Command(BaseCommand):
    help = "用 granian（WSGI）启动平台；--with-worker 同时启动后台任务进程。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "1")))
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("WEB_THREADS", "8")),
            help="每个进程处理请求的线程数（Django 是同步的，一个请求占用一个线程）",
        )
        parser.add_argument("--with-worker", action="store_true", help="同时运行后台任务进程")

    def handle(self, *args: Any, **options: Any) -> None:
        granian = shutil.which("granian", path=os.path.dirname(sys.executable)) or "granian"
        children: list[subprocess.Popen[bytes]] = []
        if options["with_worker"]:
            # what a stop or a crash left unfinished is queued again for the new worker
            for _config, module in app_modules("worker_start"):
                module.on_worker_start()
            children.append(subprocess.Popen([sys.executable, "-m", "techmarket.cli", "db_worker"]))
        self.stdout.write(
            f"TechMarket 正在 http://{options['host']}:{options['port']}/ 上服务（Ctrl-C 停止）"
        )
        web = subprocess.Popen(  # noqa: S603
            [
                granian,
                "--interface",
                "wsgi",
                "--host",
                options["host"],
                "--port",
                str(options["port"]),
                "--workers",
                str(options["workers"]),
                "--blocking-threads",
                str(options["threads"]),
                "--backpressure",
                str(options["threads"] * 2),
                "--no-ws",
                "techmarket.wsgi:application",
            ]
        )
        # a service manager stops us with SIGTERM: granian must get it too, or its
        # worker process outlives us still holding the port
        signal.signal(signal.SIGTERM, lambda signum, _frame: web.send_signal(signum))
        try:
            web.wait()
        except KeyboardInterrupt:
            web.send_signal(signal.SIGINT)
            web.wait()
        finally:
            for child in children:
                self._stop_worker(child)

    def _stop_worker(self, worker: subprocess.Popen[bytes]) -> None:
        """The worker finishes its task on the first SIGTERM; a long one (embedding a
        whole market) is cut short by the second, which marks it failed: the tasks here
        commit batch by batch, and `on_worker_start` queues the rest at the next start."""
        worker.terminate()
        try:
            worker.wait(timeout=WORKER_GRACE_SECONDS)
            return
        except subprocess.TimeoutExpired:
            self.stderr.write(
                "后台任务进程仍在执行任务，正在中止（已提交的部分保留，下次启动时继续）。"
            )
        worker.terminate()
        try:
            worker.wait(timeout=WORKER_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
