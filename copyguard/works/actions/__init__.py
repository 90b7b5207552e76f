"""Every state change of the works registry: one function, one transaction, one audit event.

Split by workflow: drafting a work (``drafts``) and the registration review (``review``).
"""

from copyguard.works.actions.drafts import (
    add_file,
    check_upload,
    create_work,
    delete_work,
    make_source_deposit,
    remove_file,
    set_software_details,
    start_new_registration,
    update_work,
)
from copyguard.works.actions.review import (
    approve,
    ledger_body,
    reject,
    resolve_conflict,
    resubmit,
    return_for_correction,
    submit,
    take_for_examination,
)

__all__ = [
    "add_file",
    "approve",
    "check_upload",
    "create_work",
    "delete_work",
    "ledger_body",
    "make_source_deposit",
    "reject",
    "remove_file",
    "resolve_conflict",
    "resubmit",
    "return_for_correction",
    "set_software_details",
    "start_new_registration",
    "submit",
    "take_for_examination",
    "update_work",
]
