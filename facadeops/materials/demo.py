"""Demo catalogue: a facade service company's spare parts (deterministic); for the generated
benchmark company, the catalogue it draws from."""

from __future__ import annotations

from typing import Any

from facadeops.core.demo import DemoPiece
from facadeops.core.generator import GEN_MARK, CompanyGenerator

from .models import Material, MaterialCategory

CATEGORIES: list[tuple[str, str, str | None]] = [
    ("GL", "玻璃", None),
    ("GL-IG", "中空玻璃", "GL"),
    ("GL-LM", "夹胶玻璃", "GL"),
    ("SE", "密封材料", None),
    ("SE-ST", "结构胶", "SE"),
    ("SE-WS", "耐候胶", "SE"),
    ("SE-GK", "密封胶条与辅材", "SE"),
    ("HW", "五金件", None),
    ("HW-OP", "开启扇五金", "HW"),
    ("HW-FX", "紧固件与连接件", "HW"),
    ("PN", "面板材料", None),
    ("SF", "安全防护用品", None),
    ("DR", "排水与防水", None),
]

# code, name, spec/model, unit, category code, brand, notes
MATERIALS: list[tuple[str, str, str, str, str, str, str]] = [
    ("WL-GL-0001", "钢化中空玻璃", "6+12A+6 Low-E", "m²", "GL-IG", "", "单元式幕墙常用规格"),
    ("WL-GL-0002", "钢化中空玻璃", "8+12A+8 Low-E", "m²", "GL-IG", "", ""),
    ("WL-GL-0003", "钢化中空玻璃", "6+12Ar+6 双银 Low-E", "m²", "GL-IG", "", "充氩气"),
    ("WL-GL-0004", "钢化夹胶玻璃", "6+1.52PVB+6", "m²", "GL-LM", "", "采光顶、雨棚用"),
    ("WL-GL-0005", "半钢化夹胶玻璃", "8+1.52SGP+8", "m²", "GL-LM", "", "点支式幕墙用"),
    ("WL-GL-0006", "钢化单片玻璃", "10 mm 超白", "m²", "GL", "", ""),
    ("WL-SE-0001", "硅酮结构密封胶", "双组分 190 L/套", "套", "SE-ST", "", "隐框幕墙结构粘结"),
    ("WL-SE-0002", "硅酮结构密封胶", "单组分 590 ml", "支", "SE-ST", "", "需做相容性试验"),
    ("WL-SE-0003", "硅酮耐候密封胶", "590 ml 黑色", "支", "SE-WS", "", ""),
    ("WL-SE-0004", "硅酮耐候密封胶", "300 ml 灰色", "支", "SE-WS", "", ""),
    ("WL-SE-0005", "石材专用密封胶", "590 ml 防污染型", "支", "SE-WS", "", "石材幕墙接缝"),
    ("WL-SE-0006", "三元乙丙密封胶条", "EPDM 8×12 mm", "m", "SE-GK", "", ""),
    ("WL-SE-0007", "三元乙丙密封胶条", "EPDM 开启扇框扇胶条", "m", "SE-GK", "", ""),
    ("WL-SE-0008", "泡沫棒", "Φ15 mm 聚乙烯", "m", "SE-GK", "", "打胶前填缝"),
    ("WL-SE-0009", "双面胶条", "8×6 mm 聚氨酯", "m", "SE-GK", "", ""),
    ("WL-HW-0001", "开启扇执手", "铝合金 多点锁 左开", "套", "HW-OP", "", ""),
    ("WL-HW-0002", "开启扇执手", "铝合金 多点锁 右开", "套", "HW-OP", "", ""),
    ("WL-HW-0003", "不锈钢滑撑", "304 16寸 外开上悬", "副", "HW-OP", "", ""),
    ("WL-HW-0004", "不锈钢滑撑", "304 22寸 外开上悬", "副", "HW-OP", "", ""),
    ("WL-HW-0005", "防坠器", "不锈钢 开启扇用 承重 80 kg", "套", "HW-OP", "", "开启扇防坠落"),
    ("WL-HW-0006", "不锈钢螺栓", "A2-70 M10×80", "套", "HW-FX", "", "含螺母、垫片"),
    ("WL-HW-0007", "不锈钢螺栓", "A2-70 M12×100", "套", "HW-FX", "", "含螺母、垫片"),
    ("WL-HW-0008", "铝合金压板", "6063-T5 50 mm", "m", "HW-FX", "", "明框幕墙压板"),
    ("WL-HW-0009", "铝合金扣盖", "6063-T5 60 mm 氟碳喷涂", "m", "HW-FX", "", ""),
    ("WL-HW-0010", "石材干挂件", "304 SE型 挂件", "套", "HW-FX", "", "背栓/短槽式石材幕墙"),
    ("WL-HW-0011", "化学锚栓", "M12×160", "套", "HW-FX", "", "后置埋件加固"),
    ("WL-PN-0001", "铝单板", "3.0 mm 氟碳喷涂", "m²", "PN", "", ""),
    ("WL-PN-0002", "铝塑复合板", "4 mm 0.5 mm 铝皮", "m²", "PN", "", ""),
    ("WL-PN-0003", "花岗岩板", "30 mm 烧毛面", "m²", "PN", "", ""),
    ("WL-DR-0001", "排水管", "PVC Φ16 mm", "m", "DR", "", "单元板块排水"),
    ("WL-DR-0002", "防水透气膜", "1.5 m 宽", "m²", "DR", "", ""),
    ("WL-SF-0001", "安全带", "全身式 双钩", "套", "SF", "", "高处作业用"),
    ("WL-SF-0002", "吊篮安全锁", "LSB30 型", "个", "SF", "", "每年送检"),
]


def load(ctx: dict[str, Any]) -> None:
    cats: dict[str, MaterialCategory] = {}
    for code, name, parent in CATEGORIES:
        cats[code], _created = MaterialCategory.objects.get_or_create(
            code=code, defaults={"name": name, "parent": cats.get(parent) if parent else None}
        )
    materials: dict[str, Material] = {}
    for code, name, spec, unit, cat, brand, notes in MATERIALS:
        materials[code], _created = Material.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "spec_model": spec,
                "unit": unit,
                "category": cats[cat],
                "brand": brand,
                "notes": notes,
            },
        )
    ctx["material_categories"] = cats
    ctx["materials"] = materials


def generate(gen: CompanyGenerator) -> None:
    """The materials work orders draw (``gen.materials``): the catalogue there is, else four."""
    gen.materials = list(Material.objects.values_list("pk", flat=True)[:200])
    if not gen.materials:
        cat = MaterialCategory.objects.create(code=f"{GEN_MARK}-cat", name="幕墙材料")
        Material.objects.bulk_create(
            [
                Material(code=f"{GEN_MARK}-M{i:03d}", name=name, unit=unit, category=cat)
                for i, (name, unit) in enumerate(
                    [("结构胶", "支"), ("耐候胶", "支"), ("钢化玻璃", "m²"), ("执手", "个")]
                )
            ]
        )
        gen.materials = list(Material.objects.values_list("pk", flat=True))


PIECE = DemoPiece(app="materials", load=load, generate=generate)
