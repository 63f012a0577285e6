"""The scale machinery (parallel index build, quantised dense candidates, lazy token
vectors, candidate masks) must not change what is ranked at the sizes where it is exact."""

import random

import numpy as np
import pytest

from techmarket.matching.analysis import analyse
from techmarket.matching.engine import K1, B, CorpusIndex, LexicalIndex, rank_achievements
from techmarket.matching.records import AchievementRecord, DemandRecord
from techmarket.matching.vectorstore import SignBits

WORDS = (  # noqa: SIM905
    "机器视觉 缺陷 检测 印制电路板 焊点 注塑 干燥 水分 在线 监测 废水 脱色 臭氧 催化 氧化 污泥 "
    "厌氧 储能 锂电池 热管理 余热 回收 热泵 光伏 逆变器 电机 减速器 伺服 机器人 折弯 焊接 激光 "
    "涂层 复合材料 石墨烯 陶瓷 合金 热处理 压铸 模具 寿命 密封 耐高温 传感器 物联网 边缘计算 "
    "深度学习 故障诊断 预测性维护 育苗 病虫害 水肥一体化 疫苗 发酵 提取 膜分离 中药 電路板 ＰＣＢ"
).split()


def _corpus(n: int = 60, dim: int = 32) -> tuple[list[AchievementRecord], np.ndarray]:
    rng = random.Random(5)
    records = [
        AchievementRecord(
            f"A{i}",
            "".join(rng.choices(WORDS, k=3)),
            "，".join(rng.choices(WORDS, k=rng.randint(8, 20)))
            + f"，耐温{rng.choice([150, 250])}℃",
            field=rng.choice(["新材料", "先进制造", ""]),
            price_wan=float(rng.choice([20, 80, 300])),
            transfer_modes=[rng.choice(["许可", "转让"])],
        )
        for i in range(n)
    ]
    vecs = np.random.default_rng(5).standard_normal((n, dim)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return records, vecs


def _demands() -> list[DemandRecord]:
    rng = random.Random(9)
    return [
        DemandRecord(
            f"D{k}",
            "".join(rng.choices(WORDS, k=2)),
            "，".join(rng.choices(WORDS, k=10)) + "，需长期耐温不低于200℃",
            field="新材料",
            budget_wan=60,
            cooperation_modes=["许可"],
        )
        for k in range(5)
    ]


# Recorded with the engine before the scale changes (commit d8e200e): top 8 per demand for
# the fixed corpus, with vectors (query = its record's vector) and without. A deliberate
# change of the fusion weights re-records these; the scale changes must not move them.
# Re-recorded when BM25 began to count from lexical strength 0.15 (was 1/3), and again
# when the structured factors' weight went from 1 to 2.
GOLDEN = {
    "vectors": [
        ["A0", "A50", "A44", "A48", "A17", "A53", "A1", "A27"],
        ["A7", "A57", "A42", "A48", "A56", "A46", "A50", "A19"],
        ["A14", "A8", "A5", "A42", "A4", "A50", "A38", "A12"],
        ["A21", "A27", "A45", "A48", "A56", "A6", "A0", "A50"],
        ["A28", "A19", "A27", "A41", "A56", "A46", "A32", "A57"],
    ],
    "lexical": [
        ["A50", "A0", "A38", "A1", "A53", "A44", "A14", "A8"],
        ["A14", "A56", "A0", "A57", "A52", "A42", "A23", "A38"],
        ["A42", "A35", "A50", "A5", "A56", "A8", "A27", "A37"],
        ["A56", "A48", "A0", "A50", "A45", "A53", "A27", "A12"],
        ["A58", "A53", "A19", "A14", "A27", "A35", "A10", "A41"],
    ],
}


def _rankings(index: CorpusIndex, vecs: np.ndarray | None) -> list[list[str]]:
    out = []
    for k, demand in enumerate(_demands()):
        qv = None if vecs is None else vecs[k * 7]
        out.append(
            [m.achievement_id for m in rank_achievements(index, demand, query_vector=qv, top_n=8)]
        )
    return out


def test_ranking_of_a_fixed_corpus_is_unchanged():
    records, vecs = _corpus()
    assert _rankings(CorpusIndex.build(records, vectors=vecs), vecs) == GOLDEN["vectors"]
    assert _rankings(CorpusIndex.build(records), None) == GOLDEN["lexical"]


def _matches(index, vecs, **kw):
    out = []
    for k, demand in enumerate(_demands()):
        qv = None if vecs is None else vecs[k * 7]
        ranked = rank_achievements(index, demand, query_vector=qv, top_n=10, **kw)
        out.append([(m.achievement_id, round(m.score, 4)) for m in ranked])
    return out


def test_quantised_candidates_rank_like_the_exact_scan_when_the_rerank_covers_the_corpus():
    records, vecs = _corpus()
    exact = CorpusIndex.build(records, vectors=vecs)
    quantised = CorpusIndex.build(records, vectors=vecs, quantise_from=0, rerank=len(records))
    assert not exact.quantised
    assert quantised.quantised
    assert _matches(quantised, vecs) == _matches(exact, vecs)


def test_only_allowed_records_are_ranked_on_both_candidate_paths():
    records, vecs = _corpus()
    allowed = {r.id for r in records[::3]}
    for index in (
        CorpusIndex.build(records, vectors=vecs),
        CorpusIndex.build(records, vectors=vecs, quantise_from=0, rerank=10),
    ):
        for ranking in _matches(index, vecs, allowed_ids=allowed | {"not-in-corpus"}):
            assert ranking
            assert {a for a, _ in ranking} <= allowed
        assert _matches(index, vecs, allowed_ids={"not-in-corpus"}) == [[]] * 5


def test_sign_bits_first_pass_finds_the_exact_nearest_neighbours():
    rng = np.random.default_rng(1)
    n, dim = 20_000, 384
    # sentence-vector-like: a shared component, topics, per-record noise
    common = rng.standard_normal(dim).astype(np.float32) * 1.5
    topics = rng.standard_normal((100, dim)).astype(np.float32)
    vecs = topics[rng.integers(0, 100, n)] + common
    vecs += 0.8 * rng.standard_normal((n, dim)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    bits = SignBits(vecs)
    recalls = []
    for row in rng.integers(0, n, 50):
        q = vecs[row] + 0.02 * rng.standard_normal(dim).astype(np.float32)
        q /= np.linalg.norm(q)
        exact = np.argsort(-(vecs @ q))[:10]
        found, scores = bits.top(vecs, q, 10, rerank=1000)
        assert np.all(np.diff(scores) <= 0)  # best first, exact cosines
        np.testing.assert_allclose(scores, vecs[found] @ q, rtol=1e-5)
        recalls.append(len(set(exact.tolist()) & set(found.tolist())) / 10)
    assert np.mean(recalls) >= 0.95


def test_hamming_distances_count_differing_signs():
    vecs = np.array([[1, 1, -1, 1], [1, -1, 1, 1], [-1, -1, -1, -1]], dtype=np.float32)
    bits = SignBits(vecs)  # mean (1/3, -1/3, -1/3, 1/3): signs (+,+,-,+), (+,-,+,+), (-,-,-,-)
    assert bits.hamming(np.array([1, 1, -1, 1], dtype=np.float32)).tolist() == [0, 2, 3]


def _reference_bm25(docs: list[list[str]], query: list[str]) -> np.ndarray:
    n = len(docs)
    avgdl = sum(len(d) for d in docs) / n
    out = np.zeros(n)
    for tok in set(query):
        df = sum(tok in d for d in docs)
        if not df:
            continue
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        qtf = query.count(tok)
        for i, d in enumerate(docs):
            tf = d.count(tok)
            if tf:
                norm = K1 * (1 - B + B * len(d) / avgdl)
                out[i] += idf * (1 + np.log(qtf)) * tf * (K1 + 1) / (tf + norm)
    return out


def test_postings_give_textbook_bm25():
    records, _ = _corpus()
    docs = [analyse(r.index_text()) for r in records]
    index = LexicalIndex(docs)
    for query in (["石墨烯", "涂层", "涂层"], analyse("锂电池热管理与储能"), ["不存在的词"]):
        np.testing.assert_allclose(index.scores(query), _reference_bm25(docs, query), rtol=1e-5)


def test_parallel_index_build_equals_the_serial_one(monkeypatch):
    records, _ = _corpus(n=400)
    texts = [r.index_text() for r in records]
    monkeypatch.setattr(LexicalIndex, "PARALLEL_MIN_DOCS", 50)
    monkeypatch.setattr(LexicalIndex, "PARALLEL_CHUNK", 70)  # 6 slices over 2 processes
    parallel = LexicalIndex.from_texts(texts, workers=2)
    serial = LexicalIndex([analyse(t) for t in texts])
    assert list(parallel.vocab.items()) == list(serial.vocab.items())
    assert parallel.n_docs == serial.n_docs == 400
    for name in ("indptr", "doc", "weight", "idf"):
        a, b = getattr(parallel, name), getattr(serial, name)
        assert a.dtype == b.dtype
        assert np.array_equal(a, b), name


@pytest.mark.parametrize("n", [0, 1])
def test_tiny_indexes(n):
    records, _ = _corpus(n=n)
    index = LexicalIndex.from_texts([r.index_text() for r in records], workers=2)
    assert index.n_docs == n
    assert index.scores(["石墨烯"]).shape == (n,)
