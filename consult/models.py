"""Every table, imported in one place so that Alembic and the tests see them all."""
from .auth.models import User  # noqa: F401
from .core.mail.models import OutboxMessage  # noqa: F401
from .core.audit.models import AuditEntry  # noqa: F401
from .consultations.models import (  # noqa: F401
    Attachment,
    Consultation,
    ReviewerAssignment,
    Submission,
    SubmissionNote,
    SubmissionTranslation,
)
from .consultations.kept import KeptFile  # noqa: F401
from .meetings.models import (  # noqa: F401
    ActionItem,
    AgendaDocument,
    AgendaItem,
    CalendarFeedToken,
    Decision,
    Invitation,
    Meeting,
    Minutes,
)
from .reports.models import Report, ReportSetup  # noqa: F401
from .synthesis.models import Chapter, ChapterComment, ChapterTranslation, ChapterVersion, Rapporteur, Translator  # noqa: F401,E501
from .organisations.models import Organisation  # noqa: F401
from .membership.models import (  # noqa: F401
    Application,
    GroupSettings,
    MemberProfile,
    NominationCall,
    Term,
    TermReminder,
)
