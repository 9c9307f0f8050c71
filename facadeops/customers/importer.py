"""X-1.4 import of the company's project ledger (项目台账) from Excel.

One .xlsx workbook with up to three sheets — 客户 (customers), 联系人 (contacts) and
项目 (projects) — each with a header row of the Chinese column names below (order free,
extra columns ignored). Every row is validated; the report lists each error with sheet,
row, column and message. All or nothing: any error and nothing is written. A re-import
updates the records it matches (customer by name, contact by customer + name, project by
project number or by customer + project name) instead of creating duplicates. Every
created or changed record is audited with the verb ``imported``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from facadeops.audit.services import record, snapshot
from facadeops.core.errors import FacadeOpsError, Forbidden, InvalidInput
from facadeops.core.numbering import next_number
from facadeops.core.roles import Role, has_role
from facadeops.core.services import update_record

from .models import Contact, Customer, FacadeSystem, GlassType, Project, UseType
from .permissions import can_import

IMPORT_MAX_BYTES = 10 * 1024 * 1024
IMPORT_MAX_ROWS = 5000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

CUSTOMER_SHEET = "客户"
CONTACT_SHEET = "联系人"
PROJECT_SHEET = "项目"

# sheet → [(model field, column header, kind, required)]
COLUMNS: dict[str, list[tuple[str, str, str, bool]]] = {
    CUSTOMER_SHEET: [
        ("name", "客户名称", "text", True),
        ("short_name", "简称", "text", False),
        ("city", "城市", "text", False),
        ("address", "地址", "text", False),
        ("phone", "电话", "text", False),
        ("email", "邮箱", "text", False),
        ("notes", "备注", "text", False),
    ],
    CONTACT_SHEET: [
        ("customer", "客户名称", "text", True),
        ("name", "姓名", "text", True),
        ("title", "职务", "text", False),
        ("phone", "电话", "text", False),
        ("email", "邮箱", "text", False),
        ("is_primary", "主要联系人", "bool", False),
        ("notes", "备注", "text", False),
    ],
    PROJECT_SHEET: [
        ("code", "项目编号", "text", False),
        ("customer", "客户名称", "text", True),
        ("name", "项目名称", "text", True),
        ("province", "省份", "text", False),
        ("city", "城市", "text", False),
        ("district", "区县", "text", False),
        ("address", "地址", "text", False),
        ("use_type", "用途", "use_type", False),
        ("building_height_m", "建筑高度(m)", "decimal", False),
        ("floors_above", "地上层数", "int", False),
        ("floors_below", "地下层数", "int", False),
        ("facade_area_m2", "幕墙面积(m²)", "decimal", False),
        ("facade_systems", "幕墙系统", "facade_systems", False),
        ("glass_types", "玻璃类型", "glass_types", False),
        ("completion_date", "竣工验收日期", "date", False),
        ("warranty_end", "质保到期日", "date", False),
        ("design_service_life_years", "设计使用年限(年)", "int", False),
        ("project_manager", "项目经理", "user", True),
        ("service_head", "服务部门负责人", "user", False),
        ("notes", "备注", "text", False),
    ],
}
SHEETS = list(COLUMNS)
UNKNOWN_PROJECT = gettext_noop(
    "There is no project with number “%(code)s”; leave it empty for a new project."
)
LIST_SPLIT = re.compile(r"[、,，;；\n]+")


@dataclass
class RowError:
    sheet: str
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SHEETS, 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SHEETS, 0))
    unchanged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SHEETS, 0))

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> list[tuple[str, int, int, int]]:
        return [(s, self.created[s], self.updated[s], self.unchanged[s]) for s in SHEETS]


class _Rollback(Exception):
    pass


class _CellError(Exception):
    pass


# -- template --------------------------------------------------------------------------------
def template_workbook() -> bytes:
    """The downloadable template: the three sheets with their Chinese headers, and a sheet
    listing the allowed facade systems, glass types and uses."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    first = True
    for sheet, cols in COLUMNS.items():
        ws = wb.active if first else wb.create_sheet()
        first = False
        assert ws is not None
        ws.title = sheet
        ws.append([c[1] for c in cols])
        for cell, col in zip(ws[1], cols, strict=True):
            cell.font = Font(bold=True, color="C00000" if col[3] else "000000")
        for i in range(len(cols)):
            ws.column_dimensions[get_column_letter(i + 1)].width = 16
    ws = wb.create_sheet(str(_("Instructions")))
    ws.append(
        [
            _(
                "Red columns are required. Dates as YYYY-MM-DD. Separate several facade "
                "systems or glass types with “、”."
            )
        ]
    )
    ws.append(
        [
            _(
                "Project manager and service head: the user name or full name. "
                "Primary contact: 是 or 否."
            )
        ]
    )
    ws.append([])
    ws.append(["幕墙系统", str(_("code"))])
    for fs in FacadeSystem.objects.filter(is_active=True):
        ws.append([fs.name, fs.code])
    ws.append([])
    ws.append(["玻璃类型", str(_("code"))])
    for gt in GlassType.objects.filter(is_active=True):
        ws.append([gt.name, gt.code])
    ws.append([])
    ws.append(["用途", str(_("code"))])
    for value, label in UseType.choices:
        ws.append([str(label), value])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# -- reading ---------------------------------------------------------------------------------
