"""invoice indexes for Overview's unpaid/overdue figures and the transactions list's counts (issue 13)"""

from alembic import op

revision = "13_invoice_status_indexes"
down_revision = "9_licences"


def upgrade() -> None:
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.create_index("ix_invoice_org_status_due", ["organisation_id", "status", "due_date"], unique=False)
        batch_op.create_index("ix_invoice_org_issue_status", ["organisation_id", "issue_date", "status", "due_date"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.drop_index("ix_invoice_org_issue_status")
        batch_op.drop_index("ix_invoice_org_status_due")
