"""The SMS gateway's delivery receipts over HTTP: authenticated by a shared token
(MICROWISH_SMS_RECEIPT_TOKEN, header X-Receipt-Token or `?token=`), not by a user session;
answered as the gateway expects ({"code": 0, "msg": "成功"})."""
from __future__ import annotations

import hmac

from flask import Blueprint, request
from marshmallow import EXCLUDE, ValidationError, fields

from services.matching import config
from services.matching.notices import receipts, rules
from shared.access import public
from shared.envelope import utcnow
from shared.errors import ApiError
from shared.fields import Strict
from shared.web import load_json, uow

bp = Blueprint("notices", __name__)


class ReportTime(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return rules.report_time(super()._deserialize(value, attr, data, **kwargs))
        except ValueError:
            raise ValidationError("invalid_datetime") from None


class SmsReceiptSchema(Strict):
    """One report of Aliyun's SmsReport push."""

    class Meta:  # a field the provider adds one day must not stop its receipts
        unknown = EXCLUDE

    phone_number = fields.String(load_default=None, allow_none=True)  # never kept nor logged
    send_time = fields.String(load_default=None, allow_none=True)
    report_time = ReportTime(required=True)
    success = fields.Boolean(required=True)
    err_code = fields.String(load_default=None, allow_none=True)
    err_msg = fields.String(load_default=None, allow_none=True)
    biz_id = fields.String(load_default=None, allow_none=True)
    out_id = fields.String(load_default=None, allow_none=True)
    sms_size = fields.String(load_default=None, allow_none=True)


def _check_token() -> None:
    expected = config.current().sms_receipt_token
    sent = request.headers.get("X-Receipt-Token") or request.args.get("token") or ""
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise ApiError(401, "invalid_api_key")  # unset: the route accepts nobody


@bp.post("/api/v1/notifications/sms-receipts")
@public  # the gateway has no session: the shared token is its credential
def sms_receipts():
    _check_token()
    if isinstance(request.get_json(silent=True), dict):  # one report alone, not in a list
        reports = [load_json(SmsReceiptSchema())]
    else:
        reports = load_json(SmsReceiptSchema(many=True))
    receipts.reconcile(uow(), reports, utcnow())
    uow().commit()
    return {"code": 0, "msg": "成功"}
