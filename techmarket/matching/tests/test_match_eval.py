import json

from django.core.management import call_command

ACHIEVEMENTS = [
    {
        "id": "A1",
        "title": "印染废水臭氧催化氧化深度脱色",
        "abstract": "臭氧催化氧化处理生化出水，色度降至30倍以下。",
        "keywords": ["脱色", "印染废水"],
        "field": "资源与环境",
        "maturity": "产业化",
        "ip": "发明专利",
        "transfer_modes": ["许可"],
        "price_wan": 80,
        "region": "浙江省杭州市",
    },
    {
        "id": "A2",
        "title": "六轴机器人钣金折弯单元",
        "abstract": "机器人自动完成钣金折弯与码垛。",
        "field": "先进制造与自动化",
        "owner_type": None,
        "maturity": None,
        "price_wan": None,
        "extra_key": "ignored",
    },
    {
        "id": "A3",
        "title": "沙门氏菌噬菌体制剂",
        "abstract": "噬菌体鸡尾酒制剂降低禽肉沙门氏菌。",
        "keywords": [],
        "field": "生物与新医药",
        "transfer_modes": None,
        "ipc": "A01N",
    },
]
DEMANDS = [
    {
        "id": "D1",
        "title": "印染废水色度降不下来",
        "description": "生化处理后出水色度80倍，排放要求30倍以下。",
        "industry": "印染",
        "budget_wan": 100,
        "deadline_months": 12,
    },
    {
        "id": "D2",
        "title": "钣金件人工折弯效率低",
        "description": "希望用自动化设备替代人工折弯。",
        "region": None,
    },
]


def _write(path, rows):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")


def test_match_eval_writes_the_run_and_prints_metrics_beside_bm25(tmp_path, capfd):
    a, d, q, run = (tmp_path / n for n in ("a.jsonl", "d.jsonl", "q.tsv", "run.tsv"))
    _write(a, ACHIEVEMENTS)
    _write(d, DEMANDS)
    q.write_text("demand_id\tachievement_id\tgrade\nD1\tA1\t3\nD2\tA2\t3\n", "utf-8")
    call_command(
        "match_eval",
        "--achievements",
        str(a),
        "--demands",
        str(d),
        "--qrels",
        str(q),
        "--run",
        str(run),
    )
    lines = run.read_text("utf-8").splitlines()
    assert lines[0] == "demand_id\tachievement_id\trank\tscore"
    rows = [line.split("\t") for line in lines[1:]]
    assert {r[0] for r in rows} == {"D1", "D2"}
    assert len(rows) == 6  # every achievement ranked for each demand (fewer than 100)
    first = {r[0]: r[1] for r in rows if r[2] == "1"}
    assert first == {"D1": "A1", "D2": "A2"}
    out = capfd.readouterr().out
    assert "已导入 3 项成果、2 条需求" in out
    assert "完整匹配" in out
    assert "BM25" in out
    assert "ndcg@10" in out
