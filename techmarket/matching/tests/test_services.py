import re

import numpy as np
import pytest
from django.db import transaction

from techmarket.listings.workflow import ListingStatus
from techmarket.matching import services
from techmarket.matching.models import Embedding
from techmarket.matching.tests import factories


def _seals(university):
    hot = factories.achievement(
        university,
        "耐高温氟橡胶密封圈",
        "改性氟橡胶密封圈，适用于阀门与泵的高温密封。",
        price=30_0000,
        transfer_modes=["license"],
    )
    factories.indicator(hot, "耐温", "ge", "250", "℃")
    warm = factories.achievement(
        university, "耐高温硅橡胶密封圈", "硅橡胶密封圈，适用于阀门与泵的密封。"
    )
    factories.indicator(warm, "耐温", "ge", "150", "℃")
    return hot, warm


def test_a_published_achievement_is_found_and_a_withdrawn_one_is_gone_at_once(university):
    hot, _ = _seals(university)
    assert services.search(q="氟橡胶密封圈").hits[0].listing.pk == hot.pk
    # withdrawn behind the index's back (no signal, no timestamp change): still never shown
    type(hot).objects.filter(pk=hot.pk).update(status=ListingStatus.WITHDRAWN)
    assert hot.pk not in [h.listing.pk for h in services.search(q="氟橡胶密封圈").hits]


def test_a_rolled_back_listing_is_never_found(university):
    def publish_then_fail():
        with transaction.atomic():
            factories.achievement(university, "石墨烯导热膜", "高导热石墨烯膜。")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        publish_then_fail()
    assert services.search(q="石墨烯导热膜").hits == []


def test_unpublished_listings_are_not_searchable(university):
    factories.achievement(
        university, "石墨烯导热膜", "高导热石墨烯膜。", status=ListingStatus.DRAFT
    )
    assert services.search(q="石墨烯").total == 0


def test_search_returns_highlighted_snippets_and_field_facets(university):
    factories.achievement(university, "石墨烯导热膜", "高导热石墨烯膜，用于手机散热。", field="04")
    factories.achievement(university, "石墨烯防腐涂料", "石墨烯改性环氧防腐涂层。", field="04")
    factories.achievement(university, "石墨烯传感器", "柔性石墨烯应变传感器。", field="01")
    result = services.search(q="石墨烯", field="04")
    assert result.total == 2
    assert result.facets["field"] == {"新材料": 2, "电子信息": 1}
    assert "<mark>石墨烯</mark>" in result.hits[0].snippet


