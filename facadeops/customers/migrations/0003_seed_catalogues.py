"""Seed the X-1.2 catalogues (facade systems, glass types) and the DOM-4 service levels."""

from decimal import Decimal

from django.db import migrations

FACADE_SYSTEMS = [
    ("unitised-glass", "单元式玻璃幕墙", "glass", "Unitised glass curtain wall"),
    ("stick-glass", "构件式玻璃幕墙", "glass", "Stick glass curtain wall"),
    ("point-supported-glass", "点支式玻璃幕墙", "glass", "Point-supported glass curtain wall"),
    ("hidden-frame-glass", "隐框玻璃幕墙", "glass", "Hidden-frame structural glazing"),
    ("semi-hidden-frame-glass", "半隐框玻璃幕墙", "glass", "Semi-hidden-frame glass curtain wall"),
    ("cable-rod-supported", "拉索/拉杆幕墙", "glass", "Rod/cable-supported curtain wall"),
    ("stone", "石材幕墙", "stone", "Stone curtain wall"),
    ("aluminium-panel", "铝板幕墙", "metal", "Aluminium panel curtain wall"),
    ("ceramic-terracotta", "陶板幕墙", "other", "Ceramic/terracotta panel curtain wall"),
]

GLASS_TYPES = [
    ("tempered", "钢化玻璃"),
    ("laminated", "夹层玻璃"),
    ("insulating", "中空玻璃"),
    ("heat-strengthened", "半钢化玻璃"),
    ("low-e", "低辐射(Low-E)玻璃"),
]

# DOM-4: emergency 2 h on site around the clock; urgent 24 h; normal 48 h on working days.
SERVICE_LEVELS = [
    ("emergency", Decimal("0.5"), Decimal("2"), Decimal("24"), "24x7"),
    ("urgent", Decimal("2"), Decimal("24"), Decimal("72"), "24x7"),
    ("normal", Decimal("24"), Decimal("48"), None, "working_days"),
]


def seed(apps, schema_editor):
    FacadeSystem = apps.get_model("customers", "FacadeSystem")
    GlassType = apps.get_model("customers", "GlassType")
    ServiceLevelDefault = apps.get_model("customers", "ServiceLevelDefault")
    for code, name, category, notes in FACADE_SYSTEMS:
        FacadeSystem.objects.get_or_create(
            code=code, defaults={"name": name, "category": category, "notes": notes}
        )
    for code, name in GLASS_TYPES:
        GlassType.objects.get_or_create(code=code, defaults={"name": name})
    for urgency, respond, on_site, complete, clock in SERVICE_LEVELS:
        ServiceLevelDefault.objects.get_or_create(
            urgency=urgency,
            defaults={
                "respond_within_hours": respond,
                "on_site_within_hours": on_site,
                "complete_within_hours": complete,
                "clock": clock,
                "source": "DOM-4",
            },
        )


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_projects_contracts")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
