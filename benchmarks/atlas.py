"""Speed of the referral differential (`make bench`): ranking in-process and through the API.

Targets (issue: atlas): ranking one drawing against the whole atlas, median under 1 ms; the referrals
endpoint through Django's test client, median under 20 ms. Prints the medians measured on this machine.
"""

import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from knotwork.atlas.selectors import rank_referrals  # noqa: E402

DRAWING = {"right-low-back": 8, "right-buttock": 6, "right-sacroiliac": 5, "right-thigh-outer": 4, "right-hip-side": 3}


def median_ms(run, repeat: int) -> float:
    run()  # warm caches (the atlas loads once per process)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> int:
    setup_test_environment()
    client = Client()
    query = "&".join(f"region={r}:{i}" for r, i in DRAWING.items())
    probe = client.get(f"/api/v1/atlas/referrals?{query}&top=10")
    if probe.status_code != 200 or not probe.json():
        print(f"The referrals endpoint answered {probe.status_code}; nothing to measure.")
        return 1
    ranking = median_ms(lambda: rank_referrals(DRAWING, top=10), repeat=2000)
    endpoint = median_ms(lambda: client.get(f"/api/v1/atlas/referrals?{query}&top=10"), repeat=300)
    machine = platform.processor() or platform.machine()
    print(f"machine: {machine}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"rank one drawing against the atlas: median {ranking:.3f} ms (target < 1 ms)")
    print(f"GET /api/v1/atlas/referrals:        median {endpoint:.3f} ms (target < 20 ms)")
    return 0 if ranking < 1 and endpoint < 20 else 1


if __name__ == "__main__":
    sys.exit(main())
