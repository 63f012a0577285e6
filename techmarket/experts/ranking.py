"""How well an expert's expertise fits a challenge.

Matching does not exist yet, so this is field / sub-field / keyword overlap behind one
function; ``settings.CHALLENGES_REVIEWER_RANKER`` may name a replacement with the same
signature (e.g. a matching-based scorer).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from techmarket.experts.models import ExpertProfile


@dataclass(frozen=True)
class Topic:
    field: str
    subfields: tuple[str, ...]
    keywords: tuple[str, ...]
    text: str = ""


def overlap_score(expert: ExpertProfile, topic: Topic) -> float:
    score = 0.0
    if topic.field and topic.field in (expert.fields or []):
        score += 3.0
    score += 2.0 * len(set(topic.subfields) & set(expert.subfields or []))
    expert_words = {w.strip().lower() for w in expert.keywords or [] if w.strip()}
    topic_words = {w.strip().lower() for w in topic.keywords if w.strip()}
    score += 1.0 * len(expert_words & topic_words)
    text = topic.text.lower()
    score += 0.5 * sum(1 for w in expert_words - topic_words if w and w in text)
    return score


def ranker() -> Callable[[ExpertProfile, Topic], float]:
    path = getattr(settings, "CHALLENGES_REVIEWER_RANKER", "")
    return import_string(path) if path else overlap_score


def rank(experts: Iterable[ExpertProfile], topic: Topic) -> list[tuple[ExpertProfile, float]]:
    score = ranker()
    return [(e, score(e, topic)) for e in experts]
