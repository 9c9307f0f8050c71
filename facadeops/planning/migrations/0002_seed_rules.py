"""Seed the rule tables: DOM-1 schedule, DOM-1.7 checklist, DOM-2 weather limits, the
age/material/history planning rules and the routine-work policies. All editable data."""

from decimal import Decimal

from django.db import migrations

JGJ = "JGJ 102-2003 ch. 12"
# code, name, item_type, system_codes, glass_only, first, every, beyond_life, event, source
RULES = [
    (
        "DOM-1.1",
        "全面检查（玻璃幕墙）",
        "full_inspection",
        "",
        True,
        12,
        60,
        None,
        False,
        "JGJ 102-2003 ch. 12; 建标[2015]38",
    ),
    (
        "DOM-1.2",
        "拉杆/拉索预应力检查与调整",
        "tension_check",
        "cable-rod-supported",
        False,
        6,
        36,
        None,
        False,
        JGJ,
    ),
    (
        "DOM-1.3",
        "硅酮结构胶粘结性能抽检",
        "sealant_sampling",
        "hidden-frame-glass,semi-hidden-frame-glass",
        False,
        120,
        36,
        None,
        False,
        JGJ,
    ),
    (
        "DOM-1.4",
        "安全性鉴定",
        "safety_appraisal",
        "",
        False,
        120,
        120,
        12,
        False,
        "既有建筑幕墙安全维护管理办法 (2006) art. 15; 沪府令77",
    ),
    (
        "DOM-1.5",
        "灾害事件后全面检查（台风、地震、火灾、雷击、爆炸）",
        "event_inspection",
        "",
        False,
        None,
        None,
        None,
        True,
        f"{JGJ}; REG-8, X-8.3",
    ),
    (
        "DOM-1.6",
        "幕墙清洗",
        "cleaning",
        "",
        False,
        12,
        12,
        None,
        False,
        f"{JGJ}; city rules (unconfirmed)",
    ),
]

CHECKLIST = [
    (
        "a",
        "幕墙整体有无变形、错位、松动；主要承力构件、连接件和连接螺栓有无损坏、连接是否可靠、有无锈蚀",
    ),
    ("b", "玻璃面板有无松动和损坏"),
    ("c", "密封胶有无脱胶、开裂、起泡；密封胶条有无脱落、老化"),
    ("d", "开启部分是否启闭灵活，五金附件是否有功能障碍或损坏，安装螺栓或螺钉是否松动和失效"),
    ("e", "幕墙排水系统是否通畅"),
]

# code, name, access_methods, max_beaufort, heavy_rain, snow, fog, min_temp, max_temp, source
LIMITS = [
    (
        "DOM-2.1",
        "外立面检查、清洗、维修",
        "",
        4,
        True,
        True,
        True,
        None,
        None,
        "domain rules DOM-2.1 (“4级以上” read conservatively)",
    ),
    ("DOM-2.2", "吊篮作业", "gondola", 5, False, False, False, None, None, "JGJ 202"),
    (
        "DOM-2.4",
        "吊绳/坐板作业",
        "rope",
        4,
        False,
        False,
        False,
        Decimal("0"),
        Decimal("35"),
        "industry practice (unconfirmed)",
    ),
]

# code, name, item_type, condition, system_codes, threshold, months, content, source
PLANNING_RULES = [
    (
        "PR-01",
        "每年清洗（公共建筑）",
        "cleaning",
        "always",
        "",
        0,
        "4,10",
        "外立面清洗（春、秋各一次）",
        "JGJ 102 ch. 12; company practice",
    ),
    (
        "PR-02",
        "隐框幕墙10年后结构胶抽检",
        "sealant_sampling",
        "systems_age",
        "hidden-frame-glass,semi-hidden-frame-glass",
        10,
        "5",
        "结构胶粘结性能抽样检测",
        "JGJ 102 ch. 12",
    ),
    (
        "PR-03",
        "近期S1缺陷后加密检查",
        "periodic_inspection",
        "recent_s1",
        "",
        12,
        "3,6,9,12",
        "按DOM-1.7检查表逐项检查（因近期发生S1缺陷加密）",
        "company rule",
    ),
    (
        "PR-04",
        "15年以上幕墙密封胶与胶条普查",
        "maintenance",
        "min_age",
        "",
        15,
        "9",
        "耐候胶、密封胶条老化普查，必要时更换",
        "company rule",
    ),
    (
        "PR-05",
        "年度定期检查（DOM-1.7）",
        "periodic_inspection",
        "always",
        "",
        0,
        "6",
        "按DOM-1.7检查表逐项检查",
        "JGJ 102 ch. 12",
    ),
]

ROUTINE = [
    ("cleaning", 14, "check_in,submit_findings"),
    ("periodic_inspection", 14, ""),
    ("full_inspection", 30, ""),
    ("tension_check", 30, ""),
    ("sealant_sampling", 30, ""),
    ("safety_appraisal", 60, ""),
    ("maintenance", 21, ""),
]


def seed(apps, schema_editor):
    InspectionRule = apps.get_model("planning", "InspectionRule")
    ChecklistItem = apps.get_model("planning", "ChecklistItem")
    WeatherLimit = apps.get_model("planning", "WeatherLimit")
    PlanningRule = apps.get_model("planning", "PlanningRule")
    RoutinePolicy = apps.get_model("planning", "RoutinePolicy")
    for code, name, itype, systems, glass, first, every, beyond, event, source in RULES:
        InspectionRule.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "item_type": itype,
                "system_codes": systems,
                "glass_only": glass,
                "first_after_months": first,
                "every_months": every,
                "beyond_design_life_every_months": beyond,
                "event_triggered": event,
                "source": source,
            },
        )
    for code, text in CHECKLIST:
        ChecklistItem.objects.get_or_create(
            code=code, defaults={"text": text, "source": "DOM-1.7, JGJ 102 ch. 12"}
        )
    for code, name, methods, bf, rain, snow, fog, tmin, tmax, source in LIMITS:
        WeatherLimit.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "access_methods": methods,
                "max_beaufort": bf,
                "blocks_heavy_rain": rain,
                "blocks_snow": snow,
                "blocks_fog": fog,
                "min_temp": tmin,
                "max_temp": tmax,
                "source": source,
            },
        )
    for code, name, itype, cond, systems, threshold, months, content, source in PLANNING_RULES:
        PlanningRule.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "item_type": itype,
                "condition": cond,
                "system_codes": systems,
                "threshold": threshold,
                "months": months,
                "content": content,
                "source": source,
            },
        )
    for itype, lead, skip in ROUTINE:
        RoutinePolicy.objects.get_or_create(
            item_type=itype, defaults={"lead_days": lead, "skip_steps": skip}
        )


class Migration(migrations.Migration):
    dependencies = [("planning", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
