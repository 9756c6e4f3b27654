"""Repository 7, third-party data: public opinion (舆情) on the province's businesses and the
readings of online monitoring points at monitored sites (emission outlets, coal-mine workings),
JSON Lines. Opinion mostly names a clean legal person; readings belong to clean site objects and
are around a typical share of the indicator's limit (a few over it)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from tests.synthetic.world.businesses import BUSINESS
from tests.synthetic.world.dates import time_text
from tests.synthetic.world.events import INDICATORS, OPINION_ISSUES, OPINION_TOPICS, PLATFORMS

if TYPE_CHECKING:
    from tests.synthetic.profiles.province import Province


def write_opinion(p: Province) -> None:
    rng = p.rng("opinion")
    w = p.writer("jsonl", "third_party_opinion")
    for i in range(max(20, int(20 * p.scale))):
        published = p.dt_in_window(rng, (0, 23))
        entity = p.all_legal.pick(rng) if rng.random() < 0.75 else None
        topic = (
            OPINION_TOPICS[BUSINESS[entity.business].risk]
            if entity
            else rng.choice(sorted(OPINION_ISSUES))
        )
        issue = OPINION_ISSUES[topic]
        sentiment = rng.choices(["负面", "中性", "正面"], [55, 35, 10])[0]
        who = entity.name if entity else "本地部分商户"
        title = {
            "负面": f"网友曝光{who}{issue}",
            "中性": f"{who}{topic}情况引关注",
            "正面": f"{who}诚信经营获网友点赞",
        }[sentiment]
        platform, host = rng.choice(PLATFORMS)
        opinion_id = f"YQ{published:%Y%m%d}{i % 1_000_000:06d}"
        w.emit(
            {
                "opinion_id": opinion_id,
                "platform": platform,
                "published_at": time_text(published),
                "url": f"https://{host}/p/{opinion_id}",
                "title": title,
                "summary": f"{title}。相关内容在{platform}传播，引发讨论。",
                "sentiment": sentiment,
                "heat": int(rng.paretovariate(1.5) * 100),
                "topic": topic,
                "keywords": [topic, issue],
                "entity_uscc": entity.uscc if entity and rng.random() < 0.8 else None,
                "entity_name": entity.name if entity else None,
                "division_code": entity.division if entity else None,
            }
        )
    p.close(w)


def write_readings(p: Province) -> None:
    rng = p.rng("readings")
    sites = [
        e
        for (_, kind), pool in sorted(p.objects.items())
        if kind == "site"
        for e in pool.items
        if e.subtype in INDICATORS
    ]
    sites = sorted({e.entity_id: e for e in sites}.values(), key=lambda e: e.entity_id)
    w = p.readings_writer = p.writer("jsonl", "third_party_readings")
    for i in range(max(40, int(50 * p.scale)) if sites else 0):
        site = rng.choice(sites)
        code, unit, limit, share = rng.choice(INDICATORS[site.subtype])
        day = p.run_date - timedelta(days=rng.randint(0, 6))
        measured = datetime(day.year, day.month, day.day, rng.randint(0, 23))
        value = round(limit * share * rng.lognormvariate(0, 0.45), 3)
        w.emit(
            {
                "reading_id": f"JC{measured:%Y%m%d}{i % 10_000_000:07d}",
                "point_code": f"{site.entity_id}-01",
                "point_name": site.name,
                "entity_id": site.entity_id,
                "enterprise_uscc": site.owner.uscc,
                "enterprise_name": site.owner.name,
                "indicator_code": code,
                "value": value,
                "unit": unit,
                "limit_value": limit,
                "over_limit": 1 if value > limit else 0,
                "measured_at": time_text(measured),
                "division_code": site.division,
                "source_system": "煤矿安全监控系统"
                if code in ("CH4", "CO")
                else "污染源自动监控系统",
            }
        )
    p.close(w)
