"""`flask --app wsgi consult ...`: one group, each feature adds its commands here."""
from flask.cli import AppGroup

from .auth.cli import create_admin
from .backup.cli import backup_command, restore_command
from .consultations.cli import export_cli
from .demo.cli import demo
from .outbox.cli import mail_cli
from .meetings.cli import meeting_cli
from .membership.cli import export_roster
from .purge import purge
from .reminders import remind
from .reports.cli import report_cli, worker

consult_cli = AppGroup("consult", help="consult's own commands.")
consult_cli.add_command(create_admin)
consult_cli.add_command(demo)
consult_cli.add_command(mail_cli)
export_cli.add_command(export_roster)
consult_cli.add_command(export_cli)
consult_cli.add_command(purge)
consult_cli.add_command(meeting_cli)
consult_cli.add_command(remind)
consult_cli.add_command(report_cli)
consult_cli.add_command(worker)
consult_cli.add_command(backup_command)
consult_cli.add_command(restore_command)
