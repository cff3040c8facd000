"""Demo meetings: one past (held, virtual) with minutes and actions, one upcoming hybrid in Cairo
with a four-item agenda, one upcoming virtual; agendas in ar/en/fr; every account invited. Found again by title, so a second run changes nothing."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..core.database import utcnow
from ..core.extensions import db
from ..auth.models import User
from ..meetings import minutes, services
from ..meetings.models import Meeting


def _at(days, hour, zone):
    """`days` from today at `hour`:00 local time in `zone`, as UTC."""
    day = (utcnow() + timedelta(days=days)).astimezone(ZoneInfo(zone)).date()
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


CAIRO_AGENDA = [
    {"duration_minutes": 20, "presenter": "Layla Haddad",
     "title": {"ar": "الافتتاح واعتماد جدول الأعمال", "en": "Opening and adoption of the agenda",
               "fr": "Ouverture et adoption de l'ordre du jour"},
     "description": {"ar": "كلمة ترحيب من الأمانة.", "en": "Welcome by the secretariat.", "fr": "Accueil par le secrétariat."}},
    {"duration_minutes": 60, "presenter": "Youssef Benali", "objectives": [6],
     "title": {"ar": "نتائج الدعوة إلى تقديم المساهمات حول هجرة اليد العاملة",
               "en": "Findings of the call for input on labour migration",
               "fr": "Résultats de l'appel à contributions sur la migration de main-d'œuvre"},
     "description": {"ar": "عرض لأبرز ما ورد في المساهمات.", "en": "A presentation of the main points of the submissions.",
                     "fr": "Présentation des principaux points des contributions."}},
    {"duration_minutes": 60, "objectives": [2, 23],
     "title": {"ar": "التحضير للاستعراض الإقليمي", "en": "Preparing the regional review",
               "fr": "Préparation de l'examen régional"},
     "description": {"ar": "مناقشة الرسائل الرئيسية.", "en": "Discussion of the key messages.",
                     "fr": "Discussion des messages clés."}},
    {"duration_minutes": 20,
     "title": {"ar": "ما يستجد من أعمال والاختتام", "en": "Any other business and closing",
               "fr": "Questions diverses et clôture"},
     "description": {}},
]

SHORT_AGENDA = [
    {"duration_minutes": 15,
     "title": {"ar": "الافتتاح", "en": "Opening", "fr": "Ouverture"},
     "description": {"ar": "كلمة ترحيب من الرئاسة.", "en": "Welcome by the chair.", "fr": "Accueil par la présidence."}},
    {"duration_minutes": 60, "objectives": [1, 23],
     "title": {"ar": "خطة العمل والرسائل الرئيسية", "en": "Work plan and key messages",
               "fr": "Plan de travail et messages clés"},
     "description": {"ar": "مناقشة وتوزيع المهام.", "en": "Discussion and sharing of tasks.",
                     "fr": "Discussion et répartition des tâches."}},
]

PAST_MINUTES = (
    "The group reviewed the annual work plan and agreed to hold its next meeting in Cairo.\n\n"
    "Members asked the secretariat to share the draft input report two weeks before the regional review."
)
PAST_DECISIONS = (
    "The annual work plan is adopted.",
    "The next meeting is held in Cairo, in hybrid format.",
)

MEETINGS = (
    {
        "title": {"ar": "الاجتماع الافتراضي الثالث للفريق الاستشاري", "en": "Third virtual meeting of the advisory group",
                  "fr": "Troisième réunion virtuelle du groupe consultatif"},
        "description": {"ar": "مراجعة خطة العمل السنوية.", "en": "Review of the annual work plan.",
                        "fr": "Examen du plan de travail annuel."},
        "kind": "virtual", "join_url": "https://meet.example.org/rsag-3", "timezone": "Asia/Beirut",
        "when": (-30, 11, 2), "languages": ["ar", "en", "fr"], "interpretation": True,
        "visibility": "members", "status": "held", "agenda": SHORT_AGENDA,
        "minutes": (PAST_MINUTES, PAST_DECISIONS),
    },
    {
        "title": {"ar": "الاجتماع الرابع للفريق الاستشاري (القاهرة)", "en": "Fourth meeting of the advisory group (Cairo)",
                  "fr": "Quatrième réunion du groupe consultatif (Le Caire)"},
        "description": {"ar": "اجتماع هجين في القاهرة مع إمكانية المشاركة عبر الإنترنت.",
                        "en": "A hybrid meeting in Cairo, with online participation.",
                        "fr": "Une réunion hybride au Caire, avec participation en ligne."},
        "kind": "hybrid", "venue": "UN House Cairo", "address": "Zamalek, Cairo, Egypt",
        "join_url": "https://meet.example.org/rsag-4", "timezone": "Africa/Cairo", "when": (21, 10, 4),
        "languages": ["ar", "en", "fr"], "interpretation": True, "visibility": "public", "status": "scheduled",
        "agenda": CAIRO_AGENDA,
    },
    {
        "title": {"ar": "اجتماع افتراضي: الرسائل الرئيسية للتقرير", "en": "Virtual meeting: key messages of the report",
                  "fr": "Réunion virtuelle : messages clés du rapport"},
        "description": {"ar": "اجتماع قصير عبر الإنترنت.", "en": "A short online meeting.", "fr": "Une courte réunion en ligne."},
        "kind": "virtual", "join_url": "https://meet.example.org/rsag-5", "timezone": "Asia/Riyadh",
        "when": (45, 14, 1.5), "languages": ["ar", "en"], "interpretation": False,
        "visibility": "members", "status": "scheduled", "agenda": SHORT_AGENDA,
    },
)


def load_meetings():
    lines = []
    for spec in MEETINGS:
        spec = dict(spec)
        if db.session.scalar(select(Meeting.id).where(Meeting.uid == _demo_uid(spec))) is not None:
            continue
        days, hour, hours = spec.pop("when")
        starts_at = _at(days, hour, spec["timezone"])
        agenda = spec.pop("agenda", ())
        minutes = spec.pop("minutes", None)
        meeting = services.create_meeting(agenda=agenda, starts_at=starts_at,
                                          ends_at=starts_at + timedelta(hours=hours), **spec)
        meeting.uid = _demo_uid(spec)
        db.session.commit()
        services.invite_members(meeting)
        if minutes:
            _write_minutes(meeting, *minutes)
        lines.append(f"created meeting {meeting.id}: {spec['title']['en']}")
    return lines


def _write_minutes(meeting, text, decisions):
    """Minutes, decisions and two action items (one done, one overdue) for the past meeting."""
    member = db.session.scalar(select(User).where(User.role == "member").order_by(User.id))
    secretariat = db.session.scalar(select(User).where(User.role == "secretariat").order_by(User.id))
    minutes.save_minutes(meeting, text, "en", decisions=decisions)
    today = minutes.today()
    done = minutes.add_action(meeting, "Circulate the draft work plan in Arabic and French.", today - timedelta(days=20),
                              owner_id=secretariat.id if secretariat else None,
                              owner_name="" if secretariat else "Secretariat")
    minutes.add_action(meeting, "Propose three speakers for the Cairo meeting.", today - timedelta(days=3),
                       owner_id=member.id if member else None, owner_name="" if member else "A member")
    if secretariat:
        minutes.close_action(done, secretariat)


def _demo_uid(spec):
    """A fixed UID per demo meeting, from its English title: how a second run finds it."""
    slug = "".join(c if c.isalnum() else "-" for c in spec["title"]["en"].lower()).strip("-")
    return f"demo-{slug[:60]}@consult"
