"""`serve --with-worker` queues again the embedding a stop or a crash left unfinished."""

from django_tasks import default_task_backend

from techmarket.matching import services, worker_start
from techmarket.matching.tests import factories


def test_the_worker_start_queues_embedding_only_while_listings_lack_vectors(
    university, enterprise, settings
):
    factories.achievement(university, "耐高温氟橡胶密封圈", "氟橡胶密封圈，耐温250℃。")
    factories.demand(enterprise, "阀门密封圈老化", "高温阀门密封圈老化泄漏。")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    queued = default_task_backend.results

    worker_start.on_worker_start()  # nothing embedded yet: the task is queued
    assert [r.task.name for r in queued] == ["embed_pending_task"]

    services.embed_pending()  # what the worker does
    queued.clear()
    worker_start.on_worker_start()  # every listing has its vector: nothing to resume
    assert queued == []
