"""Plausible master-data texts: word lists and the clean name, tax id, address, country and e-mail."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate

import polars as pl

from demo.context import _Context
from demo.draws import _bits, _pick, _pick_uniform, _take, _uniform

# Word lists for plausible master-data values.
CITIES_CN: tuple[str, ...] = (
    "Shanghai", "Beijing", "Guangzhou", "Shenzhen", "Hangzhou", "Suzhou", "Nanjing",
    "Chengdu", "Wuhan", "Tianjin", "Xiamen", "Qingdao", "Changsha", "Xian",
)
COMPANY_CORES: tuple[str, ...] = (
    "Kanghui", "Hengkang", "Ruixin", "Jiahe", "Tianrun", "Huamei", "Baicao", "Yongsheng",
    "Xinda", "Zhongyuan", "Anrui", "Boya", "Chunhua", "Dehong", "Fuxing", "Guangming",
    "Haitai", "Jinhe", "Lianyi", "Minsheng", "Ningkang", "Puhua", "Qiming", "Shengda",
    "Taikang", "Weikang", "Xiangyu", "Yida", "Zhenai", "Kaiyuan", "Lumen", "Nordwind",
    "Alpenstein", "Meridian", "Sakura", "Helvetia", "Orchid", "Riverside",
)
CUSTOMER_KINDS: tuple[str, ...] = (
    "Central Hospital", "People Hospital", "Pharmacy Chain", "Medical Distribution",
    "Pharma Trading", "Health Clinic", "Medical Center", "Drugstore",
)
CUSTOMER_SLUGS: tuple[str, ...] = (
    "hospital", "hospital", "pharmacy", "med", "trading", "clinic", "medcenter", "drugstore",
)
SUPPLIER_KINDS: tuple[str, ...] = (
    "Fine Chemicals", "Packaging", "Glassware", "Biotech", "Excipients", "Lab Supplies",
    "Logistics", "API Manufacturing", "Filtration", "Cold Chain",
)
SUPPLIER_SLUGS: tuple[str, ...] = (
    "chem", "pack", "glass", "bio", "excipients", "labsupply", "logistics", "api", "filter",
    "coldchain",
)
MATERIAL_BASES: tuple[str, ...] = (
    "Amoxicillin trihydrate API", "Metformin HCl tablet 500 mg", "Ibuprofen granulate",
    "Paracetamol API", "Omeprazole pellets", "Atorvastatin calcium API", "Amlodipine tablet 5 mg",
    "Cefuroxime axetil API", "Azithromycin capsule 250 mg", "Heparin sodium solution",
    "Insulin glargine cartridge", "Ascorbic acid", "Magnesium stearate",
    "Microcrystalline cellulose", "Lactose monohydrate", "Povidone K30", "Sodium chloride",
    "Ethanol 96%", "Purified water", "Hypromellose coating", "Glass vial 10 ml",
    "Bromobutyl rubber stopper", "Aluminium blister foil", "PVC film", "HDPE bottle 100 ml",
    "Folding carton", "Patient leaflet", "Aluminium seal cap", "Syringe 5 ml",
    "Nitrogen gas", "Filter cartridge 0.2 um", "Reagent buffer pH 7.4",
)
MATERIAL_SPECS: tuple[str, ...] = (
    "EP grade", "USP grade", "ChP grade", "GMP grade", "bulk", "lot-released",
    "commercial pack", "validation batch",
)
GIVEN_NAMES: tuple[str, ...] = (
    "wei", "fang", "na", "min", "jing", "lei", "yang", "jun", "tao", "hui", "ying", "qiang",
    "li", "xin", "hao", "anna", "lukas", "emma", "kenji", "marie",
)
FAMILY_NAMES: tuple[str, ...] = (
    "wang", "li", "zhang", "liu", "chen", "yang", "zhao", "huang", "zhou", "wu", "xu", "sun",
    "ma", "zhu", "hu", "guo", "he", "lin", "weber", "tanaka",
)
COUNTRIES: tuple[str, ...] = ("CN", "DE", "US", "JP", "SG", "FR", "GB", "CH")
COUNTRY_WEIGHTS: tuple[float, ...] = (0.62, 0.08, 0.08, 0.06, 0.04, 0.04, 0.04, 0.04)
COUNTRY_NAMES: tuple[str, ...] = (
    "China", "Germany", "United States", "Japan", "Singapore", "France", "United Kingdom",
    "Switzerland",
)
COUNTRY_TLDS: tuple[str, ...] = ("cn", "de", "com", "jp", "sg", "fr", "com", "ch")
COUNTRY_CITIES: tuple[tuple[str, ...], ...] = (
    CITIES_CN,
    ("Frankfurt", "Munich", "Hamburg", "Berlin", "Mannheim"),
    ("Boston", "New Jersey", "San Diego", "Chicago"),
    ("Osaka", "Tokyo", "Kyoto"),
    ("Singapore",),
    ("Lyon", "Paris", "Strasbourg"),
    ("London", "Cambridge", "Manchester"),
    ("Basel", "Zurich", "Geneva"),
)
COUNTRY_STREETS: tuple[tuple[str, ...], ...] = (
    ("Zhangjiang Road", "Keyuan Road", "Huaihai Road", "Renmin Road", "Jianguo Road",
     "Zhongshan Road", "Gaoxin Avenue", "Binhai Avenue"),
    ("Hauptstrasse", "Industriestrasse", "Bahnhofstrasse", "Am Pharmapark"),
    ("Main Street", "Research Drive", "Commerce Blvd", "Harbor Way"),
    ("Chuo-dori", "Sakura-dori", "Minato-ku 3-chome"),
    ("Science Park Drive", "Tuas Avenue", "Biopolis Way"),
    ("Rue de la Republique", "Avenue Jean Jaures", "Rue du Rhone"),
    ("High Street", "Station Road", "Science Park"),
    ("Klybeckstrasse", "Bahnhofstrasse", "Rue du Marche"),
)
# Province/city region codes that open a unified social credit code.
TAX_REGIONS: tuple[str, ...] = (
    "310000", "110000", "440300", "320500", "330100", "510100", "420100", "120000",
)
BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _concat(parts: Sequence[pl.Series | str], separator: str = "") -> pl.Series:
    """Concatenate string Series (and literal pieces) row by row."""
    exprs = [pl.lit(p) if isinstance(p, str) else p for p in parts]
    return pl.select(pl.concat_str(exprs, separator=separator)).to_series()


def _master_texts(ctx: _Context, idx: pl.Series, domain: pl.Series) -> pl.DataFrame:
    """Clean name, tax id, address, country and e-mail of the entity behind each index."""
    s = ctx.seed
    core = _pick_uniform(_uniform(idx, s, "m.core"), len(COMPANY_CORES))
    kind = _uniform(idx, s, "m.kind")
    cust_kind = _pick_uniform(kind, len(CUSTOMER_KINDS))
    supp_kind = _pick_uniform(kind, len(SUPPLIER_KINDS))
    city_cn = _pick_uniform(_uniform(idx, s, "m.city"), len(CITIES_CN))
    number = (_bits(idx, s, "m.num") % 1000).cast(pl.String).str.zfill(3)
    mat_base = _pick_uniform(_uniform(idx, s, "m.mat"), len(MATERIAL_BASES))
    mat_spec = _pick_uniform(_uniform(idx, s, "m.spec"), len(MATERIAL_SPECS))
    mat_number = (_bits(idx, s, "m.matnum") % 10_000).cast(pl.String).str.zfill(4)
    core_name = _take(COMPANY_CORES, core)
    customer = _concat(
        [_take(CITIES_CN, city_cn), core_name, _take(CUSTOMER_KINDS, cust_kind), number], " "
    )
    supplier = _concat([core_name, _take(SUPPLIER_KINDS, supp_kind), "Co.", number], " ")
    material = _concat(
        [_take(MATERIAL_BASES, mat_base), _take(MATERIAL_SPECS, mat_spec), mat_number], " "
    )
    name = pl.select(
        pl.when(domain == 0).then(material).when(domain == 1).then(customer).otherwise(supplier)
    ).to_series()
    slug_kind = pl.select(
        pl.when(domain == 1)
        .then(_take(CUSTOMER_SLUGS, cust_kind))
        .when(domain == 2)
        .then(_take(SUPPLIER_SLUGS, supp_kind))
        .otherwise(pl.lit("pharma"))
    ).to_series()
    country = _pick(_uniform(idx, s, "m.country"), COUNTRY_WEIGHTS)
    # Cities and streets are chosen within the country: offsets into the flattened lists.
    city_sizes = [len(c) for c in COUNTRY_CITIES]
    street_sizes = [len(c) for c in COUNTRY_STREETS]
    city_off = [0, *accumulate(city_sizes)][:-1]
    street_off = [0, *accumulate(street_sizes)][:-1]
    city_pos = (
        _uniform(idx, s, "m.addrcity") * _take(city_sizes, country, pl.Float64)
    ).floor().cast(pl.UInt32) + _take(city_off, country, pl.UInt32)
    street_pos = (
        _uniform(idx, s, "m.street") * _take(street_sizes, country, pl.Float64)
    ).floor().cast(pl.UInt32) + _take(street_off, country, pl.UInt32)
    house = (_bits(idx, s, "m.house") % 388 + 1).cast(pl.String)
    address = _concat(
        [
            house,
            " ",
            _take([c for g in COUNTRY_STREETS for c in g], street_pos),
            ", ",
            _take([c for g in COUNTRY_CITIES for c in g], city_pos),
        ]
    )
    # Unified social credit code shape: 91 + region + 'MA' + 8 base-36 characters.
    raw = _bits(idx, s, "m.tax")
    region = _take(TAX_REGIONS, _pick_uniform(_uniform(idx, s, "m.region"), len(TAX_REGIONS)))
    chars = [_take(BASE36, (raw // 36**k) % 36) for k in range(8)]
    tax_id = _concat(["91", region, "MA", *chars])
    given = _take(GIVEN_NAMES, _pick_uniform(_uniform(idx, s, "m.given"), len(GIVEN_NAMES)))
    family = _take(FAMILY_NAMES, _pick_uniform(_uniform(idx, s, "m.family"), len(FAMILY_NAMES)))
    email = _concat(
        [given, ".", family, "@", core_name.str.to_lowercase(), "-", slug_kind, ".",
         _take(COUNTRY_TLDS, country)]
    )
    return pl.DataFrame(
        {
            "name": name,
            "tax_id": tax_id,
            "address": address,
            "country": country,
            "contact_email": email,
        }
    )