def _read_workbook(data: bytes) -> Any:
    from openpyxl import load_workbook

    if len(data) > IMPORT_MAX_BYTES:
        raise InvalidInput(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {
                "size": round(len(data) / 1024 / 1024, 1),
                "limit": IMPORT_MAX_BYTES // 1024 // 1024,
            },
            fields={"file": [_("The file is too large.")]},
        )
    if not data.startswith(b"PK\x03\x04"):
        raise InvalidInput(
            _("This is not an Excel .xlsx workbook. Save the ledger as .xlsx and try again."),
            fields={"file": [_("Only .xlsx workbooks can be imported.")]},
        )
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise InvalidInput(
            _("The workbook could not be read; it may be damaged or not an .xlsx file."),
            fields={"file": [_("Only .xlsx workbooks can be imported.")]},
        ) from exc


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def _decimal(value: Any) -> Decimal | None:
    if value is None or _text(value) == "":
        return None
    try:
        number = Decimal(_text(value).replace(",", ""))
    except InvalidOperation as exc:
        raise _CellError(_("“%(v)s” is not a number.") % {"v": _text(value)}) from exc
    if not number.is_finite():
        raise _CellError(_("“%(v)s” is not a number.") % {"v": _text(value)})
    return number


def _int(value: Any) -> int | None:
    number = _decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise _CellError(_("“%(v)s” is not a whole number.") % {"v": _text(value)})
    if number < 0:
        raise _CellError(_("The number cannot be negative."))
    return int(number)


def _date(value: Any) -> dt.date | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise _CellError(_("“%(v)s” is not a date (use YYYY-MM-DD).") % {"v": text})


def _bool(value: Any) -> bool:
    text = _text(value).lower()
    if text in {"", "否", "n", "no", "false", "0"}:
        return False
    if text in {"是", "y", "yes", "true", "1", "✓"}:
        return True
    raise _CellError(_("Write 是 or 否."))


class _Catalogue:
    def __init__(self, model: type[models.Model]) -> None:
        self.by_key: dict[str, Any] = {}
        for obj in model._default_manager.all():
            self.by_key[str(obj.name).lower()] = obj  # type: ignore[attr-defined]
            self.by_key[str(obj.code).lower()] = obj  # type: ignore[attr-defined]

    def parse(self, value: Any) -> list[Any]:
        found, unknown = [], []
        for part in LIST_SPLIT.split(_text(value)):
            part = part.strip()
            if not part:
                continue
            obj = self.by_key.get(part.lower())
            if obj is None:
                unknown.append(part)
            elif obj not in found:
                found.append(obj)
        if unknown:
            raise _CellError(_("Unknown entries: %(names)s.") % {"names": "、".join(unknown)})
        return found


def _use_type(value: Any) -> str:
    text = _text(value)
    if not text:
        return UseType.OFFICE
    for code, label in UseType.choices:
        if text.lower() in {code, str(label).lower()}:
            return code
    labels = {"办公": "office", "商业": "commercial", "住宅": "residential", "酒店": "hotel"}
    labels |= {"公共建筑": "public", "其他": "other"}
    if text in labels:
        return labels[text]
    raise _CellError(
        _("Unknown use “%(v)s”; use one of: %(names)s.")
        % {"v": text, "names": "、".join(str(label) for _c, label in UseType.choices)}
    )


def _user(value: Any, role: str) -> Any:
    text = _text(value)
    if not text:
        return None
    users = list(
        get_user_model()
        .objects.filter(Q(username=text) | Q(full_name=text), is_active=True)
        .distinct()[:2]
    )
    if not users:
        raise _CellError(_("No user “%(v)s” found.") % {"v": text})
    if len(users) > 1:
        raise _CellError(_("Several users are called “%(v)s”; use the user name.") % {"v": text})
    if not has_role(users[0], role):
        raise _CellError(
            _("%(name)s does not hold the role “%(role)s”.")
            % {"name": text, "role": Role(role).label}
        )
    return users[0]


