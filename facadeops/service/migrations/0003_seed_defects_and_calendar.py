"""Seed the DOM-3 defect catalogue and the working calendar for 2026–2027 (both editable
data afterwards)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import migrations

# code, 中文, English, default severity, severity note, typical remedy  (domain-rules DOM-3)
DEFECTS = [
    (
        "GL-01",
        "钢化玻璃自爆",
        "spontaneous breakage of tempered glass",
        "S1",
        "",
        "隔离警戒，覆盖碎片，更换玻璃（均质处理/夹胶）",
    ),
    ("GL-02", "玻璃破损/裂纹", "cracked or broken glass", "S1", "", "临时固定，更换"),
    ("GL-03", "玻璃松动", "loose glass panel", "S2", "", "查明原因，重新固定或更换"),
    ("GL-04", "中空玻璃结露/失效", "insulating-glass seal failure", "S3", "", "更换中空玻璃"),
    (
        "SS-01",
        "结构胶脱粘/老化",
        "structural-sealant debonding (hidden frame)",
        "S1",
        "",
        "检测粘结性能；更换工厂打胶的组件",
    ),
    (
        "SL-01",
        "耐候胶开裂/脱胶/起泡",
        "weather-seal cracking, debonding, bubbling",
        "S3",
        "渗漏时为S2",
        "割除后重新打胶",
    ),
    ("GK-01", "密封胶条脱落/老化", "gasket detached or aged", "S3", "", "更换"),
    ("WL-01", "渗漏水", "water leakage", "S2", "", "查找渗漏源，重新密封，疏通排水"),
    ("DR-01", "排水堵塞", "blocked drainage", "S3", "", "疏通"),
    (
        "FX-01",
        "螺栓松动/连接件锈蚀",
        "loose bolts, corroded connectors/brackets",
        "S2",
        "",
        "紧固、除锈、补漆",
    ),
    ("FX-02", "锚固松动/构件损坏", "anchorage loose, member damaged", "S1", "", "更换或加固"),
    (
        "OS-01",
        "开启扇五金失效/防坠失效",
        "opening-sash hardware / fall arrest failed",
        "S1",
        "",
        "锁闭开启扇，更换五金，加装防坠装置",
    ),
    (
        "ST-01",
        "石材开裂/缺损",
        "stone panel cracked or chipped",
        "S2",
        "松动时为S1",
        "临时固定，更换",
    ),
    (
        "AL-01",
        "铝板变形/空鼓/涂层损伤",
        "aluminium panel deformed, bulging, coating damage",
        "S3",
        "",
        "修复或更换",
    ),
    ("CB-01", "拉杆拉索预应力损失", "loss of rod/cable pre-tension", "S2", "", "重新张拉"),
    ("FP-01", "层间防火封堵受潮/缺失", "floor-edge fire-stop damp or missing", "S2", "", "更换"),
    ("LP-01", "防雷连接失效", "lightning-protection discontinuity", "S2", "", "修复"),
]

CALENDAR_YEARS = (2026, 2027)


def calendar_exceptions(years: tuple[int, ...]) -> list[tuple[dt.date, bool, str]]:
    """Days where China's official calendar differs from Monday–Friday."""
    import holidays

    cal = holidays.China(years=list(years))
    out = []
    for year in years:
        day = dt.date(year, 1, 1)
        while day.year == year:
            working = cal.is_working_day(day)
            if working != (day.weekday() < 5):
                name = cal.get(day) or ("调休上班" if working else "")
                out.append((day, working, str(name)[:100]))
            day += dt.timedelta(days=1)
    return out


def seed(apps: Any, schema_editor: Any) -> None:
    DefectType = apps.get_model("service", "DefectType")
    for code, name, name_en, severity, note, remedy in DEFECTS:
        DefectType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "default_severity": severity,
                "severity_note": note,
                "remedy": remedy,
            },
        )
    CalendarDay = apps.get_model("service", "CalendarDay")
    for day, working, name in calendar_exceptions(CALENDAR_YEARS):
        CalendarDay.objects.get_or_create(
            date=day,
            defaults={"is_working_day": working, "name": name, "source": "holidays.China"},
        )


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("service", "CalendarDay").objects.filter(source="holidays.China").delete()


class Migration(migrations.Migration):
    dependencies = [("service", "0002_working_calendar")]

    operations = [migrations.RunPython(seed, unseed)]
