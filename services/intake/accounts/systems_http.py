"""`/api/v1/systems`: a city-wide district admin rotates or revokes a government system's secrets."""
from __future__ import annotations

from flask import Blueprint

from services.intake import config
from services.intake.accounts import system_keys
from services.intake.accounts.broker import ManagementApi
from services.intake.accounts.schemas import NoBody
from services.intake.accounts.staff_http import optional_json
from shared.access import DISTRICT_ADMIN, allow, require_principal
from shared.web import settings, uow

bp = Blueprint("systems", __name__, url_prefix="/api/v1/systems")


def _api() -> ManagementApi:
    c = config.current()
    return ManagementApi(c.rabbitmq_api, c.rabbitmq_api_user, c.rabbitmq_api_password)


def _view(account) -> dict:
    return {"app_id": account.app_id, "name": account.display_name,
            "broker_user": account.broker_user, "disabled": bool(account.disabled),
            "api_key_set": account.api_key_hash is not None}


def _broker(done: system_keys.BrokerChange) -> dict:
    return {"broker_user": done.user, "vhost": done.vhost, "applied": done.applied,
            "commands": done.commands}


def _system(app_id: str):
    return system_keys.find(uow().session, require_principal().communities, app_id)


@bp.get("")
@allow(DISTRICT_ADMIN)
def list_systems():
    return {"items": [_view(a) for a in system_keys.listed(uow().session)]}


@bp.post("/<app_id>/api-key")
@allow(DISTRICT_ADMIN)
def rotate_api_key(app_id: str):
    """A new API key, shown once; the old one is refused from now on."""
    optional_json(NoBody())
    account = _system(app_id)
    key = system_keys.rotate_api_key(uow(), require_principal(), account)
    uow().commit()
    return {**_view(account), "api_key": key}


@bp.post("/<app_id>/broker-password")
@allow(DISTRICT_ADMIN)
def rotate_broker_password(app_id: str):
    """A new password on the system's broker user (shown once), or the commands that set it."""
    optional_json(NoBody())
    account = _system(app_id)
    done = system_keys.rotate_broker_password(uow(), require_principal(), account,
                                              settings().broker_url, _api())
    uow().commit()
    return {**_view(account), **_broker(done), "broker_password": done.password}


@bp.post("/<app_id>/revocation")
@allow(DISTRICT_ADMIN)
def revoke_system(app_id: str):
    """Both secrets stop working: the API key is dropped, the broker user deleted."""
    optional_json(NoBody())
    return _revoke(app_id)


@bp.delete("/<app_id>")
@allow(DISTRICT_ADMIN)
def delete_system(app_id: str):
    """The same as POST …/revocation: the account is kept (disabled) for the audit trail."""
    return _revoke(app_id)


def _revoke(app_id: str):
    account = _system(app_id)
    done = system_keys.revoke(uow(), require_principal(), account, settings().broker_url, _api())
    uow().commit()
    return {**_view(account), **_broker(done)}
