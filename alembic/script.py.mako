"""${message}"""
import sqlalchemy as sa
import sqlmodel
${imports if imports else ""}
from alembic import op

# The shapes migrations repeat (the id key, timestamps, foreign keys, one-column indexes, columns added or
# dropped) are in billing_center/migration_kit.py.

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
% if branch_labels:
branch_labels = ${repr(branch_labels)}
% endif
% if depends_on:
depends_on = ${repr(depends_on)}
% endif


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
