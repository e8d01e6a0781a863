"""A synthetic catalog in the template's CSV format, scaled by the number of services.

Seeded and deterministic. Ratios per agency follow the demo: about 1 duty per 2 services, a
unit per 25 services with 3 posts and 2 employees per post. The real loader reads the result.
Usage: python bench/synth.py OUT_DIR --services 100000
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

SERVICES_PER_AGENCY = 1000
WORDS = ["صدور", "تمدید", "ثبت", "استعلام", "ابطال", "اصلاح", "گواهی", "پروانه", "مجوز", "کارت",
         "شناسنامه", "مالیات", "بیمه", "مستمری", "ساختمان", "کسب‌وکار", "ملک", "خودرو"]


def _title(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(3)) + f" {n}"


def generate(out: Path, services: int, seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    agencies = max(1, services // SERVICES_PER_AGENCY)
    rows: dict[str, list[list[str]]] = {k: [] for k in (
        "agencies", "units", "posts", "employees", "duties", "services")}
    for a in range(agencies):
        code = f"AG{a:04d}"
        rows["agencies"].append([code, f"دستگاه نمونه {a}", "organization"])
        per = services // agencies + (1 if a < services % agencies else 0)
        units = max(1, per // 25)
        for u in range(units):
            rows["units"].append([f"U-{code}-{u}", code, f"اداره {u}"])
            for p in range(3):
                rows["posts"].append([f"P-{code}-{u}-{p}", f"U-{code}-{u}", f"کارشناس {p}"])
                for e in range(2):
                    rows["employees"].append([f"E-{code}-{u}-{p}-{e}", f"P-{code}-{u}-{p}"])
        duties = max(1, per // 2)
        for d in range(duties):
            rows["duties"].append([code, f"D{d}", f"وظیفهٔ {_title(rng, d)}",
                                   f"قانون نمونه {rng.randint(1, 40)}، ماده {rng.randint(1, 90)}"])
        for s in range(per):
            u, p, e = rng.randrange(units), rng.randrange(3), rng.randrange(2)
            rows["services"].append([
                code, f"S{s}", _title(rng, s), rng.choice(("service", "inquiry")),
                f"D{rng.randrange(duties)}", f"U-{code}-{u}", f"P-{code}-{u}-{p}",
                f"E-{code}-{u}-{p}-{e}", rng.choice(("in_person", "electronic", "smart"))])
    headers = {
        "agencies": ["code", "name_fa", "kind"],
        "units": ["id", "agency_code", "name_fa"],
        "posts": ["id", "unit_id", "title_fa"],
        "employees": ["id", "post_id"],
        "duties": ["agency_code", "ref", "title_fa", "legal_basis"],
        "services": ["agency_code", "ref", "title_fa", "kind", "duties", "units", "posts",
                     "employees", "delivery"],
    }
    for sheet, data in rows.items():
        with (out / f"{sheet}.csv").open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(headers[sheet])
            w.writerows(data)
    return {k: len(v) for k, v in rows.items()}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", type=Path)
    ap.add_argument("--services", type=int, default=100_000)
    ns = ap.parse_args()
    print(generate(ns.out, ns.services))
