#!/usr/bin/env python3
"""Independent corpus generator for orebrief, written from content-model.md only.

Written by a separate session that saw only ../shared/spec/content-model.md and the
orebrief binary (not examples/gen_corpus.rs, the tests or the sample content), to check
issue 7 on "a corpus generated from the content model by someone else". See
docs/benchmarks.md, "What changed after ce11154".

Usage: python3 scripts/gen-independent-corpus.py N OUT_DIR [--seed S]

Writes OUT_DIR/site.yaml and OUT_DIR/content/ with N minerals, 4N companies (two
facilities each), N briefs, a home page, section _index.md files, ~20 country notes and
~10 plain pages. Deterministic: same N and seed -> byte-identical output.
Standard library only.
"""
import json
import math
import os
import random
import sys

SEED = 20250117

# --------------------------------------------------------------------------- data tables

# (ISO 3166-1 alpha-2, name, cities, exchange)  ~84 real codes
COUNTRIES = [
    ("CN", "China", ["Beijing", "Shanghai", "Baotou", "Ganzhou", "Kunming", "Changsha"], "SSE"),
    ("US", "United States", ["Denver", "Phoenix", "Reno", "Pittsburgh", "Houston"], "NYSE"),
    ("AU", "Australia", ["Perth", "Brisbane", "Kalgoorlie", "Adelaide", "Sydney"], "ASX"),
    ("CL", "Chile", ["Santiago", "Antofagasta", "Calama", "Copiapo"], "BCS"),
    ("CD", "Democratic Republic of the Congo", ["Kolwezi", "Lubumbashi", "Kinshasa"], None),
    ("KR", "South Korea", ["Seoul", "Ulsan", "Pohang", "Gwangyang"], "KRX"),
    ("JP", "Japan", ["Tokyo", "Osaka", "Niihama", "Akita"], "TSE"),
    ("CA", "Canada", ["Toronto", "Vancouver", "Sudbury", "Montreal"], "TSX"),
    ("RU", "Russia", ["Moscow", "Norilsk", "Yekaterinburg"], "MOEX"),
    ("ZA", "South Africa", ["Johannesburg", "Rustenburg", "Pretoria"], "JSE"),
    ("BR", "Brazil", ["Sao Paulo", "Belo Horizonte", "Araxa"], "B3"),
    ("IN", "India", ["Mumbai", "Kolkata", "Chennai"], "NSE"),
    ("ID", "Indonesia", ["Jakarta", "Morowali", "Weda Bay"], "IDX"),
    ("PH", "Philippines", ["Manila", "Surigao"], "PSE"),
    ("PE", "Peru", ["Lima", "Arequipa", "Cerro de Pasco"], "BVL"),
    ("MX", "Mexico", ["Mexico City", "Zacatecas", "Sonora"], "BMV"),
    ("AR", "Argentina", ["Buenos Aires", "Salta", "Jujuy"], "BYMA"),
    ("BO", "Bolivia", ["La Paz", "Potosi", "Uyuni"], None),
    ("KZ", "Kazakhstan", ["Almaty", "Astana", "Ust-Kamenogorsk"], "KASE"),
    ("UZ", "Uzbekistan", ["Tashkent", "Almalyk"], None),
    ("MN", "Mongolia", ["Ulaanbaatar", "Oyu Tolgoi"], None),
    ("VN", "Vietnam", ["Hanoi", "Thai Nguyen"], "HOSE"),
    ("MY", "Malaysia", ["Kuala Lumpur", "Kuantan"], "BM"),
    ("TH", "Thailand", ["Bangkok", "Rayong"], "SET"),
    ("MM", "Myanmar", ["Yangon", "Myitkyina"], None),
    ("LA", "Laos", ["Vientiane"], None),
    ("DE", "Germany", ["Frankfurt", "Hamburg", "Goslar", "Freiberg"], "XETRA"),
    ("FR", "France", ["Paris", "La Rochelle", "Lyon"], "EPA"),
    ("GB", "United Kingdom", ["London", "Cornwall", "Sheffield"], "LSE"),
    ("NO", "Norway", ["Oslo", "Kristiansand", "Mo i Rana"], "OSE"),
    ("SE", "Sweden", ["Stockholm", "Kiruna", "Boliden"], "STO"),
    ("FI", "Finland", ["Helsinki", "Kokkola", "Harjavalta"], "HEL"),
    ("BE", "Belgium", ["Brussels", "Olen", "Hoboken"], "EBR"),
    ("NL", "Netherlands", ["Amsterdam", "Rotterdam"], "AMS"),
    ("ES", "Spain", ["Madrid", "Huelva", "Seville"], "BME"),
    ("PT", "Portugal", ["Lisbon", "Panasqueira"], "ELI"),
    ("IT", "Italy", ["Milan", "Rome"], "BIT"),
    ("PL", "Poland", ["Warsaw", "Lubin", "Glogow"], "WSE"),
    ("AT", "Austria", ["Vienna", "Mittersill"], "VIE"),
    ("CH", "Switzerland", ["Zug", "Geneva", "Baar"], "SIX"),
    ("CZ", "Czechia", ["Prague", "Cinovec"], None),
    ("RS", "Serbia", ["Belgrade", "Bor", "Jadar"], None),
    ("UA", "Ukraine", ["Kyiv", "Zaporizhzhia"], None),
    ("TR", "Turkey", ["Istanbul", "Eskisehir"], "BIST"),
    ("GR", "Greece", ["Athens", "Larymna"], None),
    ("EE", "Estonia", ["Tallinn", "Sillamae"], None),
    ("IE", "Ireland", ["Dublin", "Navan"], None),
    ("IS", "Iceland", ["Reykjavik"], None),
    ("GL", "Greenland", ["Nuuk", "Narsaq"], None),
    ("SA", "Saudi Arabia", ["Riyadh", "Ras Al-Khair"], "TADAWUL"),
    ("AE", "United Arab Emirates", ["Abu Dhabi", "Dubai"], None),
    ("IL", "Israel", ["Tel Aviv", "Dead Sea"], "TASE"),
    ("IR", "Iran", ["Tehran", "Kerman"], None),
    ("MA", "Morocco", ["Casablanca", "Khouribga"], None),
    ("EG", "Egypt", ["Cairo"], None),
    ("GA", "Gabon", ["Libreville", "Moanda"], None),
    ("GH", "Ghana", ["Accra", "Nsuta"], None),
    ("GN", "Guinea", ["Conakry", "Boke"], None),
    ("CI", "Côte d'Ivoire", ["Abidjan"], None),
    ("ML", "Mali", ["Bamako", "Goulamina"], None),
    ("NA", "Namibia", ["Windhoek", "Rosh Pinah"], None),
    ("ZM", "Zambia", ["Lusaka", "Kitwe", "Ndola"], None),
    ("ZW", "Zimbabwe", ["Harare", "Bikita"], None),
    ("MZ", "Mozambique", ["Maputo", "Balama"], None),
    ("MG", "Madagascar", ["Antananarivo", "Moramanga"], None),
    ("TZ", "Tanzania", ["Dodoma", "Mahenge"], None),
    ("RW", "Rwanda", ["Kigali"], None),
    ("NG", "Nigeria", ["Abuja", "Jos"], None),
    ("BW", "Botswana", ["Gaborone"], None),
    ("MW", "Malawi", ["Lilongwe"], None),
    ("NC", "New Caledonia", ["Noumea"], None),
    ("NZ", "New Zealand", ["Auckland", "Wellington"], "NZX"),
    ("PG", "Papua New Guinea", ["Port Moresby", "Ramu"], None),
    ("CU", "Cuba", ["Moa", "Havana"], None),
    ("CO", "Colombia", ["Bogota", "Medellin"], None),
    ("EC", "Ecuador", ["Quito"], None),
    ("GY", "Guyana", ["Georgetown"], None),
    ("JM", "Jamaica", ["Kingston"], None),
    ("SR", "Suriname", ["Paramaribo"], None),
    ("TW", "Taiwan", ["Taipei", "Kaohsiung"], "TWSE"),
    ("HK", "Hong Kong", ["Hong Kong"], "HKEX"),
    ("SG", "Singapore", ["Singapore"], "SGX"),
    ("PK", "Pakistan", ["Karachi"], None),
    ("TJ", "Tajikistan", ["Dushanbe"], None),
    ("KG", "Kyrgyzstan", ["Bishkek"], None),
]
CODES = [c[0] for c in COUNTRIES]
CNAME = {c[0]: c[1] for c in COUNTRIES}
CITIES = {c[0]: c[2] for c in COUNTRIES}
EXCH = {c[0]: c[3] for c in COUNTRIES}
# producer weights (big producers appear more often and with larger numbers)
HEAVY = {"CN": 12, "AU": 6, "CL": 4, "CD": 4, "RU": 4, "ZA": 4, "US": 5, "CA": 4, "BR": 3,
         "IN": 3, "ID": 4, "PE": 3, "KZ": 2, "JP": 2, "KR": 2, "DE": 2, "MX": 2, "PH": 2}