def test_search_reads_only_a_page_of_hits_from_the_database(university):
    """A common word can hit more listings than one SQL query may carry as parameters;
    the database is asked about the hits shown, a page at a time, never all of them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    made = [
        factories.achievement(university, f"石墨烯材料{i}号", f"第{i}种石墨烯改性材料。")
        for i in range(45)
    ]
    gone = made[0]
    type(gone).objects.filter(pk=gone.pk).update(status=ListingStatus.WITHDRAWN)
    services.current_index()
    with CaptureQueriesContext(connection) as queries:
        result = services.search(q="石墨烯", limit=5)
    assert len(result.hits) == 5
    assert gone.pk not in [h.listing.pk for h in result.hits]
    assert result.facets["field"] == {"资源与环境": 44}
    assert result.total == 44
    in_lists = [
        m.group(1).count(",") + 1
        for q in queries.captured_queries
        if "listings_achievement" in q["sql"]
        for m in re.finditer(r" IN \(([^)]*)\)", q["sql"])
    ]
    assert in_lists, "the hits shown must be re-checked in the database"
    assert max(in_lists) <= 20


def test_matching_ranks_by_indicators_and_explains_in_chinese(university, enterprise):
    hot, warm = _seals(university)
    need = factories.demand(
        enterprise,
        "阀门高温密封件寿命短",
        "阀门密封件需长期耐高温，现用密封圈半年就老化。",
        budget=50_0000,
        cooperation_modes=["license"],
    )
    factories.indicator(need, "耐温", "ge", "200", "℃")
    results = services.match_demand(demand=need, top_n=5)
    assert [r.listing.pk for r in results][:2] == [hot.pk, warm.pk]
    assert results[0].indicators_met == ["需求耐温≥200℃，成果为250℃"]
    assert results[1].indicators_failed == ["需求耐温≥200℃，成果为150℃"]
    assert "意向价格30万元在预算50万元以内" in results[0].reasons
    assert "转化方式符合：许可" in results[0].reasons


def test_potential_demands_of_an_achievement(university, enterprise):
    hot, _ = _seals(university)
    need = factories.demand(enterprise, "阀门密封圈老化", "高温阀门的密封圈半年就老化泄漏。")
    factories.demand(enterprise, "印染废水脱色", "印染废水色度超标。")
    results = services.match_achievement(achievement=hot)
    assert results[0].listing.pk == need.pk
    assert any("密封圈" in r for r in results[0].reasons)


def test_a_demand_is_a_potential_demand_only_if_the_achievement_is_within_its_reach(
    university, enterprise, settings
):
    dye = factories.achievement(
        university, "印染废水臭氧催化深度脱色技术", "生化出水色度下降至20倍以下，COD同步下降30%。"
    )
    factories.achievement(
        university, "仓储盘点RFID系统", "超高频RFID批量盘点，门店库存盘点无需停业，差错率下降。"
    )
    dyeing = factories.demand(enterprise, "印染废水色度降不下来", "印染废水生化出水色度80倍。")
    # shares only the everyday word 下降 with the dye process, and its own best match is
    # the RFID system: listing it under the dye process would be noise
    warehouse = factories.demand(
        enterprise, "服装仓库盘点一次停发货三天", "希望盘点效率提高，差错率下降。"
    )
    settings.MATCHING_POTENTIAL_WITHIN = 1
    lexical = [r.listing.pk for r in services.match_achievement(achievement=dye)]
    assert lexical == [dyeing.pk]
    assert warehouse.pk not in lexical

    services.embed_pending()  # with vectors: the dense pool counts too, the floor stays
    services.invalidate_index()
    results = services.match_achievement(achievement=dye)
    assert [r.listing.pk for r in results] == [dyeing.pk]
    assert {"印染", "色度", "出水"} <= set(results[0].concepts)
    assert not any(c.isdigit() for c in results[0].concepts)  # 80 and 20 say nothing
    assert results[0].reasons[0].startswith("需求描述与成果内容语义")

    settings.MATCHING_POTENTIAL_WITHIN = 50  # the default: both are within reach of two
    services.invalidate_index()
    assert {r.listing.pk for r in services.match_achievement(achievement=dye)} == {
        dyeing.pk,
        warehouse.pk,
    }


def test_reindex_embeds_in_resumable_batches_and_semantic_matching_needs_no_shared_words(
    university, enterprise
):
    dye = factories.achievement(
        university,
        "臭氧催化氧化深度处理工艺",
        "对生化出水进行臭氧催化氧化，色度降至30倍以下。",
        field="08",
    )
    factories.achievement(university, "六轴机器人折弯单元", "机器人自动完成钣金折弯与码垛。")
    need = factories.demand(
        enterprise, "排水颜色太深", "我们印染厂排出的水颜色深，环保验收过不了。"
    )
    assert services.embedding_status()["achievement_embedded"] == 0
    written = services.embed_pending(batch_size=2)
    assert written == 3
    assert Embedding.objects.count() == 3
    assert services.embed_pending() == 0  # nothing stale: a rerun continues, not restarts
    results = services.match_demand(demand=need, top_n=2)
    assert results[0].listing.pk == dye.pk
    assert any("语义" in r for r in results[0].reasons)
    dye.abstract += "已在多家印染厂应用。"
    dye.save()
    assert services.embed_pending() == 1  # changed text → its vector is recomputed


def test_publishing_through_the_listings_service_embeds_the_record(
    university, bureau_staff, django_capture_on_commit_callbacks
):
    from techmarket.listings.services import listing_transition

    seal = factories.achievement(
        university,
        "高温氟橡胶密封圈",
        "氟橡胶密封圈，长期工作温度250℃。",
        status=ListingStatus.SUBMITTED,
        published_at=None,
    )
    assert not Embedding.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        listing_transition(actor=bureau_staff, listing=seal, to_status=ListingStatus.PUBLISHED)
    # listings sends listing_changed after commit; matching queues the embedding task
    # (run at once by the tests' immediate task backend)
    assert Embedding.objects.count() == 1
    assert [h.listing.pk for h in services.search(q="氟橡胶密封圈").hits] == [seal.pk]


def test_latent_terms_are_stored_with_the_vectors_and_backfilled_for_older_rows(
    university, enterprise, settings
):
    from techmarket.matching import sparse

    cast = factories.achievement(
        university, "真空辅助压铸致密化工艺", "型腔抽真空后压射，压铸件内部气孔显著减少。"
    )
    factories.achievement(university, "茶园病虫害绿色防控", "性诱剂与天敌释放结合。")
    factories.achievement(university, "铝合金熔体旋转除气", "旋转喷吹氩气除氢，铸件针孔减少。")
    need = factories.demand(enterprise, "铸件有气孔", "压铸件气孔多，废品率高。")
    services.embed_pending()
    stored = Embedding.objects.get(kind="achievement", listing_id=cast.pk)
    assert sparse.unpack(stored.sparse) is not None
    # rows written before latent terms existed: filled from their token vectors
    Embedding.objects.update(sparse=b"")
    assert services.backfill_latent_terms(stored.model_name) == 4
    assert all(sparse.unpack(e.sparse) is not None for e in Embedding.objects.all())
    services.invalidate_index()
    results = services.match_demand(demand=need, top_n=2)
    assert results[0].listing.pk == cast.pk
    assert services.current_index().achievements.sparse is not None
    # above the token vectors' in-memory limit latent terms stay, narrowed to the strongest
    # MATCHING_LATENT_TERMS_KEEP_LARGE per text; 0 turns them off there
    settings.MATCHING_TOKEN_VECTORS_IN_MEMORY = 0
    settings.MATCHING_LATENT_TERMS_KEEP_LARGE = 8
    services.invalidate_index()
    sparse._head_at.cache_clear()
    large = services.match_demand(demand=need, top_n=3)
    # reading stored latent terms never loads the autoencoder (an onnxruntime session)
    assert sparse._head_at.cache_info().currsize == 0
    built = services.current_index()
    assert built.achievements.tokens is None
    assert built.achievements.sparse is not None
    assert built.achievements.sparse.keep == 8
    # the demand's own latent terms are read whole from its stored row when it is matched
    assert built.demand_sparse is None
    assert large[0].listing.pk == cast.pk
    settings.MATCHING_LATENT_TERMS_KEEP_LARGE = 0
    services.invalidate_index()
    off = services.match_demand(demand=need, top_n=3)
    assert services.current_index().achievements.sparse is None
    assert [r.score for r in off] != [r.score for r in large]
    settings.MATCHING_TOKEN_VECTORS_IN_MEMORY = 20_000
    services.invalidate_index()
    # a deployment can switch latent terms off (MATCHING_LATENT_TERMS_SHARE = 0)
    settings.MATCHING_LATENT_TERMS_SHARE = 0
    assert services.rank_weights().sparse_share == 0
    without = services.match_demand(demand=need, top_n=2)
    assert [r.score for r in without] != [r.score for r in results]


def _store_vectors(listing, kind, rng, n_tokens):
    from techmarket.matching.vectorstore import pack

    vec = rng.standard_normal(384).astype(np.float32)
    vec /= np.linalg.norm(vec)
    tokens = rng.standard_normal((n_tokens, 384)).astype(np.float32)
    tokens /= np.linalg.norm(tokens, axis=1, keepdims=True)
    vbytes, tbytes = pack(vec, tokens)
    Embedding.objects.create(
        kind=kind,
        listing_id=listing.pk,
        model_name=services._embedder_name(),
        text_hash="x",
        dim=384,
        vector=vbytes,
        tokens=tbytes,
    )


def test_token_vectors_read_from_the_database_rank_like_those_kept_in_memory(
    university, enterprise, settings
):
    from techmarket.listings.models import Achievement
    from techmarket.matching.models import ListingKind

    rng = np.random.default_rng(3)
    _seals(university)
    for i in range(8):
        a = factories.achievement(university, f"密封材料{i}号", f"第{i}种阀门密封圈材料。")
        _store_vectors(a, ListingKind.ACHIEVEMENT, rng, 6 + i)
    for other in Achievement.objects.exclude(pk__in=Embedding.objects.values("listing_id")):
        _store_vectors(other, ListingKind.ACHIEVEMENT, rng, 5)
    need = factories.demand(enterprise, "阀门密封圈老化", "阀门密封圈需耐高温，半年就老化。")
    _store_vectors(need, ListingKind.DEMAND, rng, 7)

    in_memory = [(r.listing.pk, round(r.score, 5)) for r in services.match_demand(demand=need)]
    assert isinstance(services.current_index().achievements.tokens, list)

    # above the in-memory limit, late interaction is off by default: the dense cosine
    # stands in for it, so the scores change
    settings.MATCHING_TOKEN_VECTORS_IN_MEMORY = 0
    services.invalidate_index()
    dense_only = [(r.listing.pk, round(r.score, 5)) for r in services.match_demand(demand=need)]
    assert services.current_index().achievements.tokens is None
    assert dense_only != in_memory

    settings.MATCHING_TOKEN_VECTORS_FROM_DB = True
    services.invalidate_index()
    lazy = [(r.listing.pk, round(r.score, 5)) for r in services.match_demand(demand=need)]
    tokens = services.current_index().achievements.tokens
    assert isinstance(tokens, services.StoredTokenVectors)
    assert len(in_memory) == 10
    assert lazy == in_memory
    assert tokens[0].shape[1] == 384


def test_vectors_stored_in_batches_reuse_the_lexical_index_and_new_listings_rebuild_it(
    university, enterprise
):
    from techmarket.matching.models import ListingKind

    rng = np.random.default_rng(5)
    hot, _warm = _seals(university)
    need = factories.demand(enterprise, "阀门密封圈老化", "阀门密封圈需耐高温，半年就老化。")
    before = services.current_index()
    assert before.achievements.vectors is None

    # the background task stores a batch: same listings, new vectors
    _store_vectors(hot, ListingKind.ACHIEVEMENT, rng, 6)
    _store_vectors(need, ListingKind.DEMAND, rng, 5)
    after = services.current_index()
    assert after is not before
    assert after.achievements.lexical is before.achievements.lexical
    assert after.demand_lexical is before.demand_lexical
    assert after.achievements.vectors is not None
    assert np.any(after.achievements.vectors[after.achievements.positions[str(hot.pk)]])
    assert after.achievements.token_idf is not None
    assert services.match_demand(demand=need, embed_missing=False)[0].listing.pk == hot.pk

    # a newly published listing is new text: analysed again, and found
    fresh = factories.achievement(university, "全氟醚橡胶阀门密封圈", "全氟醚橡胶，耐温300℃。")
    rebuilt = services.current_index()
    assert rebuilt.achievements.lexical is not before.achievements.lexical
    assert services.search(q="全氟醚").hits[0].listing.pk == fresh.pk


def test_a_built_index_is_kept_out_of_the_garbage_collectors_walks(university):
    import gc

    factories.achievement(university, "耐高温氟橡胶密封圈", "氟橡胶密封圈，耐温250℃。")
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    built = services.current_index()
    assert gc.get_freeze_count() > 0
    assert not any(obj is built for obj in gc.get_objects())  # frozen: not walked
    gc.unfreeze()
