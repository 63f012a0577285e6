"""A task that outlasts a worker's grace period, for the stop test of `serve --with-worker`."""

import time

from django_tasks import task


@task()
def sleep_for(seconds: float) -> float:
    time.sleep(seconds)
    return seconds