# -- writing ---------------------------------------------------------------------------------
def _create(
    model: type[Any],
    *,
    actor: Any,
    data: dict[str, Any],
    m2m: dict[str, list[Any]] | None = None,
    context: Any = None,
    number: tuple[str, str] | None = None,
) -> Any:
    obj = model(**data)
    if number:
        setattr(obj, number[0], next_number(number[1]))
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise InvalidInput.from_django(exc) from exc
    obj.save()
    after = snapshot(obj)
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
        after[name] = sorted(str(v) for v in values)
    record(actor=actor, verb="imported", target=obj, after=after, context=context)
    return obj


class _Importer:
    def __init__(self, actor: Any, wb: Any) -> None:
        self.actor = actor
        self.wb = wb
        self.result = ImportResult()
        self.file_customers: set[str] = set()
        self.facade_systems = _Catalogue(FacadeSystem)
        self.glass_types = _Catalogue(GlassType)

    def error(self, sheet: str, row: int, column: str, message: Any) -> None:
        self.result.errors.append(RowError(sheet, row, column, str(message)))

    def rows(self, sheet: str) -> list[tuple[int, dict[str, Any]]]:
        """Rows of ``sheet`` as {field: raw value}, with their Excel row numbers."""
        if sheet not in self.wb.sheetnames:
            return []
        ws = self.wb[sheet]
        it = ws.iter_rows(values_only=True)
        header = next(it, None)
        if header is None:
            return []
        names = [_text(h).rstrip("*") for h in header]
        index: dict[str, int] = {}
        missing = False
        for fname, title, _kind, required in COLUMNS[sheet]:
            if title in names:
                index[fname] = names.index(title)
            elif required:
                self.error(sheet, 1, title, _("The required column is missing."))
                missing = True
        if missing:
            return []
        rows: list[tuple[int, dict[str, Any]]] = []
        for number, values in enumerate(it, start=2):
            if values is None or all(_text(v) == "" for v in values):
                continue
            if len(rows) >= IMPORT_MAX_ROWS:
                self.error(
                    sheet, number, "", _("Too many rows; at most %(n)s.") % {"n": IMPORT_MAX_ROWS}
                )
                break
            rows.append(
                (
                    number,
                    {f: (values[i] if i < len(values) else None) for f, i in index.items()},
                )
            )
        return rows

    def parse_row(self, sheet: str, number: int, raw: dict[str, Any]) -> dict[str, Any] | None:
        parsed: dict[str, Any] = {}
        ok = True
        for fname, title, kind, required in COLUMNS[sheet]:
            if fname not in raw:
                continue
            value = raw[fname]
            try:
                if required and _text(value) == "":
                    raise _CellError(_("This column is required."))
                if kind == "text":
                    parsed[fname] = _text(value)
                elif kind == "decimal":
                    parsed[fname] = _decimal(value)
                elif kind == "int":
                    parsed[fname] = _int(value)
                elif kind == "date":
                    parsed[fname] = _date(value)
                elif kind == "bool":
                    parsed[fname] = _bool(value)
                elif kind == "use_type":
                    parsed[fname] = _use_type(value)
                elif kind == "facade_systems":
                    parsed[fname] = self.facade_systems.parse(value)
                elif kind == "glass_types":
                    parsed[fname] = self.glass_types.parse(value)
                elif kind == "user":
                    role = Role.PROJECT_MANAGER if fname == "project_manager" else Role.SERVICE_HEAD
                    parsed[fname] = _user(value, role)
            except _CellError as exc:
                self.error(sheet, number, title, exc)
                ok = False
        return parsed if ok else None

    def report(self, sheet: str, number: int, exc: FacadeOpsError) -> None:
        titles = {f: t for f, t, _k, _r in COLUMNS[sheet]}
        if not exc.fields:
            self.error(sheet, number, "", exc.message)
        for fname, messages in exc.fields.items():
            for message in messages:
                self.error(sheet, number, titles.get(fname, ""), message)

    def save(
        self,
        sheet: str,
        number: int,
        existing: Any,
        model: type[Any],
        data: dict[str, Any],
        m2m: dict[str, list[Any]] | None = None,
        context: Any = None,
        numbering: tuple[str, str] | None = None,
    ) -> Any:
        try:
            with transaction.atomic():
                if existing is None:
                    obj = _create(
                        model,
                        actor=self.actor,
                        data=data,
                        m2m=m2m,
                        context=context,
                        number=numbering,
                    )
                    self.result.created[sheet] += 1
                    return obj
                before_version = getattr(existing, "version", None)
                before_events = existing.updated_at
                obj = update_record(
                    existing,
                    actor=self.actor,
                    data=data,
                    expected_version=before_version,
                    m2m=m2m,
                    context=lambda _o: context,
                    verb="imported",
                )
                changed = obj.updated_at != before_events
                if changed:
                    self.result.updated[sheet] += 1
                else:
                    self.result.unchanged[sheet] += 1
                return obj
        except FacadeOpsError as exc:
            self.report(sheet, number, exc)
            return None

    # -- sheets --
    def customers(self) -> None:
        seen: dict[str, int] = {}
        for number, raw in self.rows(CUSTOMER_SHEET):
            data = self.parse_row(CUSTOMER_SHEET, number, raw)
            name = _text(raw.get("name"))
            if name:
                self.file_customers.add(name)
                if name in seen:
                    self.error(
                        CUSTOMER_SHEET,
                        number,
                        "客户名称",
                        _("Duplicate of row %(row)s in this file.") % {"row": seen[name]},
                    )
                    continue
                seen[name] = number
            if data is None:
                continue
            existing = Customer.objects.filter(name=data["name"]).first()
            self.save(
                CUSTOMER_SHEET,
                number,
                existing,
                Customer,
                data,
                numbering=("code", "KH"),
            )

    def _customer(self, sheet: str, number: int, name: str) -> Customer | None:
        customer = Customer.objects.filter(name=name).first()
        if customer is None and name not in self.file_customers:
            self.error(
                sheet,
                number,
                "客户名称",
                _("Customer “%(name)s” is neither in this file nor in the system.")
                % {"name": name},
            )
        return customer

    def contacts(self) -> None:
        seen: dict[tuple[str, str], int] = {}
        for number, raw in self.rows(CONTACT_SHEET):
            data = self.parse_row(CONTACT_SHEET, number, raw)
            key = (_text(raw.get("customer")), _text(raw.get("name")))
            if all(key):
                if key in seen:
                    self.error(
                        CONTACT_SHEET,
                        number,
                        "姓名",
                        _("Duplicate of row %(row)s in this file.") % {"row": seen[key]},
                    )
                    continue
                seen[key] = number
            if data is None:
                continue
            customer = self._customer(CONTACT_SHEET, number, data.pop("customer"))
            if customer is None:
                continue
            existing = Contact.objects.filter(customer=customer, name=data["name"]).first()
            if existing is None:
                data["customer"] = customer
            self.save(CONTACT_SHEET, number, existing, Contact, data, context=customer)

    def projects(self) -> None:
        seen: dict[Any, int] = {}
        for number, raw in self.rows(PROJECT_SHEET):
            data = self.parse_row(PROJECT_SHEET, number, raw)
            code = _text(raw.get("code"))
            key: Any = code or (_text(raw.get("customer")), _text(raw.get("name")))
            if code or all(key):
                if key in seen:
                    self.error(
                        PROJECT_SHEET,
                        number,
                        "项目编号" if code else "项目名称",
                        _("Duplicate of row %(row)s in this file.") % {"row": seen[key]},
                    )
                    continue
                seen[key] = number
            if data is None:
                continue
            customer = self._customer(PROJECT_SHEET, number, data["customer"])
            if customer is None:
                continue
            data["customer"] = customer
            data.pop("code", None)
            m2m: dict[str, list[Any]] = {
                k: data.pop(k) for k in ("facade_systems", "glass_types") if k in data
            }
            if data.get("design_service_life_years") is None:
                data.pop("design_service_life_years", None)
            if code:
                existing = Project.objects.filter(code=code).first()
                if existing is None:
                    self.error(
                        PROJECT_SHEET,
                        number,
                        "项目编号",
                        _(UNKNOWN_PROJECT) % {"code": code},
                    )
                    continue
            else:
                existing = Project.objects.filter(customer=customer, name=data["name"]).first()
            self.save(
                PROJECT_SHEET,
                number,
                existing,
                Project,
                data,
                m2m=m2m,
                context=customer,
                numbering=("code", "XM"),
            )

    def run(self) -> None:
        present = [s for s in SHEETS if s in self.wb.sheetnames]
        if not present:
            self.error(
                "",
                0,
                "",
                _("The workbook has none of the sheets %(names)s.") % {"names": "、".join(SHEETS)},
            )
            return
        self.customers()
        self.contacts()
        self.projects()


def import_ledger(*, actor: Any, data: bytes) -> ImportResult:
    """X-1.4: validate and import a ledger workbook — all rows or nothing."""
    if not can_import(actor):
        raise Forbidden()
    wb = _read_workbook(data)
    importer = _Importer(actor, wb)
    try:
        with transaction.atomic():
            importer.run()
            if importer.result.errors:
                raise _Rollback
    except _Rollback:
        pass
    finally:
        wb.close()
    if importer.result.errors:
        importer.result.created = dict.fromkeys(SHEETS, 0)
        importer.result.updated = dict.fromkeys(SHEETS, 0)
        importer.result.unchanged = dict.fromkeys(SHEETS, 0)
    return importer.result
