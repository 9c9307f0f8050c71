"""Demo people: departments, one login per role, field staff with skills and certificates.

DEMO_LOGINS is shown on the login page under `make run` and printed by `manage.py
loaddemo`. Everything is created through the audited services and is deterministic (the
certificate dates are relative to the day of loading, so one is always about to expire and
one has just expired).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import Group
from django.utils import timezone

from facadeops.audit.services import record, snapshot
from facadeops.core.demo import DemoPiece
from facadeops.core.generator import CompanyGenerator
from facadeops.core.roles import Role

from . import services
from .models import CertificateType, Skill, User

DEMO_PASSWORD = "facade-demo-2026"  # noqa: S105 - demo data only, shown on the login page

# role → (username, full name, department code, position, employee number, hire date)
_ROLE_PEOPLE: list[tuple[Role, str, str, str, str, str, dt.date]] = [
    (Role.AGENT, "agent", "刘晓燕", "service", "客服专员", "E1001", dt.date(2021, 3, 1)),
    (
        Role.SERVICE_HEAD,
        "servicehead",
        "王建国",
        "service",
        "服务部经理",
        "E1002",
        dt.date(2016, 5, 9),
    ),
    (Role.TECHNICIAN, "technician", "张伟", "tech", "幕墙技术员", "E2001", dt.date(2018, 7, 2)),
    (Role.TECH_HEAD, "techhead", "陈志强", "tech", "技术部经理", "E2002", dt.date(2015, 9, 1)),
    (Role.PROJECT_MANAGER, "pm", "李明", "service", "项目经理", "E1003", dt.date(2017, 4, 17)),
    (Role.SERVICE_STAFF, "staff", "赵磊", "service", "幕墙维修工", "E1101", dt.date(2019, 3, 11)),
    (Role.QUALITY, "quality", "孙丽", "quality", "质检员", "E3001", dt.date(2020, 6, 1)),
    (
        Role.PROCUREMENT,
        "procurement",
        "周静",
        "procurement",
        "采购专员",
        "E4001",
        dt.date(2020, 2, 24),
    ),
    (Role.MANAGEMENT, "manager", "吴海峰", "management", "总经理", "E5001", dt.date(2012, 1, 3)),
]

# Further field staff: (role, username, name, department, position, number, hire date)
_MORE_STAFF: list[tuple[Role, str, str, str, str, str, dt.date]] = [
    (Role.TECHNICIAN, "tech2", "黄志明", "tech", "幕墙技术员", "E2003", dt.date(2020, 8, 3)),
    (Role.TECHNICIAN, "tech3", "杨帆", "tech", "检测工程师", "E2004", dt.date(2022, 3, 14)),
    (Role.SERVICE_STAFF, "staff2", "马强", "service", "幕墙维修工", "E1102", dt.date(2019, 10, 8)),
    (Role.SERVICE_STAFF, "staff3", "郑浩", "service", "吊篮操作工", "E1103", dt.date(2021, 5, 6)),
    (Role.SERVICE_STAFF, "staff4", "何军", "service", "打胶工", "E1104", dt.date(2022, 4, 18)),
    (Role.SERVICE_STAFF, "staff5", "林涛", "service", "电焊工", "E1105", dt.date(2023, 2, 20)),
]

DEPARTMENTS = [
    ("service", "服务部门"),
    ("tech", "技术部门"),
    ("quality", "质量部门"),
    ("procurement", "采购部门"),
    ("management", "公司管理层"),
]

SKILLS: dict[str, list[str]] = {
    "technician": ["检测鉴定", "玻璃更换", "打胶/密封"],
    "tech2": ["检测鉴定", "石材维修", "铝板维修"],
    "tech3": ["检测鉴定"],
    "staff": ["玻璃更换", "打胶/密封", "吊篮作业"],
    "staff2": ["玻璃更换", "绳索作业", "五金维修"],
    "staff3": ["吊篮作业", "绳索作业"],
    "staff4": ["打胶/密封", "五金维修"],
    "staff5": ["铝板维修", "五金维修"],
}

# username → [(certificate type code, number, issuer, valid from offset, valid to offset)]
# offsets are days from the day of loading: staff2's work-at-height certificate expires
# in 20 days, staff3's expired 15 days ago, staff3 therefore has no valid one, staff5 has
# none at all.
CERTIFICATES: dict[str, list[tuple[str, str, str, int, int]]] = {
    "technician": [("work_at_height", "T310101198801012011", "上海市应急管理局", -700, 1490)],
    "tech2": [("work_at_height", "T310101199003152213", "上海市应急管理局", -400, 1790)],
    "tech3": [
        ("safety_officer", "沪建安C(2023)0012345", "上海市住房和城乡建设管理委员会", -300, 795)
    ],
    "staff": [
        ("work_at_height", "T310101199105064413", "上海市应急管理局", -730, 1460),
        ("gondola", "沪吊篮(2024)0356", "上海市建筑施工行业协会", -200, 895),
    ],
    "staff2": [("work_at_height", "T320102198907082215", "江苏省应急管理厅", -2170, 20)],
    "staff3": [
        ("work_at_height", "T340104199211123318", "安徽省应急管理厅", -2205, -15),
        ("electrician", "T340104199211123318E", "安徽省应急管理厅", -500, 1695),
    ],
    "staff4": [
        ("work_at_height", "T310107199304154412", "上海市应急管理局", -100, 2090),
        ("electrician", "T310107199304154412E", "上海市应急管理局", -100, 2090),
    ],
    "staff5": [("welder", "T310110198612206617", "上海市应急管理局", -900, 1290)],
    "quality": [
        ("safety_officer", "沪建安C(2022)0098765", "上海市住房和城乡建设管理委员会", -600, 495)
    ],
}

DEMO_LOGINS: list[dict[str, Any]] = [
    {"role": role.value, "role_label": role.label, "username": username, "password": DEMO_PASSWORD}
    for role, username, *_rest in _ROLE_PEOPLE
] + [
    {
        "role": Role.CUSTOMER.value,
        "role_label": Role.CUSTOMER.label,
        "username": "customer",
        "password": DEMO_PASSWORD,
    }
]


def already_loaded() -> bool:
    return User.objects.filter(username="admin").exists()


def summary() -> list[str]:
    """What loaddemo prints after loading: one demo login per role."""
    return ["Demo logins (one per role):"] + [
        f"  {login['role_label']!s:<24} {login['username']:<12} {login['password']}"
        for login in DEMO_LOGINS
    ]


def load(ctx: dict[str, Any]) -> None:
    """Create the demo people (inside loaddemo's transaction)."""
    admin = User.objects.create_superuser(
        username="admin",
        email="admin@demo.facadeops.cn",
        password=DEMO_PASSWORD,
        full_name="系统管理员",
    )
    record(actor=admin, verb="created", target=admin, after=snapshot(admin))

    departments = {
        code: services.department_create(actor=admin, data={"code": code, "name": name})
        for code, name in DEPARTMENTS
    }
    skills = {s.name: s for s in Skill.objects.all()}
    types = {t.code: t for t in CertificateType.objects.all()}
    today = timezone.localdate()

    users: dict[str, Any] = {}
    staff: list[Any] = []
    technicians: list[Any] = []
    employees: dict[str, Any] = {}
    for role, username, name, dept, position, number, hired in _ROLE_PEOPLE + _MORE_STAFF:
        employee = services.employee_create(
            actor=admin,
            username=username,
            full_name=name,
            employee_no=number,
            email=f"{username}@demo.facadeops.cn",
            phone=f"139{int(number[1:]):08d}",
            password=DEMO_PASSWORD,
            department=departments[dept],
            roles=[role],
            position=position,
            skills=[skills[s] for s in SKILLS.get(username, [])],
            hire_date=hired,
        )
        services.employee_transition(actor=admin, employee=employee, name="activate")
        employees[username] = employee
        users.setdefault(str(role), employee.user)
        if role == Role.SERVICE_STAFF:
            staff.append(employee.user)
        elif role == Role.TECHNICIAN:
            technicians.append(employee.user)

    for username, certs in CERTIFICATES.items():
        for code, cert_no, issuer, start, end in certs:
            services.certificate_add(
                actor=admin,
                employee=employees[username],
                data={
                    "type": types[code],
                    "number": cert_no,
                    "issued_by": issuer,
                    "valid_from": today + dt.timedelta(days=start),
                    "valid_to": today + dt.timedelta(days=end),
                },
            )

    heads = {
        "service": "servicehead",
        "tech": "techhead",
        "quality": "quality",
        "procurement": "procurement",
        "management": "manager",
    }
    for code, username in heads.items():
        services.department_update(
            actor=admin, department=departments[code], data={"head": employees[username].user}
        )

    ctx["admin"] = admin
    ctx["users"] = users
    ctx["staff"] = staff
    ctx["technicians"] = technicians
    ctx["departments"] = departments
    ctx["employees"] = employees


# --- generate_company ----------------------------------------------------------------------------
STAFF = {  # role: (per 100 projects, minimum)
    Role.AGENT: (1, 3),
    Role.SERVICE_HEAD: (0.5, 2),
    Role.TECHNICIAN: (3, 5),
    Role.TECH_HEAD: (0.3, 1),
    Role.PROJECT_MANAGER: (2, 3),
    Role.SERVICE_STAFF: (8, 8),
    Role.QUALITY: (0.5, 2),
    Role.PROCUREMENT: (0.2, 1),
    Role.MANAGEMENT: (0.1, 1),
}


def generated() -> bool:
    """A generated company is here: its staff (``gen-<role>-<n>``) exists."""
    return User.objects.filter(username__startswith="gen-").exists()


def generate(gen: CompanyGenerator) -> None:
    """Staff in every role (in proportion to the projects); ``gen.staff`` = role → ids."""
    rows: list[dict[str, Any]] = []
    gen.staff = {}
    role_of: list[tuple[int, str]] = []
    for role, (per100, minimum) in STAFF.items():
        n = max(minimum, int(gen.n_projects * per100 / 100))
        ids = list(gen.w.ids(User, n))
        gen.staff[role] = ids
        for i, pk in enumerate(ids):
            rows.append(
                {
                    "id": pk,
                    "username": f"gen-{role}-{i:05d}",
                    "password": "!generated",
                    "full_name": f"{role} {i}",
                    "is_active": True,
                    "date_joined": gen.now,
                    "preferred_language": "zh-hans",
                }
            )
            role_of.append((pk, role))
    gen.counts["users"] = gen.w.write(User, rows)
    groups = {g.name: g.pk for g in Group.objects.filter(name__in=list(STAFF))}
    through = User.groups.through
    gen.w.write(
        through,
        (
            {"id": pk, "user_id": uid, "group_id": groups[role]}
            for pk, (uid, role) in zip(gen.w.ids(through, len(role_of)), role_of, strict=True)
            if role in groups
        ),
    )


PIECE = DemoPiece(
    app="accounts",
    load=load,
    loaded=already_loaded,
    summary=summary,
    generate=generate,
    generated=generated,
)
