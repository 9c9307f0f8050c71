"""Demo customers, contacts, projects and service contracts (deterministic).

Ten property/management companies in ten cities, three projects each, one service contract
each (most active with the DOM-4 service levels, one draft, one expired), all created
through the audited services and the workflow engine. Also the demo customer login
``customer`` bound to the first customer.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.utils import timezone

from facadeops.accounts.demo import DEMO_PASSWORD
from facadeops.accounts.models import User
from facadeops.audit.services import record, snapshot
from facadeops.core.demo import DemoPiece
from facadeops.core.generator import GEN_MARK, CompanyGenerator
from facadeops.core.roles import Role

from . import services
from .models import Customer, FacadeSystem, GlassType, Project

# (name, short name, city, province, address, phone, e-mail domain, contacts)
CUSTOMERS: list[tuple[str, str, str, str, str, str, str, list[tuple[str, str, str]]]] = [
    (
        "上海陆家嘴物业管理有限公司",
        "陆家嘴物业",
        "上海",
        "上海市",
        "浦东新区陆家嘴环路1000号",
        "021-58880001",
        "ljz-pm.cn",
        [("周建华", "工程部经理", "13801610001"), ("沈丽", "物业主管", "13801610002")],
    ),
    (
        "深圳华润置地物业服务有限公司",
        "华润物业",
        "深圳",
        "广东省",
        "南山区深南大道9668号",
        "0755-86660002",
        "crland-pm.cn",
        [("陈国强", "设备总监", "13902650001"), ("黄敏", "客服经理", "13902650002")],
    ),
    (
        "广州珠江城物业管理有限公司",
        "珠江城物业",
        "广州",
        "广东省",
        "天河区珠江新城珠江东路15号",
        "020-38880003",
        "zjc-pm.cn",
        [("梁志伟", "工程经理", "13702080001"), ("何晓琳", "行政主管", "13702080002")],
    ),
    (
        "杭州滨江绿城物业服务有限公司",
        "绿城物业",
        "杭州",
        "浙江省",
        "滨江区江南大道3588号",
        "0571-87770004",
        "lvcheng-pm.cn",
        [("王海涛", "工程部主管", "13605710001"), ("徐静", "项目经理", "13605710002")],
    ),
    (
        "南京金鹰国际物业管理有限公司",
        "金鹰物业",
        "南京",
        "江苏省",
        "鼓楼区汉中路89号",
        "025-84440005",
        "goldeneagle-pm.cn",
        [("刘斌", "工程总监", "13505250001"), ("吴婷", "客服主管", "13505250002")],
    ),
    (
        "成都环球中心物业服务有限公司",
        "环球中心物业",
        "成都",
        "四川省",
        "高新区天府大道北段1700号",
        "028-85550006",
        "globalcenter-pm.cn",
        [("杨勇", "工程部经理", "13808280001"), ("罗娟", "物业经理", "13808280002")],
    ),
    (
        "武汉天地物业管理有限公司",
        "武汉天地物业",
        "武汉",
        "湖北省",
        "江岸区中山大道1628号",
        "027-82220007",
        "whtiandi-pm.cn",
        [("张军", "设备经理", "13907270001"), ("李娜", "客服经理", "13907270002")],
    ),
    (
        "厦门世茂物业服务有限公司",
        "世茂物业",
        "厦门",
        "福建省",
        "思明区演武西路188号",
        "0592-2220008",
        "shimao-xm-pm.cn",
        [("林志鹏", "工程部经理", "13605920001"), ("陈雅", "物业主管", "13605920002")],
    ),
    (
        "北京国贸物业酒店管理有限公司",
        "国贸物业",
        "北京",
        "北京市",
        "朝阳区建国门外大街1号",
        "010-65050009",
        "cwtc-pm.cn",
        [("赵永刚", "工程总监", "13901010001"), ("孙悦", "客服经理", "13901010002")],
    ),
    (
        "苏州金鸡湖物业管理有限公司",
        "金鸡湖物业",
        "苏州",
        "江苏省",
        "工业园区苏州大道东265号",
        "0512-62880010",
        "jjh-pm.cn",
        [("钱伟", "工程部主管", "13806120001"), ("顾红", "物业经理", "13806120002")],
    ),
]

# per customer: (project name, district, street address, height m, floors above, floors
# below, facade area m², facade system codes, glass type codes, completion date, use)
PROJECTS: list[list[tuple[str, str, str, str, int, int, str, list[str], list[str], str, str]]] = [
    [
        (
            "陆家嘴金融中心A座",
            "浦东新区",
            "世纪大道100号",
            "238.5",
            52,
            4,
            "68000",
            ["unitised-glass", "aluminium-panel"],
            ["insulating", "low-e", "tempered"],
            "2012-06-28",
            "office",
        ),
        (
            "浦江滨江商务大厦",
            "浦东新区",
            "滨江大道2888号",
            "156.0",
            36,
            3,
            "42000",
            ["stick-glass", "stone"],
            ["insulating", "tempered"],
            "2016-09-15",
            "office",
        ),
        (
            "世纪汇广场",
            "浦东新区",
            "世纪大道1192号",
            "98.0",
            22,
            3,
            "31000",
            ["point-supported-glass", "aluminium-panel"],
            ["laminated", "tempered"],
            "2019-11-20",
            "commercial",
        ),
    ],
    [
        (
            "华润大厦二期",
            "南山区",
            "科苑南路2700号",
            "300.0",
            66,
            5,
            "96000",
            ["unitised-glass"],
            ["insulating", "low-e"],
            "2018-12-26",
            "office",
        ),
        (
            "万象城商业中心",
            "罗湖区",
            "宝安南路1881号",
            "62.0",
            8,
            3,
            "24000",
            ["point-supported-glass", "ceramic-terracotta"],
            ["laminated", "tempered"],
            "2010-10-30",
            "commercial",
        ),
        (
            "华润城润府住宅",
            "南山区",
            "沙河西路3011号",
            "180.0",
            55,
            2,
            "38000",
            ["semi-hidden-frame-glass", "aluminium-panel"],
            ["insulating", "tempered"],
            "2021-06-18",
            "residential",
        ),
    ],
    [
        (
            "珠江城大厦",
            "天河区",
            "珠江东路15号",
            "309.0",
            71,
            5,
            "112000",
            ["unitised-glass", "cable-rod-supported"],
            ["insulating", "low-e", "laminated"],
            "2013-03-28",
            "office",
        ),
        (
            "花城汇商业广场",
            "天河区",
            "花城大道85号",
            "45.0",
            6,
            3,
            "15000",
            ["stick-glass", "stone"],
            ["tempered", "laminated"],
            "2011-08-12",
            "commercial",
        ),
        (
            "广州国际金融城酒店",
            "黄埔区",
            "科韵路18号",
            "128.0",
            30,
            3,
            "29000",
            ["hidden-frame-glass", "stone"],
            ["insulating", "heat-strengthened"],
            "2022-05-30",
            "hotel",
        ),
    ],
    [
        (
            "绿城滨江中心",
            "滨江区",
            "江南大道3588号",
            "160.0",
            38,
            3,
            "45000",
            ["unitised-glass", "aluminium-panel"],
            ["insulating", "low-e"],
            "2017-07-07",
            "office",
        ),
        (
            "钱江世纪城展览馆",
            "萧山区",
            "奔竞大道353号",
            "40.0",
            4,
            1,
            "22000",
            ["cable-rod-supported", "point-supported-glass"],
            ["laminated", "tempered"],
            "2015-04-22",
            "public",
        ),
        (
            "西溪湿地酒店",
            "西湖区",
            "天目山路518号",
            "52.0",
            12,
            2,
            "9800",
            ["stone", "semi-hidden-frame-glass"],
            ["insulating", "tempered"],
            "2009-09-09",
            "hotel",
        ),
    ],
    [
        (
            "金鹰国际中心",
            "鼓楼区",
            "汉中路89号",
            "228.0",
            58,
            4,
            "61000",
            ["unitised-glass", "aluminium-panel"],
            ["insulating", "low-e", "tempered"],
            "2014-12-18",
            "office",
        ),
        (
            "新街口百货大楼",
            "秦淮区",
            "中山南路1号",
            "88.0",
            18,
            3,
            "26000",
            ["stick-glass", "stone"],
            ["insulating", "tempered"],
            "2008-11-28",
            "commercial",
        ),
        (
            "河西金融城T3",
            "建邺区",
            "江东中路369号",
            "196.0",
            45,
            4,
            "52000",
            ["unitised-glass"],
            ["insulating", "low-e"],
            "2020-10-16",
            "office",
        ),
    ],
    [
        (
            "环球中心",
            "高新区",
            "天府大道北段1700号",
            "100.0",
            18,
            3,
            "120000",
            ["stick-glass", "aluminium-panel", "point-supported-glass"],
            ["insulating", "laminated", "tempered"],
            "2013-07-01",
            "commercial",
        ),
        (
            "天府国际金融中心5号楼",
            "高新区",
            "天府大道中段666号",
            "150.0",
            36,
            3,
            "39000",
            ["unitised-glass", "stone"],
            ["insulating", "low-e"],
            "2016-03-25",
            "office",
        ),
        (
            "成都博物馆新馆",
            "青羊区",
            "小河街1号",
            "48.0",
            7,
            3,
            "18000",
            ["ceramic-terracotta", "point-supported-glass"],
            ["laminated", "heat-strengthened"],
            "2015-12-19",
            "public",
        ),
    ],
    [
        (
            "武汉天地A1写字楼",
            "江岸区",
            "中山大道1628号",
            "168.0",
            40,
            3,
            "44000",
            ["unitised-glass", "aluminium-panel"],
            ["insulating", "low-e"],
            "2015-05-20",
            "office",
        ),
        (
            "光谷国际广场",
            "洪山区",
            "珞喻路889号",
            "120.0",
            28,
            3,
            "33000",
            ["hidden-frame-glass", "aluminium-panel"],
            ["insulating", "tempered"],
            "2011-11-11",
            "office",
        ),
        (
            "汉口江滩酒店",
            "江岸区",
            "沿江大道160号",
            "110.0",
            27,
            2,
            "21000",
            ["semi-hidden-frame-glass", "stone"],
            ["insulating", "heat-strengthened"],
            "2019-08-08",
            "hotel",
        ),
    ],
    [
        (
            "世茂海峡大厦",
            "思明区",
            "演武西路188号",
            "300.0",
            67,
            4,
            "88000",
            ["unitised-glass", "aluminium-panel"],
            ["insulating", "low-e", "laminated"],
            "2016-10-28",
            "office",
        ),
        (
            "厦门国际会展中心B区",
            "思明区",
            "会展路198号",
            "42.0",
            4,
            1,
            "36000",
            ["cable-rod-supported", "aluminium-panel"],
            ["laminated", "tempered"],
            "2010-09-06",
            "public",
        ),
        (
            "鼓浪屿度假酒店",
            "思明区",
            "漳州路26号",
            "58.0",
            14,
            1,
            "7800",
            ["stone", "stick-glass"],
            ["insulating", "tempered"],
            "2024-01-18",
            "hotel",
        ),
    ],
    [
        (
            "国贸三期B座",
            "朝阳区",
            "建国门外大街1号",
            "295.6",
            63,
            5,
            "86000",
            ["unitised-glass", "stone"],
            ["insulating", "low-e", "laminated"],
            "2017-09-30",
            "office",
        ),
        (
            "国贸商城北区",
            "朝阳区",
            "建国门外大街1号",
            "70.0",
            12,
            4,
            "28000",
            ["point-supported-glass", "stone"],
            ["laminated", "tempered"],
            "2012-12-20",
            "commercial",
        ),
        (
            "国贸公寓",
            "朝阳区",
            "光华路3号",
            "96.0",
            30,
            3,
            "16000",
            ["semi-hidden-frame-glass", "aluminium-panel"],
            ["insulating", "tempered"],
            "2008-08-01",
            "residential",
        ),
    ],
    [
        (
            "苏州中心广场",
            "工业园区",
            "苏州大道东265号",
            "215.0",
            52,
            4,
            "75000",
            ["unitised-glass", "aluminium-panel"],
            ["insulating", "low-e"],
            "2017-11-30",
            "office",
        ),
        (
            "金鸡湖大酒店",
            "工业园区",
            "国宾路168号",
            "60.0",
            15,
            2,
            "12000",
            ["stone", "hidden-frame-glass"],
            ["insulating", "tempered"],
            "2009-05-18",
            "hotel",
        ),
        (
            "东方之门",
            "工业园区",
            "星港街199号",
            "281.1",
            66,
            5,
            "102000",
            ["unitised-glass", "cable-rod-supported"],
            ["insulating", "low-e", "laminated"],
            "2016-05-26",
            "office",
        ),
    ],
]

SCHEDULED = (
    "每年外立面清洗1次；每半年全面安全检查1次；每季度开启扇及五金件检查；结构胶、密封胶年度抽检。"
)


def load(ctx: dict[str, Any]) -> None:
    """Create the demo customers (inside loaddemo's transaction, after accounts)."""
    users = ctx.get("users", {})
    actor = users.get(Role.MANAGEMENT) or ctx.get("admin")
    pm = users.get(Role.PROJECT_MANAGER)
    service_head = users.get(Role.SERVICE_HEAD)
    systems = {f.code: f for f in FacadeSystem.objects.all()}
    glass = {g.code: g for g in GlassType.objects.all()}

    customers = []
    projects = []
    contracts = []
    for i, (name, short, city, province, address, phone, domain, contacts) in enumerate(CUSTOMERS):
        customer = services.customer_create(
            actor=actor,
            data={
                "name": name,
                "short_name": short,
                "city": city,
                "address": f"{province}{city}市{address}" if province != city + "市" else address,
                "phone": phone,
                "email": f"service@{domain}",
            },
        )
        customers.append(customer)
        for j, (cname, title, mobile) in enumerate(contacts):
            services.contact_create(
                actor=actor,
                customer=customer,
                data={
                    "name": cname,
                    "title": title,
                    "phone": mobile,
                    "email": f"contact{j + 1}@{domain}",
                    "is_primary": j == 0,
                },
            )
        own = []
        for (
            pname,
            district,
            street,
            height,
            above,
            below,
            area,
            fs,
            gt,
            completed,
            use,
        ) in PROJECTS[i]:
            completion = dt.date.fromisoformat(completed)
            project = services.project_create(
                actor=actor,
                data={
                    "customer": customer,
                    "name": pname,
                    "province": province,
                    "city": city,
                    "district": district,
                    "address": street,
                    "building_height_m": Decimal(height),
                    "floors_above": above,
                    "floors_below": below,
                    "facade_area_m2": Decimal(area),
                    "completion_date": completion,
                    "warranty_end": completion.replace(year=completion.year + 2),
                    "design_service_life_years": 25,
                    "project_manager": pm,
                    "service_head": service_head,
                    "use_type": use,
                },
                facade_systems=[systems[c] for c in fs],
                glass_types=[glass[c] for c in gt],
            )
            own.append(project)
        projects.extend(own)

        # Contract: #0..7 active (this year and next), #8 draft, #9 expired last year.
        year = timezone.localdate().year
        if i == 9:
            start, end = dt.date(year - 2, 1, 1), dt.date(year - 1, 12, 31)
        else:
            start, end = dt.date(year, 1, 1), dt.date(year + 1, 12, 31)
        contract = services.contract_create(
            actor=actor,
            customer=customer,
            data={
                "title": f"{short}幕墙维保合同（{start.year}–{end.year}）",
                "start_date": start,
                "end_date": end,
                "scheduled_services": SCHEDULED,
                "annual_fee": Decimal(120000 + 15000 * i),
            },
            projects=own,
        )
        if i != 8:
            services.contract_transition(actor=actor, contract=contract, name="activate")
        if i == 9:
            services.contract_transition(actor=actor, contract=contract, name="expire")
        contracts.append(contract)

    first = customers[0]
    customer_user = User.objects.create_user(
        username="customer",
        password=DEMO_PASSWORD,
        full_name=CUSTOMERS[0][7][0][0],
        email=f"customer@{CUSTOMERS[0][6]}",
        customer=first,
    )
    customer_user.groups.add(Group.objects.get_or_create(name=Role.CUSTOMER)[0])
    record(actor=actor, verb="created", target=customer_user, after=snapshot(customer_user))

    ctx["customers"] = customers
    ctx["projects"] = projects
    ctx["contracts"] = contracts
    ctx["customer_user"] = customer_user
    users.setdefault(str(Role.CUSTOMER), customer_user)


# --- generate_company ----------------------------------------------------------------------------
CITIES = [
    ("上海市", "上海"),
    ("北京市", "北京"),
    ("广东省", "深圳"),
    ("广东省", "广州"),
    ("浙江省", "杭州"),
    ("江苏省", "南京"),
    ("江苏省", "苏州"),
    ("四川省", "成都"),
    ("湖北省", "武汉"),
    ("天津市", "天津"),
]


def generate(gen: CompanyGenerator) -> None:
    """Customers and projects (one customer per eight projects), after accounts' staff;
    ``gen.projects`` = (id, customer, project manager, service head)."""
    n_cust = max(1, gen.n_projects // 8)
    cust_ids = list(gen.w.ids(Customer, n_cust))
    gen.counts["customers"] = gen.w.write(
        Customer,
        (
            {
                "id": pk,
                "code": f"KH-{GEN_MARK}-{i:06d}",
                "name": f"生成客户{i:06d}置业有限公司",
                "short_name": f"客户{i}",
                "city": CITIES[i % len(CITIES)][1],
                "phone": f"021-{50000000 + i}",
                "created_at": gen.now,
                "updated_at": gen.now,
            }
            for i, pk in enumerate(cust_ids)
        ),
    )
    rng = gen.rng
    gen.projects = []  # id, customer, pm, head
    rows = []
    for i, pk in enumerate(gen.w.ids(Project, gen.n_projects)):
        cust = cust_ids[i % n_cust]
        pm = rng.choice(gen.staff[Role.PROJECT_MANAGER])
        head = rng.choice(gen.staff[Role.SERVICE_HEAD])
        province, city = CITIES[i % len(CITIES)]
        done = dt.date(2000 + i % 25, 1 + i % 12, 1 + i % 28)
        floors = 5 + rng.randrange(60)
        gen.projects.append((pk, cust, pm, head))
        rows.append(
            {
                "id": pk,
                "code": f"XM-{GEN_MARK}-{i:06d}",
                "customer_id": cust,
                "name": f"{city}生成项目{i:06d}",
                "province": province,
                "city": city,
                "building_height_m": Decimal(floors * 4),
                "floors_above": floors,
                "facade_area_m2": Decimal(1000 + rng.randrange(80000)),
                "completion_date": done,
                "warranty_end": done.replace(year=done.year + 2),
                "project_manager_id": pm,
                "service_head_id": head,
                "created_at": gen.now,
                "updated_at": gen.now,
            }
        )
    gen.counts["projects"] = gen.w.write(Project, rows)


PIECE = DemoPiece(app="customers", after=("accounts",), load=load, generate=generate)
