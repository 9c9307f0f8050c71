"""Seed the record types of REG-2.5.2 (editable data; later chapters add theirs)."""

from django.db import migrations

RECORD_TYPES = [
    ("service_record", "服务记录", 10, "REG-2.5.1 服务记录 (signed, reviewed)"),
    (
        "work_order_dossier",
        "工单档案",
        10,
        "REG-2.5.2 工单全套资料: 方案、材料清单、验收报告、服务记录",
    ),
    ("complaint_file", "投诉档案", 10, "REG-4.4.1 投诉处理全过程记录"),
]


def seed(apps, schema_editor):
    RecordType = apps.get_model("archive", "RecordType")
    for code, name, years, description in RECORD_TYPES:
        RecordType.objects.get_or_create(
            code=code,
            defaults={"name": name, "retention_years": years, "description": description},
        )


def unseed(apps, schema_editor):
    RecordType = apps.get_model("archive", "RecordType")
    RecordType.objects.filter(code__in=[c for c, *_ in RECORD_TYPES], entries=None).delete()


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
