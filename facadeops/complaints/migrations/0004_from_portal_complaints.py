"""REG-4.1.1: the complaints customers filed in the portal before this chapter become
complaints of the REG-4 chain (numbered, one round, received at their filing time); the
portal's own table is then dropped (portal 0002)."""

from django.db import migrations
from django.utils import timezone


def forward(apps, schema_editor):
    PortalComplaint = apps.get_model("portal", "PortalComplaint")
    Complaint = apps.get_model("complaints", "Complaint")
    Round = apps.get_model("complaints", "Round")
    Severity = apps.get_model("complaints", "Severity")
    Sequence = apps.get_model("core", "Sequence")
    severity = Severity.objects.order_by("rank").first()
    for old in PortalComplaint.objects.select_related("project", "work_order").order_by("id"):
        project = old.project or (old.work_order.project if old.work_order_id else None)
        if project is None:
            project = old.customer.projects.order_by("id").first()
        if project is None or severity is None:
            continue  # nothing to attach it to: kept out (the customer has no project)
        key = f"TS-{timezone.localtime(old.created_at).year}"
        seq, _ = Sequence.objects.get_or_create(key=key, defaults={"last": 0})
        seq.last += 1
        seq.save(update_fields=["last"])
        c = Complaint.objects.create(
            number=f"{key}-{seq.last:06d}",
            channel="portal",
            customer_id=old.customer_id,
            contact_name=(old.submitted_by.get_full_name() or old.submitted_by.username)[:100],
            contact_email=old.submitted_by.email or "",
            project=project,
            category="other",
            severity=severity,
            subject=old.subject,
            description=f"{old.description}\n\n（门户投诉 #{old.pk} 转入）",
            received_at=old.created_at,
            service_head_id=project.service_head_id,
            acknowledged_at=old.created_at,
        )
        if old.work_order_id:
            c.work_orders.add(old.work_order_id)
        Round.objects.create(complaint=c, number=1)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0003_analysis"),
        ("portal", "0001_initial"),
        ("core", "0001_initial"),
    ]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
