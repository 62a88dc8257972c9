"""Proof of a deed: the claimer reports it done with photos, checked by their bytes and sealed;
only the wish's liaisons open them, each look audited (against the real PostgreSQL)."""
from __future__ import annotations

import base64

from sqlalchemy import select

from services.matching.app import create_app
from services.matching.models import ProofPhoto
from tests.actors import Claimer, Liaison
from tests.factories import COMMUNITY, png, published_wish
from tests.helpers import add, emitted


def test_photos_of_the_deed_reach_only_the_wish_s_liaison_and_each_look_is_audited(db_settings,
                                                                                  make_db):
    db = make_db("matching")
    add(db, published_wish("coat"))
    client = create_app(db_settings, db).test_client()
    member = Claimer.signed(client, db_settings, id="m-giver")
    liaison = Liaison.signed(client, db_settings, communities=[COMMUNITY])
    stranger = Liaison.signed(client, db_settings, communities=["pudong-gaoqiao"])
    claim = member.claim("coat").get_json()["id"]
    picture = png(8, 6)
    photo = {"content_type": "image/png", "data": base64.b64encode(picture).decode()}
    lying = {"content_type": "image/jpeg", "data": photo["data"]}
    refused = member.fulfil(claim, note="棉衣已送到", photos=[lying])
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"][0]["field"] == "photos.0.data"
    assert member.fulfil(claim, photos=[photo] * 4).status_code == 422  # at most three
    reported = member.fulfil(claim, note="棉衣已送到", photos=[photo, photo])
    assert reported.status_code == 200, reported.get_json()
    photos = reported.get_json()["photos"]
    assert [(p["content_type"], p["size"]) for p in photos] == [("image/png", len(picture))] * 2
    path = f"/api/v1/claims/{claim}/photos/{photos[0]['id']}"
    assert member.get(path).status_code == 403
    assert stranger.get(path).status_code == 404
    seen = liaison.get(path)
    assert seen.status_code == 200 and seen.data == picture
    assert seen.headers["Content-Type"] == "image/png"
    assert seen.headers["Cache-Control"] == "no-store"
    viewed = [e for e in emitted(db, "audit.recorded") if e["action"] == "proof_photo.viewed"]
    assert [e["detail"]["photo_id"] for e in viewed] == [photos[0]["id"]]
    with db.engine.connect() as conn:
        sealed = list(conn.scalars(select(ProofPhoto.data_sealed)))
    assert len(sealed) == 2 and all(photo["data"][:40] not in s for s in sealed)
