"""What accepting an intake item of a kind another app owns does, registered by that app.

Public-resource trading credit information about purchasers is the procurement app's: it
registers a handler from ``ProcurementConfig.ready`` (credit_records may not import
procurement)::

    from credit_records.services.intake_handlers import register_intake_handler
    register_intake_handler(IntakeKind.TRADING, flag_from_trading_item)

A handler is called as ``handler(item, actor=...)`` inside the acceptance's transaction and
returns a short reference to what it made ("红旗 #12"), kept on the item.
"""

from collections.abc import Callable

from django.utils.translation import gettext as _

from core.exceptions import WorkflowConflict

_HANDLERS: dict[str, Callable] = {}


def register_intake_handler(kind: str, handler: Callable) -> None:
    _HANDLERS[kind] = handler


def handle(item, *, actor) -> str:
    handler = _HANDLERS.get(item.kind)
    if handler is None:
        raise WorkflowConflict(_("Items of this kind cannot be accepted here."))
    return handler(item, actor=actor)