# (name, symbol or None, base unit)
ELEMENTS = [
    ("Gallium", "Ga", "t"), ("Germanium", "Ge", "kg"), ("Antimony", "Sb", "t"),
    ("Indium", "In", "t"), ("Lithium", "Li", "t"), ("Cobalt", "Co", "t"), ("Nickel", "Ni", "t"),
    ("Graphite", "C", "t"), ("Manganese", "Mn", "t"), ("Tungsten", "W", "t"),
    ("Vanadium", "V", "t"), ("Tellurium", "Te", "t"), ("Bismuth", "Bi", "t"),
    ("Beryllium", "Be", "t"), ("Niobium", "Nb", "t"), ("Tantalum", "Ta", "t"),
    ("Neodymium", "Nd", "t"), ("Dysprosium", "Dy", "t"), ("Terbium", "Tb", "t"),
    ("Praseodymium", "Pr", "t"), ("Lanthanum", "La", "t"), ("Cerium", "Ce", "t"),
    ("Yttrium", "Y", "t"), ("Scandium", "Sc", "kg"), ("Platinum", "Pt", "kg"),
    ("Palladium", "Pd", "kg"), ("Rhodium", "Rh", "kg"), ("Iridium", "Ir", "kg"),
    ("Ruthenium", "Ru", "kg"), ("Magnesium", "Mg", "t"), ("Aluminum", "Al", "t"),
    ("Zinc", "Zn", "t"), ("Tin", "Sn", "t"), ("Titanium", "Ti", "t"), ("Zirconium", "Zr", "t"),
    ("Hafnium", "Hf", "t"), ("Chromium", "Cr", "t"), ("Fluorspar", None, "t"),
    ("Barite", None, "t"), ("Phosphate rock", None, "t"), ("Potash", None, "t"),
    ("Arsenic", "As", "t"), ("Cesium", "Cs", "kg"), ("Rubidium", "Rb", "kg"),
    ("Copper", "Cu", "t"), ("Silicon", "Si", "t"), ("Boron", "B", "t"), ("Uranium", "U", "t"),
    ("Silver", "Ag", "t"), ("Lead", "Pb", "t"), ("Molybdenum", "Mo", "t"),
    ("Rhenium", "Re", "kg"), ("Selenium", "Se", "t"), ("Cadmium", "Cd", "t"),
    ("Strontium", "Sr", "t"), ("Thallium", "Tl", "kg"), ("Iron ore", None, "t"),
    ("Bauxite", None, "t"), ("Kyanite", None, "t"), ("Vermiculite", None, "t"),
    ("Mica", None, "t"), ("Wollastonite", None, "t"), ("Garnet", None, "t"),
    ("Iodine", "I", "t"), ("Bromine", "Br", "t"), ("Holmium", "Ho", "kg"),
    ("Erbium", "Er", "kg"), ("Europium", "Eu", "kg"), ("Gadolinium", "Gd", "t"),
    ("Samarium", "Sm", "t"), ("Lutetium", "Lu", "kg"), ("Ytterbium", "Yb", "kg"),
    ("Thulium", "Tm", "kg"),
]

SYL_A = ["bar", "cal", "dor", "fen", "gar", "hal", "jas", "kel", "lor", "mar", "nor", "pel",
         "quar", "ros", "sal", "tan", "vel", "wen", "zar", "ald", "bren", "cor", "dun", "elm",
         "fal", "grim", "hes", "ist", "jor", "kra", "lun", "mos", "nev", "orm", "pra", "rud"]
SYL_B = ["a", "e", "i", "o", "u", "ae", "io", "ou", "an", "en", "in", "ar", "er", "or"]
SYL_C = ["s", "t", "n", "l", "r", "k", "m", "th", "st", "nd", "ck", "v", "z", "d"]
MIN_SUFFIX = ["ite", "ite", "ite", "ide", "ate", "ium", "ine", "lite", "tite", "nite"]

CO_PRE = ["Northern", "Southern", "Eastern", "Western", "Pacific", "Atlantic", "Andean",
          "Boreal", "Coastal", "Highland", "Great", "Golden", "Silver", "Iron", "Red", "Blue",
          "Black", "Green", "White", "Polar", "Desert", "Summit", "Ridge", "Valley", "Harbor",
          "Meridian", "Granite", "Basalt", "Cedar", "Falcon", "Eagle", "Aurora", "Orion",
          "Atlas", "Titan", "Vector", "Nova", "Apex", "Crown", "Sterling", "Union", "Pioneer",
          "Frontier", "Continental", "Imperial", "Royal", "United", "Allied", "Global",
          "Delta", "Sigma", "Omega", "Alpha", "Zenith", "Horizon", "Keystone", "Lodestar",
          "Bedrock", "Cobblestone", "Quarry", "Canyon", "Mesa", "Tundra", "Savanna", "Lagoon",
          "Fjord", "Glacier", "Volcano", "Cascade", "Sierra"]
CO_MID = ["Minerals", "Metals", "Mining", "Resources", "Materials", "Refining", "Smelting",
          "Chemicals", "Energy Metals", "Rare Earths", "Battery Materials", "Alloys",
          "Exploration", "Lithium", "Cobalt", "Nickel", "Graphite", "Magnets", "Tungsten",
          "Zinc", "Copper", "Specialty Metals", "Advanced Materials", "Ore", "Processing"]
CO_SUF = ["Corp", "Ltd", "Inc", "Group", "Holdings", "PLC", "AG", "SA", "Co", "LLC", "NV",
          "Pty Ltd", "Berhad", "KK", "GmbH", "AB", "ASA", "Oyj"]

AGREEMENT_KINDS = ["MOU", "offtake", "joint venture", "supply agreement", "equity stake",
                   "tolling agreement", "technology licence", "strategic partnership"]
MEASURES = ["export licence required", "export ban on unprocessed ore",
            "export quota", "export duty of 15%", "ban on technology export",
            "end-user certification required", "licensing for dual-use items",
            "temporary export suspension"]
USES = ["batteries", "permanent magnets", "catalysts", "alloys", "semiconductors",
        "integrated circuits", "laser diodes and LEDs", "solar cells", "fibre optics",
        "infrared optics", "superalloys", "ceramics", "glass", "pigments", "flame retardants",
        "steelmaking", "electroplating", "defense applications", "medical devices",
        "chemical industry", "fertilizers", "refractories", "cutting tools", "capacitors",
        "nuclear applications", "aerospace components", "polymers", "phosphors", "other"]
TAGS = ["semiconductors", "defense", "batteries", "energy-transition", "magnets", "aerospace",
        "steel", "electronics", "by-product", "rare-earths", "pgm", "base-metals",
        "industrial-minerals", "nuclear", "chemicals", "optics", "ev", "grid"]

SITE_SOURCES = [
    ("usgs-mcs-2023", "USGS Mineral Commodity Summaries 2023",
     "https://pubs.usgs.gov/periodicals/mcs2023/mcs2023.pdf"),
    ("usgs-mcs-2024", "USGS Mineral Commodity Summaries 2024",
     "https://pubs.usgs.gov/periodicals/mcs2024/mcs2024.pdf"),
    ("usgs-mcs-2025", "USGS Mineral Commodity Summaries 2025",
     "https://pubs.usgs.gov/periodicals/mcs2025/mcs2025.pdf"),
    ("bgs-wms-2023", "BGS World Mineral Statistics 2017-2021",
     "https://www2.bgs.ac.uk/mineralsuk/statistics/worldStatistics.html"),
    ("iea-cmo-2024", "IEA Global Critical Minerals Outlook 2024",
     "https://www.iea.org/reports/global-critical-minerals-outlook-2024"),
    ("eu-crm-2023", "European Commission, Study on the Critical Raw Materials for the EU 2023",
     "https://single-market-economy.ec.europa.eu/publications/study-critical-raw-materials-eu-2023_en"),
    ("mofcom-2023-23", "MOFCOM Announcement No. 23 of 2023",
     "http://www.mofcom.gov.cn/article/zwgk/gkzcfb/202307/20230703419666.shtml"),
    ("census-trade", "US Census Bureau, USA Trade Online",
     "https://usatrade.census.gov/"),
]
SITE_SOURCE_IDS = [s[0] for s in SITE_SOURCES]

