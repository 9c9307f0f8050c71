"""Every write of the service process (REG-2). Keyword-only, transactional, audited.

Each function checks the actor's role and object scope (``permissions``), refuses changes
to archived or cancelled work orders, and moves the work order only through the workflow
engine (``workflow.py``). The UI and the API call only these and the selectors.

One module per stage of the chain; every write is re-exported here, so callers keep using
``facadeops.service.services.<name>``:

- ``intake``      requests and inquiries, conversion into a work order (REG-2.1.2, 2.2.1)
- ``assessment``  work order creation, triage and dispatch, on-site findings and defects
                  (REG-2.2.1, DOM-3, DOM-4)
- ``plan``        plan versions, assignment, reassignment, acknowledgement (REG-2.2.2-2.2.3)
- ``execution``   materials drawn, progress notes, replaced parts (REG-2.2.3, REG-2.3.1)
- ``quality``     supervision, rectification and re-check, internal acceptance
                  (REG-2.3.2, REG-2.4.2)
- ``acceptance``  completion checklist, customer acceptance and signature (REG-2.4.1)
- ``record``      service record, the generic workflow step, archiving the dossier,
                  the working calendar (REG-2.5.1, REG-2.5.2, DOM-4)
- ``_common``     helpers shared by the stages
"""

from __future__ import annotations

from ._common import SIGNATURE_MAX_BYTES, SIGNATURE_MAX_SIDE
from .acceptance import completion_update, customer_acceptance_record
from .assessment import (
    DEFECT_STATES,
    assessment_update,
    defect_add,
    work_order_check_in,
    work_order_create,
    work_order_triage,
)
from .execution import (
    DRAW_STATES,
    WORK_STATES,
    material_draw,
    part_replacement_add,
    progress_log,
)
from .intake import (
    REQUEST_FIELDS,
    request_answer,
    request_cancel,
    request_convert,
    request_create,
    request_update,
)
from .plan import (
    PLAN_FIELDS,
    plan_acknowledge,
    plan_save,
    work_order_assign,
    work_order_reassign,
)
from .quality import (
    SUPERVISION_STATES,
    quality_check_add,
    rectification_done,
    rectification_verify,
)
from .record import (
    archive_work_order,
    calendar_day_set,
    service_record_fill,
    service_record_sign,
    work_order_transition,
)

__all__ = [
    "DEFECT_STATES",
    "DRAW_STATES",
    "PLAN_FIELDS",
    "REQUEST_FIELDS",
    "SIGNATURE_MAX_BYTES",
    "SIGNATURE_MAX_SIDE",
    "SUPERVISION_STATES",
    "WORK_STATES",
    "archive_work_order",
    "assessment_update",
    "calendar_day_set",
    "completion_update",
    "customer_acceptance_record",
    "defect_add",
    "material_draw",
    "part_replacement_add",
    "plan_acknowledge",
    "plan_save",
    "progress_log",
    "quality_check_add",
    "rectification_done",
    "rectification_verify",
    "request_answer",
    "request_cancel",
    "request_convert",
    "request_create",
    "request_update",
    "service_record_fill",
    "service_record_sign",
    "work_order_assign",
    "work_order_check_in",
    "work_order_create",
    "work_order_reassign",
    "work_order_transition",
    "work_order_triage",
]
