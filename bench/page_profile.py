"""Where a signed-in page's time goes, in-process (``python -m bench province --only profile``).

Each page is requested through Django's test client (warm caches, one client), first timed
plainly (wall time, the process's CPU, the SQL time and the number of queries a request),
then again under ``cProfile``: the report sums the functions' own time by where their code
lives (Django's templates, its ORM, DRF, psycopg, the portal's own apps...), so that the
remaining cost of a page can be read at a glance, and lists the slowest functions.
"""

import cProfile
import os
import pstats
import statistics
import time

# Where a function's code lives, by the first fragment of its file name that matches.
AREAS = (
    ("django/template", "Django templates"),
    ("django/db", "Django ORM"),
    ("django/utils/translation", "Django translation"),
    ("django/forms", "Django forms"),
    ("django/urls", "Django URLs"),
    ("django/contrib/sessions", "sessions"),
    ("django/contrib/auth", "auth"),
    ("django/core/handlers", "Django request handling"),
    ("django/middleware", "Django middleware"),
    ("django", "Django, other"),
    ("rest_framework", "DRF"),
    ("django_filters", "django-filter"),
    ("django_otp", "django-otp"),
    ("axes", "django-axes"),
    ("psycopg", "psycopg"),
    ("redis", "Redis client"),
    ("site-packages", "other libraries"),
    ("/lib/python3", "Python standard library"),
    ("~", "built-ins"),
)


def area(filename: str) -> str:
    for fragment, name in AREAS:
        if fragment in filename:
            return name
    return "the portal" if filename.startswith(os.getcwd()) else "other"


def _get(client, path: str, headers: dict):
    response = client.get(path, headers=headers)
    if response.streaming:
        b"".join(response.streaming_content)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    return response


def measure(client, path: str, *, headers=None, runs: int = 30, top: int = 12) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = headers or {}
    for _warm in range(3):
        _get(client, path, headers)
    walls, cpus, sql, queries = [], [], [], []
    for _run in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started, cpu = time.perf_counter(), time.process_time()
            _get(client, path, headers)
            walls.append((time.perf_counter() - started) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        queries.append(len(captured))
        sql.append(sum(float(query["time"]) for query in captured.captured_queries) * 1000)
    profiler = cProfile.Profile()
    profiler.enable()
    for _run in range(runs):
        _get(client, path, headers)
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    total = sum(entry[2] for entry in stats.values()) or 1.0
    areas: dict[str, float] = {}
    for (filename, _line, _name), entry in stats.items():
        areas[area(filename)] = areas.get(area(filename), 0.0) + entry[2]
    slowest = sorted(stats.items(), key=lambda item: item[1][2], reverse=True)[:top]
    return {
        "wall_ms": round(statistics.median(walls), 1),
        "cpu_ms": round(statistics.median(cpus), 1),
        "sql_ms": round(statistics.median(sql), 1),
        "queries": max(queries),
        "areas": {
            name: round(100 * seconds / total, 1)
            for name, seconds in sorted(areas.items(), key=lambda item: -item[1])
            if seconds / total >= 0.01
        },
        "slowest": [
            {
                "function": f"{_short(filename)}:{line} {name}",
                "own_ms_per_request": round(entry[2] * 1000 / runs, 2),
                "calls_per_request": round(entry[1] / runs, 1),
            }
            for (filename, line, name), entry in slowest
        ],
    }


def _short(filename: str) -> str:
    for marker in ("site-packages/", os.getcwd() + "/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def print_report(name: str, figures: dict) -> None:
    print(
        f"  {name}: {figures['wall_ms']} ms a request ({figures['cpu_ms']} ms CPU, "
        f"{figures['sql_ms']} ms SQL, {figures['queries']} queries)"
    )
    print("    " + ", ".join(f"{area} {share}%" for area, share in figures["areas"].items()))
    for entry in figures["slowest"]:
        print(
            f"    {entry['own_ms_per_request']:6.2f} ms {entry['calls_per_request']:7.1f}× "
            f"{entry['function']}"
        )
