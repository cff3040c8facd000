"""languages: no list of languages in the database; language columns wide enough for any code

Revision ID: 0019_languages_registry
Revises: 0016
Create Date: 2026-12-03

The languages are declared once, in consult/core/languages.py, and the models check every language
column against it. The seven CHECK constraints that listed 'ar', 'en', 'fr' go, so that adding a
language needs no migration, and the language columns take codes up to 8 characters ("ckb").

On SQLite a CHECK constraint cannot be dropped in place, and a batch copy of these tables would
cascade-delete the rows that point at them (foreign keys are on and cannot be switched off inside the
migration's transaction). So the table definitions are edited in sqlite_schema, the procedure SQLite
documents for removing a CHECK constraint (https://sqlite.org/lang_altertable.html, "making other kinds
of table schema changes"): same columns, same storage, only the stated constraint and length change.
"""
import re

import sqlalchemy as sa
from alembic import op

revision = "0019_languages_registry"
down_revision = "0018_submission_sequence"
branch_labels = None
depends_on = None

OLD_LANGUAGES = ("ar", "en", "fr")
NEW_LENGTH, OLD_LENGTH = 8, 2
# table: (language columns, the one the CHECK constraint named, or None)
COLUMNS = {
    "users": (("locale",), None),
    "submissions": (("language", "page_lang"), "language"),
    "submission_translations": (("lang",), None),
    "meeting_minutes": (("language",), "language"),
    "reports": (("lang",), "lang"),
    "organisations": (("name_lang",), "name_lang"),
    "nomination_applications": (("lang",), "lang"),
    "chapter_versions": (("lang",), "lang"),
    "chapter_translations": (("lang",), "lang"),
    "report_translators": (("lang",), None),
}


def _check_sql(column):
    return f"{column} IN (" + ", ".join(f"'{code}'" for code in OLD_LANGUAGES) + ")"


def _rewrite_sqlite_schema(edit):
    """Apply edit(table, sql) -> sql to each table's CREATE statement in sqlite_schema."""
    bind = op.get_bind()
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema=ON")
    try:
        for table in COLUMNS:
            sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                                       (table,)).scalar()
            new = edit(table, sql)
            if new != sql:
                bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
                                     (new, table))
        bind.exec_driver_sql(f"PRAGMA schema_version={version + 1}")
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema=OFF")
    problems = bind.exec_driver_sql("PRAGMA integrity_check").scalars().all()
    if problems != ["ok"]:
        raise RuntimeError(f"sqlite integrity_check after the schema edit: {problems[:5]}")


def _resize(sql, columns, old, new):
    for column in columns:
        sql, count = re.subn(rf"(\n\s*{column} )VARCHAR\({old}\)", rf"\g<1>VARCHAR({new})", sql)
        if count != 1:
            raise RuntimeError(f"column {column}: VARCHAR({old}) not found in {sql[:80]}...")
    return sql


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        def edit(table, sql):
            columns, checked = COLUMNS[table]
            if checked:
                sql, count = re.subn(rf",\s*CONSTRAINT ck_{table}_{checked} CHECK \({checked} IN \([^()]*\)\)", "", sql)
                if count != 1:
                    raise RuntimeError(f"ck_{table}_{checked} not found")
            return _resize(sql, columns, OLD_LENGTH, NEW_LENGTH)

        _rewrite_sqlite_schema(edit)
        return
    for table, (columns, checked) in COLUMNS.items():
        with op.batch_alter_table(table) as batch_op:
            if checked:
                batch_op.drop_constraint(op.f(f"ck_{table}_{checked}"), type_="check")
            for column in columns:
                batch_op.alter_column(column, type_=sa.String(NEW_LENGTH), existing_type=sa.String(OLD_LENGTH),
                                      existing_nullable=False)


def downgrade():
    bind = op.get_bind()
    for table, (columns, _checked) in COLUMNS.items():
        for column in columns:
            found = bind.execute(sa.text(f"SELECT DISTINCT {column} FROM {table} WHERE {column} NOT IN "
                                         "('ar', 'en', 'fr')")).scalars().all()
            if found:
                raise RuntimeError(f"{table}.{column} holds languages this revision does not know: {found}; "
                                   "change or delete those rows first")
    if bind.dialect.name == "sqlite":
        def edit(table, sql):
            columns, checked = COLUMNS[table]
            sql = _resize(sql, columns, NEW_LENGTH, OLD_LENGTH)
            if checked:
                end = sql.rindex(")")
                sql = sql[:end].rstrip() + f", \n\tCONSTRAINT ck_{table}_{checked} CHECK ({_check_sql(checked)})\n" + sql[end:]
            return sql

        _rewrite_sqlite_schema(edit)
        return
    for table, (columns, checked) in COLUMNS.items():
        with op.batch_alter_table(table) as batch_op:
            for column in columns:
                batch_op.alter_column(column, type_=sa.String(OLD_LENGTH), existing_type=sa.String(NEW_LENGTH),
                                      existing_nullable=False)
            if checked:
                batch_op.create_check_constraint(op.f(f"ck_{table}_{checked}"), sa.text(_check_sql(checked)))
