"""Benchmark: a member's private calendar feed `/calendar/<token>.ics` with 500 meetings (`make bench`).

Prints, for each size (50 and 500 meetings the member is invited to, each with three agenda items,
in four time zones): the server time of the request (in the process, median of the runs), the SQL
queries it makes, the feed's size; and, as the reference, the icalendar library's own time to build
and serialise the same calendar from plain values (no database, no Flask). Each measured size runs
in its own process.

The server keeps each event's serialised text (consult.meetings.ics.build_feed), so the request is
timed twice: cold, the first build of these events in a running process (the caches emptied before
each run), and warm, a calendar client polling again with nothing changed (what members' clients
ask every 15-60 minutes). Both make the same queries and bytes.

Targets (issue 7): under 100 ms for 500 meetings on the warm (repeated) request; the same number of
queries for every size, cold or warm.

    python tests/bench/bench_feed.py [--sizes 50,500] [--runs 10] [--database-url URL]
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_report import QueryCounter, app_for  # noqa: E402

ZONES = ("Asia/Beirut", "Africa/Cairo", "Asia/Riyadh", "Africa/Casablanca")


def make_member(count, seed=2026):
    """A member invited to `count` meetings (with nine other members); returns the feed token."""
    from consult.auth import services as auth
    from consult.core.database import utcnow
    from consult.core.extensions import db
    from consult.meetings import services
    from consult.meetings.models import AgendaItem, Invitation, Meeting

    rng = random.Random(seed)
    member = auth.create_user(f"feed-{count}@example.org", "member", name="Feed Member", locale="ar")
    others = [auth.create_user(f"other-{count}-{n}@example.org", "member", name=f"Member {n}", locale="en")
              for n in range(9)]
    db.session.flush()
    start = utcnow().replace(minute=0, second=0, microsecond=0) - timedelta(days=365)
    for number in range(count):
        starts = start + timedelta(days=number * 730 // max(count, 1), hours=rng.randint(0, 8))
        kind = rng.choice(("in_person", "virtual", "hybrid"))
        meeting = Meeting(
            title={"ar": f"اجتماع الفريق الاستشاري رقم {number}", "en": f"Advisory group meeting {number}",
                   "fr": f"Réunion du groupe consultatif {number}"},
            description={"ar": "مناقشة مدخلات الاستعراض الإقليمي", "en": "Inputs to the regional review.",
                         "fr": "Contributions à l'examen régional."},
            kind=kind, venue="UN House" if kind != "virtual" else "", address="Riad El Solh, Beirut" if kind != "virtual" else "",
            join_url="https://meet.example.org/rsag" if kind != "in_person" else None,
            starts_at=starts, ends_at=starts + timedelta(hours=2), timezone=rng.choice(ZONES),
            languages=["ar", "en"], visibility=rng.choice(("members", "public")),
            status=rng.choices(("scheduled", "held", "postponed", "cancelled"), weights=(60, 30, 5, 5))[0],
            sequence=rng.randint(0, 3))
        meeting.agenda = [AgendaItem(position=p, title={"ar": f"البند {p}", "en": f"Item {p}", "fr": f"Point {p}"},
                                     duration_minutes=30) for p in range(1, 4)]
        db.session.add(meeting)
        db.session.flush()
        for user in [member] + others:
            db.session.add(Invitation(meeting_id=meeting.id, user_id=user.id, name=user.name,
                                      response=rng.choice(("pending", "accepted", "declined", "tentative"))))
    db.session.commit()
    return services.new_feed_token(member)


def step_measure(args):
    """The request in the app, cold and warm: server time, queries, bytes; and the plain values for the reference."""
    from consult.core.extensions import db
    from consult.meetings import ics, services

    app = app_for(args.database_url, args.upload_dir)
    client = app.test_client()
    url = f"/calendar/{args.token}.ics"
    with app.app_context():
        counter = QueryCounter(db.engine)
    response = client.get(url)  # warm the process: imports, templates, catalogs
    assert response.status_code == 200, response.status_code

    def timed(cold):
        times, queries, sizes = [], set(), set()
        for _ in range(args.runs):
            if cold:
                ics.clear_feed_cache()  # no event built yet in this process
            counter.count = 0
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            queries.add(counter.count)
            sizes.add(len(response.data))
            assert response.status_code == 200
        return times, queries, sizes, response

    cold_times, cold_queries, cold_sizes, _cold = timed(cold=True)
    client.get(url)  # the first poll after the cold runs fills the cache
    times, queries, sizes, response = timed(cold=False)
    assert sizes == cold_sizes and len(sizes) == 1, (cold_sizes, sizes)  # the same feed (DTSTAMP aside)
    with app.app_context():
        user = services.user_by_feed_token(args.token)
        meetings = services.feed_meetings(user)
        invitations = services.invitations_by_meeting(user)
        plain = [{"uid": m.uid, "sequence": m.sequence, "title": m.title.get("ar") or m.title["en"],
                  "description": m.description.get("ar", ""), "agenda": [f"{i.position}. {i.title['ar']}" for i in m.agenda],
                  "starts_at": m.starts_at.isoformat(), "ends_at": m.ends_at.isoformat(), "timezone": m.timezone,
                  "location": ", ".join(p for p in (m.venue, m.address) if p) or (m.join_url or ""),
                  "url": f"http://127.0.0.1:5000/ar/meetings/{m.id}/", "status": m.status,
                  "attendee": invitations[m.id].address, "cn": invitations[m.id].name,
                  "partstat": invitations[m.id].response} for m in meetings]
    Path(args.plain).write_text(json.dumps(plain, ensure_ascii=False))
    print(json.dumps({"median": statistics.median(times), "best": min(times), "queries": sorted(queries),
                      "cold_median": statistics.median(cold_times), "cold_best": min(cold_times),
                      "cold_queries": sorted(cold_queries),
                      "bytes": len(response.data), "events": response.data.count(b"BEGIN:VEVENT")}))


def step_reference(args):
    """icalendar alone: the same calendar (zones, events, organizer, attendee, alarm) from plain values."""
    from datetime import datetime

    from icalendar import Alarm, Calendar, Event, Timezone, vCalAddress, vText

    plain = json.loads(Path(args.plain).read_text())
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        calendar = Calendar()
        for key, value in (("prodid", "-//bench//EN"), ("version", "2.0"), ("calscale", "GREGORIAN"),
                           ("method", "PUBLISH"), ("x-wr-calname", "My meetings")):
            calendar.add(key, value)
        years = {}
        for item in plain:
            year = datetime.fromisoformat(item["starts_at"]).astimezone(ZoneInfo(item["timezone"])).year
            low, high = years.get(item["timezone"], (year, year))
            years[item["timezone"]] = (min(low, year), max(high, year))
        for zone, (low, high) in sorted(years.items()):
            calendar.add_component(Timezone.from_tzinfo(ZoneInfo(zone), tzid=zone, first_date=date(low - 1, 1, 1),
                                                        last_date=date(high + 2, 1, 1)))
        now = datetime.now(ZoneInfo("UTC"))
        for item in plain:
            zone = ZoneInfo(item["timezone"])
            event = Event()
            event.add("uid", item["uid"])
            event.add("sequence", item["sequence"])
            event.add("dtstamp", now)
            event.add("dtstart", datetime.fromisoformat(item["starts_at"]).astimezone(zone))
            event.add("dtend", datetime.fromisoformat(item["ends_at"]).astimezone(zone))
            event.add("summary", item["title"])
            event.add("description", item["description"] + "\n\n" + "\n".join(item["agenda"]))
            if item["location"]:
                event.add("location", item["location"])
            event.add("url", item["url"])
            organizer = vCalAddress("mailto:consult@localhost")
            organizer.params["CN"] = vText("consult")
            event.add("organizer", organizer)
            attendee = vCalAddress("mailto:" + item["attendee"])
            attendee.params["CN"] = vText(item["cn"])
            attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
            attendee.params["PARTSTAT"] = vText(item["partstat"].upper())
            attendee.params["RSVP"] = vText("TRUE")
            event.add("attendee", attendee)
            event.add("status", "CONFIRMED")
            if item["status"] != "cancelled":
                alarm = Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("description", item["title"])
                alarm.add("trigger", timedelta(days=-1))
                event.add_component(alarm)
            calendar.add_component(event)
        data = calendar.to_ical()
        times.append(time.perf_counter() - started)
    print(json.dumps({"median": statistics.median(times), "best": min(times), "bytes": len(data)}))


def run_step(step, **values):
    command = [sys.executable, __file__, "--step", step] + [f"--{k.replace('_', '-')}={v}" for k, v in values.items()]
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONWARNINGS": "ignore"}).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="50,500")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    parser.add_argument("--step", choices=("measure", "reference"))
    parser.add_argument("--token")
    parser.add_argument("--plain")
    parser.add_argument("--upload-dir")
    args = parser.parse_args()
    if args.step:
        {"measure": step_measure, "reference": step_reference}[args.step](args)
        return

    workdir = Path(tempfile.mkdtemp(prefix="consult-bench-feed-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    if database_url.startswith(("postgresql", "postgres:")):
        from scripts.load import reset_postgresql

        reset_postgresql(database_url.replace("postgresql+psycopg://", "postgresql://"))
        from consult.core.config import normalise_database_url

        database_url = normalise_database_url(database_url)
    upload_dir = str(workdir / "uploads")
    sizes = [int(size) for size in args.sizes.split(",")]
    tokens = {}
    app = app_for(database_url, upload_dir)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        for size in sizes:
            started = time.perf_counter()
            tokens[size] = make_member(size)
            print(f"made a member invited to {size} meetings in {time.perf_counter() - started:.1f} s", flush=True)

    results = {}
    for size in sizes:
        plain = str(workdir / f"plain-{size}.json")
        measured = run_step("measure", database_url=database_url, upload_dir=upload_dir, token=tokens[size],
                            plain=plain, runs=args.runs)
        reference = run_step("reference", plain=plain, runs=args.runs)
        results[size] = (measured, reference)
        print(f"  {size}: feed cold {measured['cold_median'] * 1000:.0f} ms, warm {measured['median'] * 1000:.0f} ms, "
              f"icalendar alone {reference['median'] * 1000:.0f} ms", flush=True)

    print(f"\nCalendar feed benchmark, database {database_url.split(':')[0].split('+')[0]}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}, {time.strftime('%Y-%m-%d')}")
    header = (f"{'meetings':>8} {'events':>6} {'cold ms':>8} {'cold best':>9} {'warm ms':>8} {'warm best':>9} "
              f"{'queries':>8} {'KB':>6} {'icalendar alone ms':>19} {'cold overhead':>13}")
    print(header)
    print("-" * len(header))
    for size in sizes:
        measured, reference = results[size]
        queries = sorted(set(measured["cold_queries"]) | set(measured["queries"]))
        print(f"{size:>8} {measured['events']:>6} {measured['cold_median'] * 1000:>8.0f} "
              f"{measured['cold_best'] * 1000:>9.0f} {measured['median'] * 1000:>8.0f} {measured['best'] * 1000:>9.0f} "
              f"{'/'.join(map(str, queries)):>8} {measured['bytes'] / 1024:>6.0f} "
              f"{reference['median'] * 1000:>19.0f} {measured['cold_median'] / reference['median'] - 1:>13.0%}")
    print()
    print("cold: the first build of these events in the process (caches emptied before each run); "
          "warm: the same feed asked again, as calendar clients poll it (events cached). Medians of "
          f"{args.runs} runs; overhead: cold time over icalendar's own time for the same calendar.")
    print()
    biggest = results[max(sizes)][0]
    checks = [
        (f"warm feed (repeated poll) with {max(sizes)} meetings under 100 ms "
         f"(median {biggest['median'] * 1000:.0f} ms; cold first build {biggest['cold_median'] * 1000:.0f} ms, not a target)",
         biggest["median"] < 0.1),
        ("same query count for every size, cold and warm",
         len({q for r in results.values() for q in r[0]["queries"] + r[0]["cold_queries"]}) == 1),
    ]
    for label, ok in checks:
        print(f"  {'ok  ' if ok else 'MISS'} {label}")


if __name__ == "__main__":
    main()
