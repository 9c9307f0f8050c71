"""Reference data of REG-4: the severities (一般 / 严重 / 重大) and the root-cause
categories. Both are data: the company may add, rename or retire entries."""

from django.db import migrations

SEVERITIES = [
    # code, name, English, rank, urgency of the service level that sets the on-site time
    ("general", "一般", "General", 1, "normal"),
    ("serious", "严重", "Serious", 2, "urgent"),
    ("major", "重大", "Major", 3, "emergency"),
]
CAUSES = [
    ("workmanship", "施工工艺", "Workmanship"),
    ("material", "材料质量", "Material quality"),
    ("design", "设计缺陷", "Design"),
    ("maintenance", "维护保养不到位", "Insufficient maintenance"),
    ("timeliness", "响应或处理不及时", "Late response or handling"),
    ("communication", "沟通不到位", "Communication"),
    ("attitude", "服务态度", "Service attitude"),
    ("third_party", "第三方或使用不当", "Third party or misuse"),
    ("weather", "极端天气", "Extreme weather"),
    ("other", "其他", "Other"),
]


def seed(apps, schema_editor):
    Severity = apps.get_model("complaints", "Severity")
    CauseCategory = apps.get_model("complaints", "CauseCategory")
    for code, name, en, rank, urgency in SEVERITIES:
        Severity.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": en, "rank": rank, "urgency": urgency}
        )
    for code, name, en in CAUSES:
        CauseCategory.objects.update_or_create(code=code, defaults={"name": name, "name_en": en})


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