WORDS = ("supply demand refinery concentrate smelter output capacity tonnage grade ore "
         "recovery by-product feedstock offtake contract price premium spot tender stockpile "
         "inventory licence permit quota tariff duty exporter importer processing separation "
         "hydrometallurgy pyrometallurgy leaching flotation tailings deposit reserve resource "
         "exploration drilling feasibility financing expansion commissioning ramp-up outage "
         "maintenance logistics port rail corridor shipment customs regulator ministry "
         "agency policy strategy diversification dependence concentration risk resilience "
         "investment partnership consortium buyer seller market volatility forecast outlook "
         "technology battery magnet alloy catalyst semiconductor wafer cathode anode "
         "precursor sulfate hydroxide carbonate oxide metal powder ingot scrap recycling").split()

CODE_LANGS = ["yaml", "json", "python", "sh", "toml", "sql", "rust", "javascript", "bash",
              "text", "csv", ""]


# --------------------------------------------------------------------------- helpers

def q(s):
    """YAML double-quoted string (JSON string syntax is valid YAML)."""
    return json.dumps(s, ensure_ascii=False)


def slug(s):
    out = []
    prev_dash = False
    for ch in s.lower():
        if ch.isascii() and ch.isalnum():
            out.append(ch)
            prev_dash = False
        elif not prev_dash:
            out.append("-")
            prev_dash = True
    return "".join(out).strip("-")


def flow_map(d):
    parts = []
    for k, v in d.items():
        parts.append(f"{k}: {v}")
    return "{ " + ", ".join(parts) + " }"


def flow_list(xs):
    return "[" + ", ".join(xs) + "]"


def rdate(rng, y0=2019, y1=2025, month_only_p=0.0):
    y = rng.randint(y0, y1)
    m = rng.randint(1, 12)
    if rng.random() < month_only_p:
        return f"{y:04d}-{m:02d}"
    d = rng.randint(1, 28)
    return f"{y:04d}-{m:02d}-{d:02d}"


def weighted_countries(rng, k):
    pool = list(CODES)
    weights = [HEAVY.get(c, 1) for c in pool]
    chosen = []
    while len(chosen) < k and pool:
        tot = sum(weights)
        r = rng.random() * tot
        acc = 0
        for i, w in enumerate(weights):
            acc += w
            if r <= acc:
                chosen.append(pool.pop(i))
                weights.pop(i)
                break
        else:
            chosen.append(pool.pop())
            weights.pop()
    return chosen


def split_percent(rng, n, total=100):
    """n integer shares summing to exactly total, first largest-ish."""
    raw = [rng.paretovariate(1.2) for _ in range(n)]
    s = sum(raw)
    vals = [max(1, int(total * r / s)) for r in raw]
    diff = total - sum(vals)
    vals.sort(reverse=True)
    vals[0] += diff
    if vals[0] < 1:  # degenerate; fall back to equal split
        base = total // n
        vals = [base] * n
        vals[0] += total - base * n
    return vals


# --------------------------------------------------------------------------- model

class Ctx:
    pass


