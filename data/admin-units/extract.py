#!/usr/bin/env python3
"""Writes the administrative-unit catalogue of dangbo from the data files of the PyPI package
`vietnamadminunits` (MIT, © 2025 Tran Ngoc Minh Hieu; see README.md here). Only the data is
used, not the package's code:

    pip download vietnamadminunits==1.0.4 --no-deps -d /tmp/vau
    unzip -o /tmp/vau/vietnamadminunits-1.0.4-py3-none-any.whl -d /tmp/vau/x
    python3 data/admin-units/extract.py /tmp/vau/x/vietnamadminunits/data
"""
import csv
import json
import sqlite3
import sys

src = sys.argv[1]
out = sys.argv[2] if len(sys.argv) > 2 else "data/admin-units"
db = sqlite3.connect(f"{src}/dataset.db")

legacy = db.execute(
    "SELECT provinceCode, province, districtCode, district, wardCode, ward, provinceKey, districtKey, wardKey"
    " FROM admin_units_legacy WHERE wardCode IS NOT NULL AND wardCode <> '' ORDER BY wardCode"
).fetchall()
current = db.execute(
    "SELECT provinceCode, province, wardCode, ward, provinceKey, wardKey FROM admin_units ORDER BY wardCode"
).fetchall()

with open(f"{out}/before-2025.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["province_code", "province", "district_code", "district", "ward_code", "ward"])
    seen = set()
    for r in legacy:
        if r[4] not in seen:
            seen.add(r[4])
            w.writerow(r[:6])

with open(f"{out}/from-2025.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["province_code", "province", "ward_code", "ward"])
    for r in current:
        w.writerow(r[:4])

# The 2025 conversion, by codes: each old commune to the new one that took it whole, or, for
# a commune divided between several, to each part (the package's default part marked).
old_code = {f"{r[6]}_{r[7]}_{r[8]}": r[4] for r in legacy}
new_code = {(r[4], r[5]): r[2] for r in current}
conv = json.load(open(f"{src}/converter_2025.json", encoding="utf-8"))
rows = set()
for new_prov, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
    for new_ward, olds in wards.items():
        for old in olds:
            # Five districts have no commune level (Hoàng Sa, Bạch Long Vĩ, Cồn Cỏ, Côn Đảo,
            # Lý Sơn… as the package lists them): nothing to map by commune code.
            if old in old_code:
                rows.add((old_code[old], new_code[(new_prov, new_ward)], 1))
for new_prov, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
    for old, parts in olds.items():
        for p in parts if old in old_code else []:
            rows.add((old_code[old], new_code[(new_prov, p["newWardKey"])], 1 if p["isDefaultNewWard"] else 0))
with open(f"{out}/2025-mapping.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["old_ward_code", "new_ward_code", "main"])
    for r in sorted(rows):
        w.writerow(r)
