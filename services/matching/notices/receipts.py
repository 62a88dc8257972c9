"""Delivery receipts the SMS gateway pushes (Aliyun's SmsReport), reconciled by out_id (our
notice id): the newest report wins, repeats and late ones change nothing, unknown ones are
acknowledged so the gateway stops sending them. A failed receipt is recorded and not sent
again: the provider already retried the carrier, and its failures (an empty, switched-off
or blocked number) do not heal by sending the same text again; ops see them on the notice."""
from __future__ import annotations

import logging
from datetime import datetime

from services.matching.models import Notice
from services.matching.notices import rules
from shared.pii import mask_typed
from shared.timestamps import as_utc

log = logging.getLogger("microwish.notices")
DELIVERED, FAILED = "delivered", "failed"


def reconcile(uow, reports: list[dict], now: datetime) -> dict[str, int]:
    """Apply each report (SmsReceiptSchema) to its notice; how many applied, unchanged, unknown."""
    counts = {"applied": 0, "unchanged": 0, "unknown": 0}
    for report in reports:
        out_id = report.get("out_id")
        n = uow.session.get(Notice, out_id, with_for_update=True) if out_id else None
        if n is None:
            counts["unknown"] += 1
            log.warning("sms receipt for unknown out_id %s (biz id %s): acknowledged",
                        out_id, report.get("biz_id"))
            continue
        at = report["report_time"]
        if not rules.receipt_applies(as_utc(n.receipt_at) if n.receipt_at else None, at):
            counts["unchanged"] += 1
            continue
        n.receipt_status, n.receipt_at = (DELIVERED if report["success"] else FAILED), at
        n.receipt_error = None if report["success"] else mask_typed(
            f"{report.get('err_code') or ''}: {report.get('err_msg') or ''}")[:200]
        n.provider_id = n.provider_id or report.get("biz_id")
        if report["success"] and n.sent_at is None and n.failed_at is None:
            # taken while our call timed out: it reached the phone, so it is never sent again
            n.sent_at, n.channel = now, "sms"
        counts["applied"] += 1
        log.info("sms receipt for notice %s to %s: %s %s", n.id, n.recipient,
                 n.receipt_status, n.receipt_error or "")
    return counts
