"""Seed the certificate-type and skill catalogues (X-6.5). Data, editable afterwards."""

from django.db import migrations

CERTIFICATE_TYPES = [
    # code, name, is_work_at_height, validity note
    ("work_at_height", "高处作业证", True, "特种作业操作证，有效期6年，每3年复审"),
    ("gondola", "吊篮操作证", True, "高处作业吊篮安装拆卸/操作，按发证机关规定复审"),
    ("electrician", "电工证", False, "特种作业操作证，有效期6年，每3年复审"),
    ("welder", "焊工证", False, "熔化焊接与热切割作业，有效期6年，每3年复审"),
    ("safety_officer", "安全员证", False, "建筑施工企业安全生产管理人员证书，有效期3年"),
]

SKILLS = [
    "玻璃更换",
    "打胶/密封",
    "吊篮作业",
    "绳索作业",
    "石材维修",
    "铝板维修",
    "五金维修",
    "检测鉴定",
]


def seed(apps, schema_editor):
    CertificateType = apps.get_model("accounts", "CertificateType")
    Skill = apps.get_model("accounts", "Skill")
    for code, name, height, note in CERTIFICATE_TYPES:
        CertificateType.objects.update_or_create(
            code=code,
            defaults={"name": name, "is_work_at_height": height, "validity_note": note},
        )
    for name in SKILLS:
        Skill.objects.get_or_create(name=name)


def unseed(apps, schema_editor):
    apps.get_model("accounts", "CertificateType").objects.filter(
        code__in=[c[0] for c in CERTIFICATE_TYPES], certificates__isnull=True
    ).delete()
    apps.get_model("accounts", "Skill").objects.filter(
        name__in=SKILLS, employees__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_employees_certificates")]

    operations = [migrations.RunPython(seed, unseed)]
