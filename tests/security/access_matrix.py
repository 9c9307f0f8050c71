"""The expected access of every live route (issue 4): route key → (staff roles allowed, other
principals allowed, what the anonymous caller gets).

"allowed" means the request passes authentication, role and object scope: the answer is
2xx/3xx, or 409/422 from the domain (a refused transition is a 409 with its reasons, checked
in the apps' own tests). Everyone not listed must get 403/404 (logged in) — customer_b asks
for customer A's records by id, so every object route proves the scope. The anonymous
caller gets "login" (401 / redirect to the login page) unless "ok" is stated.

Captured from the live behaviour on 2026-11 and reviewed; a chapter adding a route adds its
row here (tests/security/dump_matrix.py prints the observed rows for review).
"""

from __future__ import annotations

from .world import STAFF_ROLES

STAFF = list(STAFF_ROLES)

ACCESS: dict[str, tuple[list[str], list[str], str]] = {
    "page core:home": (STAFF, ["customer_a", "customer_b"], "login"),
    "page core:healthz": (STAFF, ["anonymous", "customer_a", "customer_b"], "ok"),
    "page core:readyz": (STAFF, ["anonymous", "customer_a", "customer_b"], "ok"),
    "page accounts:login": (STAFF, ["anonymous", "customer_a", "customer_b"], "ok"),
    "page accounts:logout": ([], [], "login"),
    "page accounts:password_change": (STAFF, ["customer_a", "customer_b"], "login"),
    "page accounts:password_change_done": (STAFF, ["customer_a", "customer_b"], "login"),
    "page accounts:profile": (STAFF, ["customer_a", "customer_b"], "login"),
    "page accounts:token_create": (STAFF, ["customer_a", "customer_b"], "login"),
    "page accounts:token_revoke": ([], [], "login"),
    "page accounts:employee_list": (
        ["service_head", "tech_head", "project_manager", "quality", "management"],
        [],
        "login",
    ),
    "page accounts:employee_create": (["management"], [], "login"),
    "page accounts:employee_detail": (
        ["service_head", "tech_head", "project_manager", "quality", "management"],
        [],
        "login",
    ),
    "page accounts:employee_edit": (["management"], [], "login"),
    "page accounts:employee_roles": (["management"], [], "login"),
    "page accounts:employee_transition": ([], [], "login"),
    "page accounts:certificate_add": (["management"], [], "login"),
    "page accounts:certificate_edit": (["management"], [], "login"),
    "page accounts:department_list": (
        ["service_head", "tech_head", "project_manager", "quality", "management"],
        [],
        "login",
    ),
    "page accounts:department_create": (["management"], [], "login"),
    "page accounts:department_edit": (["management"], [], "login"),
    "page customers:customer_list": (STAFF, ["customer_a", "customer_b"], "login"),
    "page customers:customer_create": (["agent", "service_head", "management"], [], "login"),
    "page customers:customer_detail": (STAFF, ["customer_a"], "login"),
    "page customers:customer_edit": (["agent", "service_head", "management"], [], "login"),
    "page customers:contact_create": (["agent", "service_head", "management"], [], "login"),
    "page customers:contact_edit": (["agent", "service_head", "management"], [], "login"),
    "page customers:project_list": (STAFF, ["customer_a", "customer_b"], "login"),
    "page customers:project_create": (
        ["service_head", "project_manager", "management"],
        [],
        "login",
    ),
    "page customers:project_detail": (STAFF, ["customer_a"], "login"),
    "page customers:project_edit": (["service_head", "project_manager", "management"], [], "login"),
    "page customers:contract_list": (STAFF, ["customer_a", "customer_b"], "login"),
    "page customers:contract_create": (
        ["service_head", "project_manager", "management"],
        [],
        "login",
    ),
    "page customers:contract_detail": (STAFF, ["customer_a"], "login"),
    "page customers:contract_edit": (
        ["service_head", "project_manager", "management"],
        [],
        "login",
    ),
    "page customers:contract_levels": (
        ["service_head", "project_manager", "management"],
        [],
        "login",
    ),
    "page customers:contract_transition": (STAFF, ["customer_a"], "login"),
    "page customers:import": (["service_head", "project_manager", "management"], [], "login"),
    "page customers:import_template": (
        ["service_head", "project_manager", "management"],
        [],
        "login",
    ),
    "page customers:facadesystem_list": (["tech_head", "management"], [], "login"),
    "page customers:facadesystem_create": (["tech_head", "management"], [], "login"),
    "page customers:facadesystem_edit": (["tech_head", "management"], [], "login"),
    "page customers:glasstype_list": (["tech_head", "management"], [], "login"),
    "page customers:glasstype_create": (["tech_head", "management"], [], "login"),
    "page customers:glasstype_edit": (["tech_head", "management"], [], "login"),
    "page customers:sldefault_list": (["tech_head", "management"], [], "login"),
    "page customers:sldefault_edit": (["tech_head", "management"], [], "login"),
    "page materials:material_list": (STAFF, [], "login"),
    "page materials:material_create": (["tech_head", "procurement"], [], "login"),
    "page materials:material_detail": (STAFF, [], "login"),
    "page materials:material_edit": (["tech_head", "procurement"], [], "login"),
    "page materials:category_list": (STAFF, [], "login"),
    "page notifications:inbox": (STAFF, ["customer_a", "customer_b"], "login"),
    "page notifications:mark_read": (STAFF, ["customer_a", "customer_b"], "login"),
    "page attachments:partial": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "page attachments:upload": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "page attachments:download": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "page attachments:thumbnail": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "page attachments:delete": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "page service:request_list": (STAFF, ["customer_a", "customer_b"], "login"),
    "page service:hotline": (["agent", "service_head"], [], "login"),
    "page service:caller_lookup": (["agent", "service_head"], [], "login"),
    "page service:request_detail": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "page service:request_edit": (["agent", "service_head"], [], "login"),
    "page service:request_action": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "page service:workorder_list": (STAFF, ["customer_a", "customer_b"], "login"),
    "page service:workorder_create": (["service_head", "project_manager"], [], "login"),
    "page service:workorder_detail": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "page service:workorder_transition": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "page service:workorder_step": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "page service:my_work_today": (STAFF, ["customer_a", "customer_b"], "login"),
    "page service:board": (["service_head", "management"], [], "login"),
    "page service:approvals": (["tech_head", "project_manager", "management"], [], "login"),
    "page service:inspections": (["quality", "management"], [], "login"),
    "page service:dashboard": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        [],
        "login",
    ),
    "page service:dashboard_data": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        [],
        "login",
    ),
    "page service:workorder_report_pdf": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "page service:workorder_acceptance_pdf": ([], [], "login"),
    "page service:workorder_dossier_pdf": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "page archive:entry_list": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a", "customer_b"],
        "login",
    ),
    "page archive:entry_detail": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "page archive:entry_file": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "page archive:entry_dispose": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "page archive:disposal_list": (["service_head", "management"], [], "login"),
    "page archive:record_type_list": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a", "customer_b"],
        "login",
    ),
    "page archive:record_type_edit": (["management"], [], "login"),
    "page set_language": (STAFF, ["anonymous", "customer_a", "customer_b"], "ok"),
    "page api-docs": (STAFF, ["anonymous", "customer_a", "customer_b"], "ok"),
    "api GET /api/v1/attachments": (STAFF, ["customer_a", "customer_b"], "login"),
    "api POST /api/v1/attachments": ([], [], "login"),
    "api GET /api/v1/attachments/{attachment_id}/download": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "api DELETE /api/v1/attachments/{attachment_id}": (
        ["agent", "service_head", "tech_head", "project_manager", "management"],
        [],
        "login",
    ),
    "api GET /api/v1/accounts/users": (
        ["service_head", "tech_head", "project_manager", "quality", "management"],
        [],
        "login",
    ),
    "api GET /api/v1/accounts/users/{user_id}": (
        ["service_head", "tech_head", "project_manager", "quality", "management"],
        [],
        "login",
    ),
    "api GET /api/v1/accounts/me": (STAFF, ["customer_a", "customer_b"], "login"),
    "api GET /api/v1/accounts/departments": (STAFF, [], "login"),
    "api GET /api/v1/accounts/employees": (STAFF, [], "login"),
    "api GET /api/v1/accounts/employees/{employee_id}": (
        ["service_head", "tech_head", "project_manager", "quality", "management"],
        [],
        "login",
    ),
    "api GET /api/v1/accounts/tokens": (STAFF, ["customer_a", "customer_b"], "login"),
    "api POST /api/v1/accounts/tokens": (STAFF, ["customer_a", "customer_b"], "login"),
    "api DELETE /api/v1/accounts/tokens/{token_id}": ([], [], "login"),
    "api GET /api/v1/customers/customers": (STAFF, ["customer_a", "customer_b"], "login"),
    "api POST /api/v1/customers/customers": (["agent", "service_head", "management"], [], "login"),
    "api GET /api/v1/customers/customers/{pk}": (STAFF, ["customer_a"], "login"),
    "api PATCH /api/v1/customers/customers/{pk}": (
        ["agent", "service_head", "management"],
        [],
        "login",
    ),
    "api GET /api/v1/customers/customers/{pk}/contacts": (STAFF, ["customer_a"], "login"),
    "api POST /api/v1/customers/customers/{pk}/contacts": (
        ["agent", "service_head", "management"],
        [],
        "login",
    ),
    "api GET /api/v1/customers/projects": (STAFF, ["customer_a", "customer_b"], "login"),
    "api POST /api/v1/customers/projects": (
        ["service_head", "project_manager", "management"],
        ["customer_b"],
        "login",
    ),
    "api GET /api/v1/customers/projects/{pk}": (STAFF, ["customer_a"], "login"),
    "api PATCH /api/v1/customers/projects/{pk}": (
        ["service_head", "project_manager", "management"],
        [],
        "login",
    ),
    "api GET /api/v1/customers/contracts": (STAFF, ["customer_a", "customer_b"], "login"),
    "api POST /api/v1/customers/contracts": (
        ["service_head", "project_manager", "management"],
        ["customer_b"],
        "login",
    ),
    "api GET /api/v1/customers/contracts/{pk}": (STAFF, ["customer_a"], "login"),
    "api PATCH /api/v1/customers/contracts/{pk}": (STAFF, ["customer_a"], "login"),
    "api GET /api/v1/customers/contracts/{pk}/transitions": (STAFF, ["customer_a"], "login"),
    "api POST /api/v1/customers/contracts/{pk}/transitions/{name}": (
        STAFF,
        ["customer_a"],
        "login",
    ),
    "api GET /api/v1/materials/categories": (STAFF, [], "login"),
    "api POST /api/v1/materials/categories": (["tech_head", "procurement"], [], "login"),
    "api GET /api/v1/materials": (STAFF, [], "login"),
    "api POST /api/v1/materials": (["tech_head", "procurement"], [], "login"),
    "api GET /api/v1/materials/{material_id}": (STAFF, [], "login"),
    "api PATCH /api/v1/materials/{material_id}": (["tech_head", "procurement"], [], "login"),
    "api GET /api/v1/notifications": (STAFF, ["customer_a", "customer_b"], "login"),
    "api GET /api/v1/notifications/unread-count": (STAFF, ["customer_a", "customer_b"], "login"),
    "api POST /api/v1/notifications/read": (STAFF, ["customer_a", "customer_b"], "login"),
    "api GET /api/v1/service/requests": (STAFF, ["customer_a", "customer_b"], "login"),
    "api POST /api/v1/service/requests": (
        ["agent", "service_head", "management"],
        ["customer_a", "customer_b"],
        "login",
    ),
    "api GET /api/v1/service/requests/{pk}": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "api POST /api/v1/service/requests/{pk}/answer": (["agent", "service_head"], [], "login"),
    "api POST /api/v1/service/requests/{pk}/cancel": (["agent", "service_head"], [], "login"),
    "api POST /api/v1/service/requests/{pk}/convert": (["agent", "service_head"], [], "login"),
    "api GET /api/v1/service/work-orders": (STAFF, ["customer_a", "customer_b"], "login"),
    "api POST /api/v1/service/work-orders": (
        ["service_head", "project_manager", "management"],
        [],
        "login",
    ),
    "api GET /api/v1/service/work-orders/{pk}": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "api GET /api/v1/service/work-orders/{pk}/transitions": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "api POST /api/v1/service/work-orders/{pk}/transitions/{name}": (["service_head"], [], "login"),
    "api POST /api/v1/service/work-orders/{pk}/triage": (["service_head"], [], "login"),
    "api POST /api/v1/service/work-orders/{pk}/check-in": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "api POST /api/v1/service/work-orders/{pk}/assessment": ([], [], "login"),
    "api POST /api/v1/service/work-orders/{pk}/defects": ([], [], "login"),
    "api POST /api/v1/service/work-orders/{pk}/plan": ([], [], "login"),
    "api POST /api/v1/service/work-orders/{pk}/assign": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "api POST /api/v1/service/work-orders/{pk}/reassign": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "api POST /api/v1/service/work-orders/{pk}/acknowledge": ([], [], "login"),
    "api POST /api/v1/service/work-orders/{pk}/draws": ([], [], "login"),
    "api POST /api/v1/service/work-orders/{pk}/progress": ([], [], "login"),
    "api POST /api/v1/service/work-orders/{pk}/parts": ([], [], "login"),
    "api POST /api/v1/service/work-orders/{pk}/quality-checks": (["quality"], [], "login"),
    "api POST /api/v1/service/work-orders/{pk}/rectifications/{rid}/done": ([], [], "login"),
    "api POST /api/v1/service/work-orders/{pk}/rectifications/{rid}/verify": ([], [], "login"),
    "api POST /api/v1/service/work-orders/{pk}/completion": ([], [], "login"),
    "api POST /api/v1/service/work-orders/{pk}/acceptance": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "api POST /api/v1/service/work-orders/{pk}/record/fill": ([], [], "login"),
    "api POST /api/v1/service/work-orders/{pk}/record/sign": ([], [], "login"),
    "api GET /api/v1/service/board": (["service_head", "management"], [], "login"),
    "api GET /api/v1/service/my-work-today": (STAFF, ["customer_a", "customer_b"], "login"),
    "api GET /api/v1/service/dashboard": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        [],
        "login",
    ),
    "api GET /api/v1/archive/entries": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a", "customer_b"],
        "login",
    ),
    "api GET /api/v1/archive/entries/{entry_id}": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "api GET /api/v1/archive/entries/{entry_id}/dossier": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "api GET /api/v1/archive/disposal": (["service_head", "management"], [], "login"),
    "api POST /api/v1/archive/entries/{entry_id}/dispose": (["management"], [], "login"),
    "api GET /api/v1/archive/record-types": (
        ["agent", "service_head", "tech_head", "project_manager", "quality", "management"],
        ["customer_a", "customer_b"],
        "login",
    ),
    # --- rows added from the observed behaviour (dump_matrix DUMP_MISSING=1), reviewed 2026-11:
    # planning lists and the portfolio are scoped lists (a customer sees only their own
    # projects' plans); the portal is for customer users only; the website form is public;
    # the hotline webhook authenticates by its own secret (anonymous without it: 401).
    "api GET /api/v1/planning/at-risk": (STAFF, [], "login"),
    "api GET /api/v1/planning/forecasts": (STAFF, [], "login"),
    "api GET /api/v1/planning/items": (STAFF, ["customer_a", "customer_b"], "login"),
    "api GET /api/v1/planning/plans": (STAFF, ["customer_a", "customer_b"], "login"),
    "api GET /api/v1/planning/portfolio": (STAFF, ["customer_a", "customer_b"], "login"),
    "api GET /api/v1/portal/projects": ([], ["customer_a", "customer_b"], "login"),
    "api GET /api/v1/portal/requests": ([], ["customer_a", "customer_b"], "login"),
    "api GET /api/v1/portal/work-orders": ([], ["customer_a", "customer_b"], "login"),
    # Weather forecasts feed the DOM-2 gate of exterior work: the service head dispatches that
    # work, the technical head owns the weather limits and the safety of work at height, the
    # 24-hour desk (agents) takes the weather bureau's warnings at night, and management.
    # Technicians, service staff and the other departments read them (they may not enter
    # them); customers do not see them (planning tests: test_scope.test_who_enters_forecasts).
    "api POST /api/v1/planning/forecasts": (
        ["agent", "service_head", "tech_head", "management"],
        [],
        "login",
    ),
    "api POST /api/v1/portal/complaints": ([], ["customer_a", "customer_b"], "login"),
    "api PUT /api/v1/service/requests/{pk}": (["agent", "service_head"], [], "login"),
    "page intake:hotline_pops": (["agent", "service_head", "management"], [], "login"),
    "page intake:hotline_webhook": ([], [], "login"),
    "page intake:queue": (["agent", "service_head", "management"], [], "login"),
    "page intake:web_form": (STAFF, ["anonymous", "customer_a", "customer_b"], "ok"),
    "page notifications:preferences": (STAFF, ["customer_a", "customer_b"], "login"),
    "page planning:at_risk": (STAFF, [], "login"),
    "page planning:draft_start": (["service_head", "management"], [], "login"),
    "page planning:forecasts": (STAFF, [], "login"),
    "page planning:plan_list": (STAFF, ["customer_a", "customer_b"], "login"),
    "page planning:portfolio": (STAFF, ["customer_a", "customer_b"], "login"),
    "page planning:progress": (STAFF, [], "login"),
    "page planning:rule_list": (STAFF, [], "login"),
    "page portal:complaint_new": ([], ["customer_a", "customer_b"], "login"),
    "page portal:home": ([], ["customer_a", "customer_b"], "login"),
    "page portal:invite": (["agent", "service_head", "management"], [], "login"),
    "page portal:request_new": ([], ["customer_a", "customer_b"], "login"),
    # --- routes that take the id of a planning / intake / portal record (world: customer A's
    # project with its facade register, inspection, plan revisions 1 and 2, quarterly
    # review; a website submission, a hotline call, a portal invitation), reviewed 2026-11.
    # Planning: staff see every project (REG-1.3 departments work across projects), a
    # customer user only its own projects (customer_b: 404). Writing is by role: plan
    # editors (service head, management) draft, edit items, revise and review quarterly;
    # the register (elevations, pins, inspections) is kept by service head, technical head,
    # technicians and management; feedback on plan items by the service department
    # (REG-3.3.3); a failed checklist point raises a work order for the work-order creators.
    # Workflow steps answer 409 with the engine's reasons to every role that may see the
    # plan (the step's role is checked by the engine, tests in the planning app).
    "page planning:draft_run": (STAFF, [], "login"),
    "page planning:plan_detail": (STAFF, ["customer_a"], "login"),
    "page planning:plan_transition": (STAFF, ["customer_a"], "login"),
    "page planning:item_add": (["service_head", "management"], [], "login"),
    "page planning:plan_revise": (["service_head", "management"], [], "login"),
    "page planning:plan_diff": (STAFF, ["customer_a"], "login"),
    "page planning:review_create": (["service_head", "management"], [], "login"),
    "page planning:item_edit": (["service_head", "management"], [], "login"),
    "page planning:item_remove": (["service_head", "management"], [], "login"),
    "page planning:item_feedback": (
        ["service_head", "technician", "service_staff"],
        [],
        "login",
    ),
    "page planning:review_detail": (STAFF, ["customer_a"], "login"),
    "page planning:rule_edit": (["tech_head", "management"], [], "login"),
    "page planning:inspection_detail": (STAFF, ["customer_a"], "login"),
    "page planning:raise_work_order": (
        ["service_head", "project_manager", "management"],
        [],
        "login",
    ),
    "page planning:register": (STAFF, ["customer_a"], "login"),
    "page planning:inspection_create": (
        ["service_head", "technician", "tech_head", "management"],
        [],
        "login",
    ),
    "page planning:elevation_map": (STAFF, ["customer_a"], "login"),
    "page planning:defect_pin": (
        ["service_head", "technician", "tech_head", "management"],
        [],
        "login",
    ),
    "page planning:panel_detail": (STAFF, ["customer_a"], "login"),
    "page planning:defect_resolve": (
        ["service_head", "technician", "tech_head", "management"],
        [],
        "login",
    ),
    "api GET /api/v1/planning/plans/{pk}": (STAFF, ["customer_a"], "login"),
    "api GET /api/v1/planning/plans/{pk}/transitions": (STAFF, ["customer_a"], "login"),
    "api POST /api/v1/planning/plans/{pk}/steps": (STAFF, ["customer_a"], "login"),
    "api POST /api/v1/planning/plans/{pk}/revisions": (["service_head", "management"], [], "login"),
    "api POST /api/v1/planning/plans/{pk}/items": (["service_head", "management"], [], "login"),
    "api GET /api/v1/planning/items/{pk}": (STAFF, ["customer_a"], "login"),
    "api PUT /api/v1/planning/items/{pk}": (["service_head", "management"], [], "login"),
    "api POST /api/v1/planning/items/{pk}/feedback": (
        ["service_head", "technician", "service_staff"],
        [],
        "login",
    ),
    "api GET /api/v1/planning/elevations/{pk}/map": (STAFF, ["customer_a"], "login"),
    "api POST /api/v1/planning/elevations/{pk}/pins": (
        ["service_head", "technician", "tech_head", "management"],
        [],
        "login",
    ),
    # Intake: the tracking page is public — the unguessable token is the key (a wrong token
    # is 404, intake tests). The desk queue and the call notes are for the desk (agent,
    # service head, management); applying a suggestion edits the request, which management
    # may not (as "page service:request_edit").
    "page intake:track": (STAFF, ["anonymous", "customer_a", "customer_b"], "ok"),
    "page intake:apply_suggestion": (["agent", "service_head"], [], "login"),
    "page intake:hotline_notes": (["agent", "service_head", "management"], [], "login"),
    # Portal: customer users only, their own customer's records (staff 403, customer_b 404).
    # Accepting an invitation is public: the form opens for anyone with the link, the token
    # is checked on submit (portal tests).
    "page portal:project_detail": ([], ["customer_a"], "login"),
    "page portal:request_detail": ([], ["customer_a"], "login"),
    "page portal:work_order_detail": ([], ["customer_a"], "login"),
    "page portal:acceptance": ([], ["customer_a"], "login"),
    "page portal:rate": ([], ["customer_a"], "login"),
    "page portal:invitation_accept": (STAFF, ["anonymous", "customer_a", "customer_b"], "ok"),
    "api GET /api/v1/portal/work-orders/{wo_id}": ([], ["customer_a"], "login"),
    "api POST /api/v1/portal/work-orders/{wo_id}/rating": ([], ["customer_a"], "login"),
    # --- complaints (REG-4), reviewed 2026-12 against REG-1.3 and REG-4. World: customer A's
    # complaint in "handling" (world._complaints): its project's service head and manager
    # are other people than the role principals; the technician principal leads its team, the
    # service-staff principal is on no team. Seeing: agent, service head, technical head,
    # quality and management see every complaint; a project manager only its own projects'
    # (the principal: not this project, 404); technicians and service staff only the
    # complaints whose team they are on; customer A its own, customer B none (404).
    # Receiving (REG-4.1.1): agents, service heads, management, and a customer user for its
    # own project (customer B names customer A's project: 404). Forming the team and opening
    # a measure's work order: the project's service head only (another service head: 403),
    # or management (409 here: the team is formed before the plan). Arrival, findings, plan,
    # result and measures done: the team (technician) or the head (management) — 409/422 in
    # "handling" except the measure, which is done (200). Telling the customer (REG-4.3.2):
    # agents and the team/head. Workflow steps answer 409 with the engine's reasons to every
    # role that may see the complaint (each step's role and scope are checked by the engine,
    # tests in the complaints app). Severities and cause categories: reference data for staff.
    "api GET /api/v1/complaints/complaints": (STAFF, ["customer_a", "customer_b"], "login"),
    "api POST /api/v1/complaints/complaints": (
        ["agent", "service_head", "management"],
        ["customer_a"],
        "login",
    ),
    "api GET /api/v1/complaints/complaints/{id}": (
        ["agent", "service_head", "technician", "tech_head", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "api POST /api/v1/complaints/complaints/{id}/team": (["management"], [], "login"),
    "api POST /api/v1/complaints/complaints/{id}/arrival": (
        ["technician", "management"],
        [],
        "login",
    ),
    "api PUT /api/v1/complaints/complaints/{id}/findings": (
        ["technician", "management"],
        [],
        "login",
    ),
    "api PUT /api/v1/complaints/complaints/{id}/plan": (["technician", "management"], [], "login"),
    "api POST /api/v1/complaints/complaints/{id}/measures/{measure_id}/done": (
        ["technician", "management"],
        [],
        "login",
    ),
    "api POST /api/v1/complaints/complaints/{id}/measures/{measure_id}/work-order": (
        ["management"],
        [],
        "login",
    ),
    "api POST /api/v1/complaints/complaints/{id}/updates": (
        ["agent", "technician", "management"],
        [],
        "login",
    ),
    "api PUT /api/v1/complaints/complaints/{id}/result": (
        ["technician", "management"],
        [],
        "login",
    ),
    "api GET /api/v1/complaints/complaints/{id}/transitions": (
        ["agent", "service_head", "technician", "tech_head", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "api POST /api/v1/complaints/complaints/{id}/transitions/{name}": (
        ["agent", "service_head", "technician", "tech_head", "quality", "management"],
        ["customer_a"],
        "login",
    ),
    "api GET /api/v1/complaints/severities": (STAFF, [], "login"),
    "api GET /api/v1/complaints/cause-categories": (STAFF, [], "login"),
    # The complaints pages (reviewed 2026-12, same world and rules as the API rows above):
    # the list is open to every staff role that works on complaints (scoped rows), not to
    # procurement or customers (their complaints are in the portal); the record form to
    # the receivers; the detail to those who may see this complaint; each action to whom
    # its service allows (checked before the form is read: 403), the engine's buttons to
    # everyone who sees the complaint (a refused step comes back with its reasons).
    "page complaints:list": (
        [
            "agent",
            "service_head",
            "technician",
            "tech_head",
            "project_manager",
            "service_staff",
            "quality",
            "management",
        ],
        [],
        "login",
    ),
    "page complaints:create": (["agent", "service_head", "management"], [], "login"),
    "page complaints:detail": (
        ["agent", "service_head", "technician", "tech_head", "quality", "management"],
        [],
        "login",
    ),
    "page complaints:transition": (
        ["agent", "service_head", "technician", "tech_head", "quality", "management"],
        [],
        "login",
    ),
    "page complaints:team": (["management"], [], "login"),
    "page complaints:arrival": (["technician", "management"], [], "login"),
    "page complaints:findings": (["technician", "management"], [], "login"),
    "page complaints:plan": (["technician", "management"], [], "login"),
    "page complaints:measure_done": (["technician", "management"], [], "login"),
    "page complaints:measure_work_order": (["management"], [], "login"),
    "page complaints:update": (["agent", "technician", "management"], [], "login"),
    "page complaints:result": (["technician", "management"], [], "login"),
    # REG-4.3.2/4.3.3 in the portal: customer A follows its own complaint and gives its
    # verdict; customer B gets 404; staff are refused the portal.
    "page portal:complaint_detail": ([], ["customer_a"], "login"),
    "page portal:complaint_verdict": ([], ["customer_a"], "login"),
}

# Routes whose answer is the same for every principal (the role columns do not apply):
# logging out always ends at the login page; the hotline webhook answers 401 to anyone
# without the provider's shared secret (tested with the secret in the intake app).
SAME_FOR_ALL: dict[str, str] = {
    "page accounts:logout": "login",
    "page intake:hotline_webhook": "login",
}