def build_model(n, rng):
    m = Ctx()
    # ids of plain pages and country notes are reserved up front (ids are site-wide)
    used_ids = set(p[0] for p in PLAIN_PAGES) | set(c.lower() for c in CODES)

    # ---- minerals
    minerals = []
    names_seen = set()
    i = 0
    while len(minerals) < n:
        if i < len(ELEMENTS):
            name, sym, unit = ELEMENTS[i]
        else:
            while True:
                nm = (rng.choice(SYL_A) + rng.choice(SYL_B) + rng.choice(SYL_C)
                      + rng.choice(MIN_SUFFIX))
                if rng.random() < 0.3:
                    nm = rng.choice(SYL_A) + rng.choice(SYL_B) + nm
                if nm not in names_seen:
                    break
            name, sym, unit = nm.capitalize(), None, rng.choice(["t", "t", "t", "kg"])
        i += 1
        mid = slug(name)
        if mid in used_ids or len(mid) <= 2:
            continue
        names_seen.add(name.lower())
        used_ids.add(mid)
        minerals.append({"id": mid, "title": name, "symbol": sym, "unit": unit,
                         "internal": False, "draft": False})
    # mark a few internal / draft minerals (never the first 10: those are "well known")
    n_int = max(1, n // 200) if n >= 3 else 0
    n_dr = max(1, n // 250) if n >= 5 else 0
    cand = list(range(min(10, n - 1) if n > 10 else 1, n))
    rng.shuffle(cand)
    for j in cand[:n_int]:
        minerals[j]["internal"] = True
    for j in cand[n_int:n_int + n_dr]:
        minerals[j]["draft"] = True
    m.minerals = minerals
    m.pub_minerals = [x for x in minerals if not x["internal"] and not x["draft"]]

    # ---- mineral data
    for mn in minerals:
        gen_mineral_data(mn, rng)

    # ---- companies
    companies = []
    nc = 4 * n
    while len(companies) < nc:
        name = f"{rng.choice(CO_PRE)} {rng.choice(CO_MID)} {rng.choice(CO_SUF)}"
        if rng.random() < 0.25:
            name = f"{rng.choice(CO_PRE)} {name}"
        cid = slug(name)
        if cid in used_ids:
            continue
        used_ids.add(cid)
        hq = weighted_countries(rng, 1)[0]
        companies.append({"id": cid, "title": name, "country": hq, "internal": False,
                          "draft": False, "subdir": None, "fname": cid})
    n_int = max(1, nc // 200)
    n_dr = max(1, nc // 300)
    cand = list(range(4, nc)) if nc > 8 else list(range(1, nc))
    rng.shuffle(cand)
    for j in cand[:n_int]:
        companies[j]["internal"] = True
    for j in cand[n_int:n_int + n_dr]:
        companies[j]["draft"] = True
    # some companies live in sub-folders (grouping only), e.g. companies/kr/<id>.md
    for c in companies:
        if rng.random() < 0.15:
            c["subdir"] = c["country"].lower()
    # one or two files with upper-case letters in the file name (id = lower-cased name)
    for c in companies[1:3]:
        c["fname"] = "-".join(w.capitalize() for w in c["id"].split("-"))
    m.companies = companies
    m.pub_companies = [c for c in companies if not c["internal"] and not c["draft"]]
    for c in companies:
        gen_company_data(c, m, rng)

    # ---- briefs
    briefs = []
    k = 0
    while len(briefs) < n:
        k += 1
        mins = rng.sample(m.pub_minerals, min(len(m.pub_minerals), rng.randint(1, 4)))
        cos = rng.sample(m.pub_companies, min(len(m.pub_companies), rng.randint(0, 3)))
        date = rdate(rng, 2020, 2025, month_only_p=0.2)
        topic = rng.choice(["export controls", "supply outlook", "price review",
                            "capacity expansion", "trade flows", "policy update",
                            "cooperation agreement", "stockpile review", "market note",
                            "processing bottlenecks", "investment screening"])
        title = f"{mins[0]['title']} {topic}"
        if len(mins) > 1:
            title = f"{mins[0]['title']} and {mins[1]['title']}: {topic}"
        bid = slug(f"{date}-{mins[0]['id']}-{topic}")
        if bid in used_ids:
            bid = f"{bid}-{k}"
        if bid in used_ids:
            continue
        used_ids.add(bid)
        countries = []
        for c in cos:
            if c["country"] not in countries:
                countries.append(c["country"])
        for mn in mins:
            pt = mn["production"][0]
            top = max(pt["by_country"], key=lambda cc: pt["by_country"][cc])
            if top not in countries:
                countries.append(top)
        if rng.random() < 0.4 and "US" not in countries:
            countries.append("US")
        briefs.append({"id": bid, "title": title, "date": date, "minerals": mins,
                       "companies": cos, "countries": countries[:6], "topic": topic,
                       "internal": False, "draft": False,
                       "year": date[:4]})
    n_int = max(1, n // 150) if n >= 3 else 0
    n_dr = max(1, n // 200) if n >= 4 else 0
    cand = list(range(1, n))
    rng.shuffle(cand)
    for j in cand[:n_int]:
        briefs[j]["internal"] = True
    for j in cand[n_int:n_int + n_dr]:
        briefs[j]["draft"] = True
    m.briefs = briefs
    m.pub_briefs = [b for b in briefs if not b["internal"] and not b["draft"]]

    # ---- relations used to pick links
    m.producers = {mn["id"]: [] for mn in minerals}
    for c in m.pub_companies:
        for f in c["facilities"]:
            for p in f["products"]:
                if c not in m.producers[p["mineral"]]:
                    m.producers[p["mineral"]].append(c)
    m.briefs_of = {mn["id"]: [] for mn in minerals}
    for b in m.pub_briefs:
        for mn in b["minerals"]:
            m.briefs_of[mn["id"]].append(b)

    # ---- countries mentioned by public data (these get country pages)
    mentioned = []
    seen = set()

    def add(cc):
        if cc not in seen:
            seen.add(cc)
            mentioned.append(cc)
    for mn in m.pub_minerals:
        for pt in mn["production"]:
            for cc in pt["by_country"]:
                add(cc)
    for c in m.pub_companies:
        add(c["country"])
        for f in c["facilities"]:
            add(f["country"])
    m.mentioned = mentioned
    m.mentioned_set = seen
    m.used_ids = used_ids
    m.co_by_id = {c["id"]: c for c in companies}
    return m


def gen_mineral_data(mn, rng):
    unit = mn["unit"]
    scale = rng.choice([10, 100, 1000, 10000, 100000, 1000000])
    stages = rng.sample(["mine", "refinery", "smelter"], rng.randint(1, 3))
    years = sorted(rng.sample(range(2018, 2025), rng.randint(1, 4)))
    prod = []
    base_countries = weighted_countries(rng, rng.randint(3, 25))
    for st in stages:
        for y in years:
            k = rng.randint(3, 25)
            cs = list(base_countries[:k])
            if len(cs) < 3:
                cs += [c for c in weighted_countries(rng, 5) if c not in cs][: 3 - len(cs)]
            vals = {}
            for j, cc in enumerate(cs):
                v = int(scale * rng.paretovariate(1.1) / (j + 1))
                vals[cc] = max(1, v)
            # sort by value desc, as a writer copying USGS tables would
            vals = dict(sorted(vals.items(), key=lambda kv: -kv[1]))
            tot = sum(vals.values())
            entry = {"year": y, "stage": st, "unit": unit, "by_country": vals,
                     "source": rng.choice(["usgs-mcs-2024", "usgs-mcs-2025", "usgs-mcs-2023",
                                           "bgs-wms-2023", "page-src"])}
            r = rng.random()
            if r < 0.35:
                entry["world"] = tot + max(1, int(tot * rng.uniform(0.01, 0.4)))
            elif r < 0.55:
                entry["world"] = tot
            if rng.random() < 0.3:
                entry["estimated"] = True
            if rng.random() < 0.2:
                entry["note"] = rng.choice([
                    "primary production only; secondary output excluded",
                    "figures rounded to three significant digits",
                    "contained metal content",
                    "gross weight of concentrate",
                    "excludes US output to avoid disclosing company proprietary data",
                    "includes estimates for artisanal output"])
            prod.append(entry)
    mn["production"] = prod
    mn["stages"] = stages
    mn["base_countries"] = base_countries
    if rng.random() < 0.8:
        rc = rng.sample(base_countries, min(len(base_countries), rng.randint(2, 10)))
        mn["reserves"] = {"unit": unit,
                          "by_country": {c: int(scale * rng.uniform(5, 200)) for c in rc},
                          "source": rng.choice(["usgs-mcs-2024", "usgs-mcs-2025", "page-src"])}
    if rng.random() < 0.85:
        k = rng.randint(2, 6)
        names = rng.sample(USES, k)
        total = rng.choice([100, 100, 100, 96, 90])
        shares = split_percent(rng, k, total)
        mn["uses"] = list(zip(names, shares))
    if rng.random() < 0.75:
        k = rng.randint(2, 7)
        cs = rng.sample(base_countries, min(k, len(base_countries)))
        shares = split_percent(rng, len(cs) + 1, 100)
        sh = dict(zip(cs, shares[:-1]))
        sh["other"] = shares[-1]
        y0 = rng.randint(2017, 2020)
        mn["us_trade"] = {"nir": (rng.randint(2021, 2024), rng.choice(
            [100, 100, rng.randint(5, 99), rng.randint(50, 99)])),
            "period": f"{y0}-{y0 + 3}", "shares": sh,
            "source": rng.choice(["usgs-mcs-2024", "usgs-mcs-2025", "census-trade"])}
    ec = []
    if rng.random() < 0.35:
        for _ in range(rng.randint(1, 3)):
            ec.append({"country": rng.choice(base_countries[:4]),
                       "effective": rdate(rng, 2010, 2025),
                       "measure": rng.choice(MEASURES),
                       "source": rng.choice(["mofcom-2023-23", "page-src", "eu-crm-2023"])})
    mn["export_controls"] = ec
    crit = {}
    if rng.random() < 0.7:
        crit["us"] = rng.choice([2018, 2022])
    if rng.random() < 0.6:
        crit["eu"] = rng.choice([2017, 2020, 2023])
    if rng.random() < 0.15:  # "year of each list the mineral is on": other lists too
        crit[rng.choice(["uk", "jp", "ca", "au", "in"])] = rng.choice([2021, 2022, 2023, 2024])
    mn["critical"] = crit
    mn["tags"] = rng.sample(TAGS, rng.randint(0, 4))
    mn["aliases"] = []
    if rng.random() < 0.5:
        mn["aliases"] = [f"{mn['title'].lower()} metal"]
        if rng.random() < 0.3:
            mn["aliases"].append(f"{mn['title'][:4].lower()}-bearing ore")
    mn["as_of"] = rdate(rng, 2023, 2025, month_only_p=0.8)


def gen_company_data(c, m, rng):
    pool = m.pub_minerals
    c["headquarters"] = rng.choice(CITIES[c["country"]])
    c["founded"] = rng.randint(1850, 2022)
    ex = EXCH[c["country"]]
    if ex and rng.random() < 0.7:
        c["listing"] = (ex, f"{rng.randint(1, 999999):06d}" if rng.random() < 0.4
                        else "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
                                     for _ in range(rng.randint(2, 4))))
    elif rng.random() < 0.15:
        c["listing"] = (rng.choice(["NYSE", "LSE", "ASX", "TSX"]),
                        "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(3)))
    facs = []
    primary = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
    for fi in range(2):
        fc = c["country"] if rng.random() < 0.6 else weighted_countries(rng, 1)[0]
        kind = rng.choice(["Smelter", "Refinery", "Mine", "Plant", "Processing Facility",
                           "Concentrator", "Separation Plant"])
        loc = rng.choice(CITIES[fc])
        prods = []
        mins = list(primary)
        if rng.random() < 0.6:
            extra = rng.choice(pool)
            if extra not in mins:
                mins.append(extra)
        for mn in mins:
            p = {"mineral": mn["id"]}
            r = rng.random()
            if r < 0.65:
                p["capacity"] = int(rng.choice([10, 100, 1000, 10000]) * rng.uniform(1, 80))
                p["unit"] = "t/yr" if mn["unit"] == "t" else "kg/yr"
                p["source"] = "co-src"
            if rng.random() < 0.15:
                p["status"] = rng.choice(["planned", "closed", "operating"])
            prods.append(p)
        facs.append({"name": f"{loc} {kind}" + (f" {fi + 1}" if fi and rng.random() < 0.3 else ""),
                     "location": loc, "country": fc, "products": prods})
    if facs[0]["name"] == facs[1]["name"]:
        facs[1]["name"] += " II"
    c["facilities"] = facs
    c["primary"] = primary
    ag = []
    if rng.random() < 0.55:
        for _ in range(rng.randint(1, 3)):
            a = {"date": rdate(rng, 2015, 2025, month_only_p=0.4),
                 "kind": rng.choice(AGREEMENT_KINDS),
                 "minerals": [x["id"] for x in rng.sample(primary, min(len(primary), 2))],
                 "summary": rng.choice([
                     "Long-term supply of concentrate to the partner's refinery.",
                     "Joint study on a new processing line.",
                     "Offtake of a share of planned output for ten years.",
                     "Cooperation on recycling & recovery of by-products.",
                     "Memorandum on exploration in the partner's licence area.",
                     "Equity investment with board seat and offtake rights."]),
                 "source": "co-src"}
            if rng.random() < 0.75 and len(m.pub_companies) > 1:
                while True:
                    other = rng.choice(m.pub_companies)
                    if other["id"] != c["id"]:
                        break
                a["with"] = other["id"]
            else:
                a["with_name"] = rng.choice([
                    "US Department of Defense", "Ministry of Trade, Industry and Energy",
                    "Japan Organization for Metals and Energy Security",
                    "European Raw Materials Alliance", "Minerals Security Partnership",
                    "Export-Import Bank of Korea", "Development Finance Corporation",
                    "A consortium of Japanese trading houses"])
            ag.append(a)
    c["agreements"] = ag


# --------------------------------------------------------------------------- text

class Text:
    def __init__(self, rng):
        self.rng = rng

    def words(self, k):
        return " ".join(self.rng.choice(WORDS) for _ in range(k))

    def sentence(self, subj):
        r = self.rng
        t = r.randint(0, 9)
        w = self.words
        if t == 0:
            s = f"{subj} {w(r.randint(4, 9))} according to {r.choice(['industry sources', 'customs data', 'company filings', 'the ministry', 'trade statistics'])}"
        elif t == 1:
            s = f"In {r.randint(2015, 2025)}, {subj.lower() if subj[0].isupper() and ' ' not in subj else subj} saw {w(r.randint(3, 8))}"
        elif t == 2:
            s = f"Analysts expect {w(r.randint(3, 7))} to tighten by {r.randint(2, 40)}% over the next {r.randint(2, 8)} years"
        elif t == 3:
            s = f"The {w(2)} remains the main constraint, with {w(r.randint(3, 7))}"
        elif t == 4:
            s = f"Output of {subj} rose to {r.randint(10, 9000):,} t while {w(r.randint(3, 6))} fell"
        elif t == 5:
            s = f"Buyers in {r.choice(list(CNAME.values()))} reported {w(r.randint(4, 10))}"
        elif t == 6:
            s = f"A {w(1)} of about {r.randint(1, 99)} percent points to {w(r.randint(3, 8))}"
        elif t == 7:
            s = f"{w(1).capitalize()} {w(r.randint(5, 12))}"
        elif t == 8:
            s = f"Prices for {subj} moved between ${r.randint(5, 900)} and ${r.randint(901, 3000)} per kg, reflecting {w(r.randint(2, 6))}"
        else:
            s = f"Officials said the {w(2)} would {w(r.randint(3, 7))} before {r.randint(2025, 2032)}"
        return s[0].upper() + s[1:] + "."

    def para(self, subj, links=()):
        r = self.rng
        sents = [self.sentence(subj) for _ in range(r.randint(3, 7))]
        for ln in links:
            pos = r.randrange(len(sents))
            sents[pos] = sents[pos][:-1] + f", see {ln}."
        if r.random() < 0.25:
            pos = r.randrange(len(sents))
            sents[pos] = sents[pos][:-1] + f" (*{self.words(2)}*, **{self.words(1)}**)."
        if r.random() < 0.1:
            pos = r.randrange(len(sents))
            sents[pos] = sents[pos][:-1] + " See `" + self.words(1) + "_ratio` in the data export."
        return " ".join(sents)

    def bullets(self, subj, k=None):
        r = self.rng
        k = k or r.randint(3, 7)
        return "\n".join(f"- {self.sentence(subj)}" for _ in range(k))

    def numbered(self, subj, k=None):
        r = self.rng
        k = k or r.randint(3, 6)
        return "\n".join(f"{i + 1}. {self.sentence(subj)}" for i in range(k))

    def table(self, countries):
        r = self.rng
        rows = ["| Country | Share (%) | Trend | Comment |", "|---|---:|:---:|---|"]
        linked = r.random() < 0.4
        for cc in countries[: r.randint(3, 8)]:
            # unlabeled wiki links only: `[[id|Label]]` would be split by the table's pipes
            name = f"[[{cc}]]" if linked and cc in self.mentioned else f"{CNAME[cc]} ({cc})"
            rows.append(f"| {name} | {r.randint(1, 60)} | "
                        f"{r.choice(['up', 'down', 'flat', 'n/a'])} | {self.words(r.randint(2, 5))} |")
        return "\n".join(rows)

    def code(self, ctx_id):
        r = self.rng
        lang = r.choice(CODE_LANGS)
        if lang == "yaml":
            body = (f"mineral: {ctx_id}\nstage: refinery\nthresholds:\n  hhi_high: 2500\n"
                    f"  hhi_moderate: 1500\nwatch:\n  - {self.words(1)}\n  - {self.words(1)}\n")
        elif lang == "json":
            body = json.dumps({"mineral": ctx_id, "year": r.randint(2019, 2024),
                               "shares": {"CN": r.randint(40, 90), "other": r.randint(1, 10)},
                               "estimated": r.random() < 0.5}, indent=2) + "\n"
        elif lang == "python":
            body = ("import json\n\n"
                    "def hhi(shares):\n"
                    "    \"\"\"Herfindahl-Hirschman index of percentage shares.\"\"\"\n"
                    "    return sum(s * s for s in shares.values())\n\n"
                    f"data = json.load(open(\"{ctx_id}/data.json\"))\n"
                    "print(hhi(data[\"production\"][0][\"shares\"]))\n")
        elif lang in ("sh", "bash"):
            body = (f"curl -s https://example.org/data/{ctx_id}.csv \\\n  | awk -F, 'NR>1 {{s+=$3}} END {{print s}}'\n"
                    f"jq '.production | length' {ctx_id}/data.json\n")
        elif lang == "toml":
            body = (f"[mineral]\nid = \"{ctx_id}\"\nstage = \"mine\"\n\n[limits]\n"
                    f"max_share = {r.randint(30, 90)}\nwarn = true\n")
        elif lang == "sql":
            body = (f"SELECT country, SUM(tonnes) AS t\nFROM production\n"
                    f"WHERE mineral = '{ctx_id}' AND year >= {r.randint(2015, 2022)}\n"
                    "GROUP BY country\nORDER BY t DESC\nLIMIT 10;\n")
        elif lang == "rust":
            body = ("fn hhi(shares: &[f64]) -> f64 {\n"
                    "    shares.iter().map(|s| s * s).sum()\n}\n\n"
                    "fn main() {\n    let s = [62.0, 11.5, 8.0];\n"
                    "    println!(\"HHI = {:.0}\", hhi(&s));\n}\n")
        elif lang == "javascript":
            body = (f"const res = await fetch('/data/{ctx_id}.json');\n"
                    "const d = await res.json();\n"
                    "console.log(d.production.map(p => p.world).reduce((a, b) => a + b, 0));\n")
        elif lang == "csv":
            body = "country,year,tonnes\n" + "".join(
                f"{cc},{r.randint(2019, 2024)},{r.randint(1, 90000)}\n" for cc in r.sample(CODES, 4))
        else:
            body = f"{self.words(8)}\n{self.words(6)}\n"
        return f"```{lang}\n{body}```"


# --------------------------------------------------------------------------- writers

def src_entry(sid, title, url, accessed=None):
    d = {"id": q(sid), "title": q(title), "url": q(url)}
    if accessed:
        d["accessed"] = accessed
    return "  - " + flow_map(d)


def common_tail(lines, rng, page, kind):
    """updated / extra / internal / visibility / draft fields."""
    if rng.random() < 0.4:
        lines.append(f"updated: {rdate(rng, 2024, 2025)}")
    if rng.random() < 0.25:
        lines.append("extra:")
        lines.append(f"  hero_colour: {q(rng.choice(['#1f6f8b', '#8b1f3a', '#44692d']))}")
        lines.append(f"  featured: {str(rng.random() < 0.5).lower()}")
        lines.append(f"  analyst: {q(rng.choice(['J. Park', 'M. Okafor', 'L. Chen', 'S. Müller']))}")
        if rng.random() < 0.5:
            lines.append("  related_reports:")
            lines.append("    - { name: \"Quarterly review\", year: 2024 }")
    if page.get("internal") or rng.random() < 0.03:
        lines.append("internal:")
        lines.append(f"  contact: {q('desk officer INTERNAL-FIELD-MARKER')}")
        lines.append(f"  notes: {q('Sensitive assessment; do not publish.')}")
        lines.append(f"  risk_score: {rng.randint(1, 5)}")
    if page.get("internal"):
        lines.append("visibility: internal")
    if page.get("draft"):
        lines.append("draft: true")


def size_target(rng):
    r = rng.random()
    if r < 0.04:
        return rng.randint(17000, 21000)
    if r < 0.12:
        return rng.randint(1800, 2600)
    return int(min(21000, max(2000, rng.lognormvariate(math.log(6650), 0.5))))


def internal_block(txt, subj, m, rng):
    extra = ""
    ints = [x for x in m.minerals if x["internal"]] + [c for c in m.companies if c["internal"]]
    if ints and rng.random() < 0.5:
        t = rng.choice(ints)
        extra = f" Cross-check with [[{t['id']}]]."
    return ("{% internal() %}\n**Internal assessment (INTERNAL-BLOCK-MARKER).** "
            + txt.para(subj) + extra + "\n{% end %}")


def fill_body(parts, target, cur, subj, txt, countries, ctx_id, rng, links_pool):
    """Append generic sections until the file reaches roughly target bytes."""
    headings = ["Market context", "Supply chain", "Policy", "Outlook", "Risks",
                "Processing", "Trade flows", "Recent developments", "Methodology notes",
                "Demand drivers", "Prices", "Recycling"]
    h = 0
    while cur < target:
        title = headings[h % len(headings)]
        if h >= len(headings):
            title += f" ({h // len(headings) + 1})"
        h += 1
        block = [f"## {title}", txt.para(subj, links=[rng.choice(links_pool)] if links_pool and rng.random() < 0.3 else ())]
        r = rng.random()
        if r < 0.2:
            block.append(txt.bullets(subj))
        elif r < 0.3:
            block.append(txt.numbered(subj))
        elif r < 0.38:
            block.append(txt.table(countries))
        elif r < 0.45:
            block.append(txt.code(ctx_id))
        elif r < 0.5:
            block.append("> " + txt.sentence(subj))
        block.append(txt.para(subj))
        s = "\n\n".join(block)
        parts.append(s)
        cur += len(s.encode()) + 2


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def country_link(rng, cc):
    if rng.random() < 0.2:
        return f"[[{cc}|{CNAME[cc]}]]"
    return f"[[{cc}]]"


def mineral_page(mn, m, rng, txt, out):
    L = ["---", f"title: {q(mn['title'])}"]
    if mn["symbol"]:
        L.append(f"symbol: {mn['symbol']}")
    summ = f"{mn['title']}: {txt.words(rng.randint(6, 14))}."
    if rng.random() < 0.05:
        summ = f"{mn['title']} & by-products <used> in \"alloys\" - {txt.words(4)}."
    L.append(f"summary: {q(summ)}")
    if mn["aliases"]:
        L.append(f"aliases: {flow_list(q(a) for a in mn['aliases'])}")
    if mn["tags"]:
        L.append(f"tags: {flow_list(mn['tags'])}")
    if mn["critical"]:
        L.append(f"critical: {flow_map(mn['critical'])}")
    L.append(f"as_of: {mn['as_of']}")
    L.append("production:")
    for pt in mn["production"]:
        L.append(f"  - year: {pt['year']}")
        L.append(f"    stage: {pt['stage']}")
        L.append(f"    unit: {pt['unit']}")
        if "world" in pt:
            L.append(f"    world: {pt['world']}")
        L.append(f"    by_country: {flow_map(pt['by_country'])}")
        if pt.get("estimated"):
            L.append("    estimated: true")
        if "note" in pt:
            L.append(f"    note: {q(pt['note'])}")
        L.append(f"    source: {pt['source']}")
    if "reserves" in mn:
        rv = mn["reserves"]
        L += ["reserves:", f"  unit: {rv['unit']}", f"  by_country: {flow_map(rv['by_country'])}",
              f"  source: {rv['source']}"]
    if "uses" in mn:
        L.append("uses:")
        for name, share in mn["uses"]:
            L.append("  - " + flow_map({"name": q(name), "share": share}))
    if "us_trade" in mn:
        t = mn["us_trade"]
        L += ["us_trade:",
              f"  net_import_reliance: {{ year: {t['nir'][0]}, percent: {t['nir'][1]} }}",
              f"  import_sources: {{ period: {t['period']}, shares: {flow_map(t['shares'])} }}",
              f"  source: {t['source']}"]
    if mn["export_controls"]:
        L.append("export_controls:")
        for e in mn["export_controls"]:
            L.append("  - " + flow_map({"country": e["country"], "effective": e["effective"],
                                        "measure": q(e["measure"]), "source": e["source"]}))
    L.append("sources:")
    L.append(src_entry("page-src", f"{mn['title']}: national statistics digest",
                       f"https://stats.example.org/{mn['id']}", rdate(rng, 2024, 2025)))
    if rng.random() < 0.3:
        # page-level id shadowing a site-level one
        L.append(src_entry("usgs-mcs-2024", f"USGS Mineral Commodity Summaries 2024: {mn['title']}",
                           f"https://pubs.usgs.gov/periodicals/mcs2024/mcs2024-{mn['id']}.pdf",
                           rdate(rng, 2024, 2025)))
    if rng.random() < 0.3:
        L.append(src_entry("trade-press", "Metal Bulletin market report",
                           "https://press.example.com/report"))
    common_tail(L, rng, mn, "mineral")
    L.append("---")
    fm = "\n".join(L) + "\n"

    # ---- body
    target = size_target(rng)
    countries = list(mn["production"][0]["by_country"].keys())
    others = [x for x in m.pub_minerals if x["id"] != mn["id"]]
    prods = m.producers.get(mn["id"], [])
    briefs = m.briefs_of.get(mn["id"], [])
    pool = []
    for x in rng.sample(others, min(3, len(others))):
        pool.append(f"[[{x['id']}]]")
    for c in prods[:3]:
        pool.append(f"[[{c['id']}|{c['title']}]]")
    for b in briefs[:2]:
        pool.append(f"[[{b['id']}]]")
    pool.append(country_link(rng, countries[0]))
    pool.append(f"[[{countries[1]}]]")
    parts = [f"# {mn['title']}" if rng.random() < 0.2 else f"{mn['title']} is tracked here as a {'critical ' if mn['critical'] else ''}mineral."]
    parts.append("## Overview")
    parts.append(txt.para(mn["title"], links=pool[:3]))
    if others:
        x = rng.choice(others)
        parts.append(f"It is often compared with [{x['title'].lower()}](@/minerals/{x['id']}.md) "
                     f"and {country_link(rng, countries[-1])}. " + txt.para(mn["title"]))
    parts.append("## Production")
    if rng.random() < 0.5:
        st = mn["production"][0]["stage"]
        parts.append(f'{{{{ supply_table(mineral="{mn["id"]}", stage="{st}") }}}}')
    if rng.random() < 0.35:
        parts.append(f'{{{{ chart(mineral="{mn["id"]}") }}}}')
    parts.append(txt.table(countries))
    parts.append(txt.para(mn["title"], links=pool[3:5]))
    if prods:
        parts.append("## Producers")
        if rng.random() < 0.5:
            parts.append(f'{{{{ producers(mineral="{mn["id"]}") }}}}')
        parts.append("\n".join(f"- [[{c['id']}|{c['title']}]] ({CNAME[c['country']]})"
                               for c in prods[: rng.randint(1, 6)]))
    if "us_trade" in mn:
        parts.append("## US imports")
        if rng.random() < 0.5:
            parts.append(f'{{{{ import_sources(mineral="{mn["id"]}") }}}}')
        parts.append(txt.para(mn["title"]))
    parts.append("## Key points")
    parts.append(txt.numbered(mn["title"]))
    parts.append(txt.code(mn["id"]))
    if rng.random() < 0.25:
        parts.append(internal_block(txt, mn["title"], m, rng))
    if briefs:
        parts.append("## Related briefs")
        parts.append("\n".join(f"- [[{b['id']}|{b['title']}]] ({b['date']})" for b in briefs[:5]))
    cur = len(fm.encode()) + sum(len(p.encode()) + 2 for p in parts)
    fill_body(parts, target, cur, mn["title"], txt, countries, mn["id"], rng, pool)
    write(os.path.join(out, "content", "minerals", mn["id"] + ".md"),
          fm + "\n" + "\n\n".join(parts) + "\n")


def company_page(c, m, rng, txt, out):
    L = ["---", f"title: {q(c['title'])}", f"country: {c['country']}",
         f"headquarters: {q(c['headquarters'])}", f"founded: {c['founded']}"]
    if "listing" in c:
        L.append(f"listing: {{ exchange: {c['listing'][0]}, ticker: {q(c['listing'][1])} }}")
    if rng.random() < 0.8:
        L.append(f"website: https://www.{c['id'][:40].strip('-')}.example.com")
    L.append(f"summary: {q(c['title'] + ' ' + txt.words(rng.randint(5, 12)) + '.')}")
    L.append("facilities:")
    for f in c["facilities"]:
        L.append(f"  - name: {q(f['name'])}")
        L.append(f"    location: {q(f['location'])}")
        L.append(f"    country: {f['country']}")
        L.append("    products:")
        for p in f["products"]:
            L.append("      - " + flow_map(p))
    if c["agreements"]:
        L.append("agreements:")
        for a in c["agreements"]:
            d = {"date": a["date"]}
            if "with" in a:
                d["with"] = a["with"]
            else:
                d["with_name"] = q(a["with_name"])
            d["kind"] = q(a["kind"])
            d["minerals"] = flow_list(a["minerals"])
            d["summary"] = q(a["summary"])
            d["source"] = a["source"]
            L.append("  - " + flow_map(d))
    L.append("sources:")
    L.append(src_entry("co-src", f"{c['title']} annual report {rng.randint(2022, 2024)}",
                       f"https://www.{c['id'][:40].strip('-')}.example.com/ir/annual-report.pdf",
                       rdate(rng, 2024, 2025)))
    if rng.random() < 0.2:
        L.append(src_entry("exchange-filing", "Exchange filing", "https://filings.example.org/x"))
    common_tail(L, rng, c, "company")
    L.append("---")
    fm = "\n".join(L) + "\n"

    target = size_target(rng)
    target = int(target * 0.93)  # companies a bit smaller on average than minerals
    mins = [m_ for m_ in c["primary"]]
    countries = [c["country"]] + [f["country"] for f in c["facilities"]]
    pool = [f"[[{mins[0]['id']}]]", country_link(rng, c["country"])]
    for a in c["agreements"]:
        if "with" in a:
            oc = next((x for x in m.pub_companies if x["id"] == a["with"]), None)
            pool.append(f"[[{a['with']}|{oc['title'] if oc else a['with']}]]")
    if len(mins) > 1:
        pool.append(f"[[{mins[1]['id']}|{mins[1]['title'].lower()}]]")
    pool.append(f"[[{c['facilities'][1]['country']}]]")
    parts = [f"{c['title']} is headquartered in {c['headquarters']}, {CNAME[c['country']]}."]
    parts.append("## Profile")
    parts.append(txt.para(c["title"], links=pool[:3]))
    sub = ["content", "companies"] + ([c["subdir"]] if c["subdir"] else [])
    if target < 3000:  # compact profile (the ~2 KB files)
        parts.append(f"Main product: [{mins[0]['title']}](@/minerals/{mins[0]['id']}.md).")
        write(os.path.join(out, *sub, c["fname"] + ".md"), fm + "\n" + "\n\n".join(parts) + "\n")
        return
    parts.append("## Facilities")
    for f in c["facilities"]:
        parts.append(f"### {f['name']}")
        parts.append(f"Located in {f['location']} ({country_link(rng, f['country'])}). "
                     + txt.para(c["title"]))
        parts.append("\n".join(
            f"- {next(x['title'] for x in m.minerals if x['id'] == p['mineral'])}"
            f"{': ' + format(p['capacity'], ',') + ' ' + p['unit'] if 'capacity' in p else ''}"
            f"{' (' + p['status'] + ')' if 'status' in p else ''}" for p in f["products"]))
    parts.append(f"Main product: [{mins[0]['title']}](@/minerals/{mins[0]['id']}.md).")
    partners = [m.co_by_id[a["with"]] for a in c["agreements"] if "with" in a]
    if partners:
        p = partners[0]
        parts.append(f"Partner profile: [{p['title']}](@/{company_path(p)}).")
    if rng.random() < 0.3:
        parts.append(txt.table(countries + rng.sample(CODES, 5)))
    if rng.random() < 0.4:
        parts.append(txt.code(c["id"]))
    parts.append("## Strategy")
    parts.append(txt.bullets(c["title"]))
    if rng.random() < 0.15:
        parts.append(internal_block(txt, c["title"], m, rng))
    cur = len(fm.encode()) + sum(len(p.encode()) + 2 for p in parts)
    fill_body(parts, target, cur, c["title"], txt, countries, c["id"], rng, pool)
    sub = ["content", "companies"] + ([c["subdir"]] if c["subdir"] else [])
    write(os.path.join(out, *sub, c["fname"] + ".md"), fm + "\n" + "\n\n".join(parts) + "\n")


def company_path(c):
    return "/".join(["companies"] + ([c["subdir"]] if c["subdir"] else []) + [c["fname"] + ".md"])


def brief_path(b):
    return f"briefs/{b['year']}/{b['id']}.md" if int(b["year"]) <= 2022 else f"briefs/{b['id']}.md"


def brief_page(b, m, rng, txt, out):
    L = ["---", f"title: {q(b['title'])}", f"date: {b['date']}",
         f"summary: {q(txt.sentence(b['minerals'][0]['title']))}",
         f"minerals: {flow_list(x['id'] for x in b['minerals'])}"]
    if b["companies"]:
        L.append(f"companies: {flow_list(x['id'] for x in b['companies'])}")
    if b["countries"]:
        L.append(f"countries: {flow_list(b['countries'])}")
    common_tail(L, rng, b, "brief")
    L.append("---")
    fm = "\n".join(L) + "\n"
    target = int(size_target(rng) * 1.05)
    mn = b["minerals"][0]
    countries = b["countries"] or ["US", "CN", "KR"]
    countries = [x for x in countries] + [x for x in mn["production"][0]["by_country"] if x not in countries]
    pool = [f"[[{x['id']}]]" for x in b["minerals"]]
    pool += [f"[[{x['id']}|{x['title']}]]" for x in b["companies"]]
    pool += [country_link(rng, x) for x in b["countries"]]
    while len(pool) < 3:
        pool.append(f"[[{rng.choice(m.pub_minerals)['id']}]]")
    parts = ["## Summary", txt.para(mn["title"], links=pool[:3])]
    if target < 3000:  # compact brief (the ~2 KB files)
        parts.append(txt.bullets(mn["title"], 3))
        write(os.path.join(out, "content", brief_path(b)), fm + "\n" + "\n\n".join(parts) + "\n")
        return
    if rng.random() < 0.5:
        parts.append(f"Background: [{mn['title']} profile](@/minerals/{mn['id']}.md).")
    if b["companies"] and rng.random() < 0.5:
        c0 = b["companies"][0]
        parts.append(f"Company background: [{c0['title']}](@/{company_path(c0)}).")
    if rng.random() < 0.3:
        ob = rng.choice(m.pub_briefs)
        if ob is not b:
            parts.append(f"Earlier coverage: [{ob['title']}](@/{brief_path(ob)}).")
    parts.append("## What happened")
    parts.append(txt.numbered(mn["title"]))
    parts.append(txt.para(mn["title"], links=pool[3:6]))
    r = rng.random()
    if r < 0.2:
        parts.append(f'{{{{ supply_table(mineral="{mn["id"]}", stage="{mn["production"][0]["stage"]}") }}}}')
    elif r < 0.35:
        parts.append(f'{{{{ chart(mineral="{mn["id"]}") }}}}')
    elif r < 0.45 and "us_trade" in mn:
        parts.append(f'{{{{ import_sources(mineral="{mn["id"]}") }}}}')
    elif r < 0.55 and m.producers.get(mn["id"]):
        parts.append(f'{{{{ producers(mineral="{mn["id"]}") }}}}')
    parts.append("## Implications")
    parts.append(txt.bullets(mn["title"]))
    parts.append(txt.table(countries))
    if rng.random() < 0.3:
        parts.append(txt.code(mn["id"]))
    if rng.random() < 0.2:
        parts.append(internal_block(txt, mn["title"], m, rng))
    cur = len(fm.encode()) + sum(len(p.encode()) + 2 for p in parts)
    fill_body(parts, target, cur, mn["title"], txt, countries, mn["id"], rng, pool)
    write(os.path.join(out, "content", brief_path(b)), fm + "\n" + "\n\n".join(parts) + "\n")


PLAIN_PAGES = [
    ("methodology", "Methodology", "How figures, shares and concentration indices are computed."),
    ("sources-and-data", "Sources and data", "Where the numbers come from."),
    ("glossary", "Glossary", "Terms used across the portal."),
    ("faq", "Frequently asked questions", None),
    ("contact", "Contact", "How to reach the editorial team."),
    ("changelog", "Changelog", "Notable changes to the portal."),
    ("data-downloads", "Data downloads", "CSV and JSON exports."),
    ("editorial-policy", "Editorial policy", None),
    ("team-handbook", "Team handbook", "Internal handbook."),       # internal
    ("upcoming-review", "Upcoming review", "Not ready yet."),        # draft
]


def plain_pages(m, rng, txt, out):
    pubs = m.pub_minerals
    for i, (pid, title, summ) in enumerate(PLAIN_PAGES):
        page = {"internal": pid == "team-handbook", "draft": pid == "upcoming-review"}
        L = ["---", f"title: {q(title)}"]
        if i == 0:
            L.append("kind: page")
        if summ:
            L.append(f"summary: {q(summ)}")
        if rng.random() < 0.6:
            L.append(f"date: {rdate(rng, 2023, 2025, month_only_p=0.3)}")
        L.append(f"weight: {(i + 1) * 10}")
        if rng.random() < 0.5:
            L.append(f"tags: {flow_list(rng.sample(TAGS, 2))}")
        common_tail(L, rng, page, "page")
        L.append("---")
        mm = rng.sample(pubs, min(3, len(pubs)))
        cc = rng.sample(m.mentioned, min(2, len(m.mentioned)))
        parts = [txt.para("The portal", links=[f"[[{mm[0]['id']}]]",
                                               f"[[{mm[-1]['id']}|{mm[-1]['title']}]]",
                                               country_link(rng, cc[0])]),
                 "## Details", txt.bullets("The portal"), txt.numbered("The portal"),
                 txt.code("example"), txt.table(cc + rng.sample(CODES, 4)),
                 f"See also [the {mm[0]['title']} profile](@/minerals/{mm[0]['id']}.md) and "
                 f"[[{'methodology' if pid != 'methodology' else 'glossary'}]]."]
        if pid == "team-handbook":
            parts.append("INTERNAL-PAGE-MARKER " + txt.para("The team"))
        fill_body(parts, rng.randint(3000, 9000), sum(len(p) for p in parts), "The portal",
                  txt, cc, "example", rng, [])
        write(os.path.join(out, "content", "about", pid + ".md"),
              "\n".join(L) + "\n\n" + "\n\n".join(parts) + "\n")


def country_notes(m, rng, txt, out):
    pref = ["CN", "US", "AU", "KR", "JP", "CL", "CD", "ID", "RU", "ZA", "CA", "BR", "DE",
            "NO", "KZ", "MN", "VN", "MM", "PE", "AR", "IN", "PH", "FI", "GL"]
    chosen = [c for c in pref if c in m.mentioned_set][:20]
    for cc in chosen:
        cos = [c for c in m.pub_companies if c["country"] == cc][:5]
        mins = [mn for mn in m.pub_minerals
                if any(cc in pt["by_country"] for pt in mn["production"])][:6]
        L = ["---", f"title: {q(CNAME[cc])}"]
        if rng.random() < 0.5:
            L.append(f"summary: {q('Notes on ' + CNAME[cc] + ' as a producer and trader of critical minerals.')}")
        if rng.random() < 0.5:
            L.append(f"updated: {rdate(rng, 2024, 2025)}")
        L.append("---")
        links = [f"[[{x['id']}]]" for x in mins[:2]] + [f"[[{x['id']}|{x['title']}]]" for x in cos[:2]]
        while len(links) < 3:
            links.append(f"[[{rng.choice(m.pub_minerals)['id']}]]")
        other = rng.choice([x for x in m.mentioned if x != cc])
        parts = [txt.para(CNAME[cc], links=links),
                 f"Trade with [[{other}|{CNAME[other]}]] is covered on its own page.",
                 "## Policy", txt.bullets(CNAME[cc]), "## Producers",
                 "\n".join(f"- [[{x['id']}]]" for x in cos) or txt.bullets(CNAME[cc]),
                 txt.table([cc, other] + rng.sample(CODES, 3))]
        if mins:
            parts.append(f'{{{{ producers(mineral="{mins[0]["id"]}") }}}}' if rng.random() < 0.3
                         else txt.para(CNAME[cc]))
        fill_body(parts, rng.randint(3000, 12000), sum(len(p) for p in parts), CNAME[cc], txt,
                  [cc, other], cc.lower(), rng, [])
        write(os.path.join(out, "content", "countries", cc.lower() + ".md"),
              "\n".join(L) + "\n\n" + "\n\n".join(parts) + "\n")


def site_yaml(out):
    L = ["title: \"Critical Minerals Briefing (independent test corpus)\"",
         "description: \"Supply profiles of strategic minerals and the companies that produce them.\"",
         "base_url: https://example.github.io/minerals-alt/",
         "theme: default",
         "output_dir: public",
         "language: en",
         "relative_urls: false",
         "profile: public",
         "stale_after_months: 1200",
         "sources:"]
    for sid, title, url in SITE_SOURCES:
        L.append(src_entry(sid, title, url))
    L += ["extra:", "  org: \"Independent Test Desk\"", "  show_hhi: true"]
    write(os.path.join(out, "site.yaml"), "\n".join(L) + "\n")


def section_indexes(m, rng, txt, out):
    pub = m.pub_minerals
    home = ["---", "title: \"Critical Minerals Briefing\"", "---", "",
            "Welcome. This portal tracks supply concentration for strategic minerals.", "",
            f"Start with [[{pub[0]['id']}]], [[{pub[-1]['id']}|{pub[-1]['title']}]] or "
            f"[[{m.mentioned[0]}]]. Method: [[methodology]].", "",
            txt.para("The portal"), ""]
    upc = [c for c in m.pub_companies if c["fname"] != c["id"]]
    if upc:
        home += [f"Featured company: [{upc[0]['title']}](@/{company_path(upc[0])}) "
                 f"(also [[{upc[0]['id']}]]).", ""]
    write(os.path.join(out, "content", "_index.md"), "\n".join(home))
    for sec, title in [("minerals", "Minerals"), ("companies", "Companies"),
                       ("briefs", "Briefs"), ("about", "About"), ("countries", "Countries")]:
        body = txt.para(title, links=[f"[[{pub[0]['id']}]]"]) if sec != "countries" else txt.para(title)
        write(os.path.join(out, "content", sec, "_index.md"),
              f"---\ntitle: {q(title)}\n---\n\n{body}\n")


def main():
    args = sys.argv[1:]
    seed = SEED
    if "--seed" in args:
        i = args.index("--seed")
        seed = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    n = int(args[0])
    out = args[1]
    if n < 3:
        sys.exit("N must be >= 3")
    if os.path.exists(os.path.join(out, "content")):
        sys.exit(f"{out}/content already exists; use a fresh directory")
    rng = random.Random(seed)
    m = build_model(n, rng)
    txt = Text(rng)
    txt.mentioned = m.mentioned_set
    site_yaml(out)
    section_indexes(m, rng, txt, out)
    for mn in m.minerals:
        mineral_page(mn, m, rng, txt, out)
    for c in m.companies:
        company_page(c, m, rng, txt, out)
    for b in m.briefs:
        brief_page(b, m, rng, txt, out)
    plain_pages(m, rng, txt, out)
    country_notes(m, rng, txt, out)
    print(f"minerals={len(m.minerals)} companies={len(m.companies)} briefs={len(m.briefs)} "
          f"internal={sum(x['internal'] for x in m.minerals + m.companies + m.briefs)} "
          f"drafts={sum(x['draft'] for x in m.minerals + m.companies + m.briefs)} "
          f"countries_mentioned={len(m.mentioned)}")


if __name__ == "__main__":
    main()
