"""我的认领's forms beyond the claim itself: the report of the deed with up to three photos,
handing a claim over, and answering the hand-overs and assignments (指派) made to the member."""
from __future__ import annotations

import base64

from flask import Blueprint, current_app, redirect, request

from services.matching import config
from services.matching.claims import steps
from services.matching.claims.http import run_step
from services.matching.escalation import assignment
from services.matching.handover import actions as handover
from services.matching.web.forms import name_problem, named_member, refusals_on
from services.matching.web.my_claims import my_claims_page, own
from shared.access import CLAIMERS, allow, principal
from shared.errors import MESSAGES_ZH
from shared.photos import MAX_BYTES, MOST, TYPES, problem
from shared.web import uow

bp = Blueprint("my_claims_forms", __name__)
refusals_on(bp, my_claims_page, "/my/claims")
FULFIL = "my_claims_forms.fulfil_form"


@bp.url_value_preprocessor
def _room_for_photos(endpoint, _values) -> None:
    """The report carries up to three photos: its body may be that big (read before the
    access check reads the form's token); every other form keeps the usual limit."""
    if endpoint == FULFIL:
        request.max_content_length = MOST * MAX_BYTES + 256 * 1024


def photos_sent() -> tuple[list[dict], str | None]:
    """The chosen photos as the API takes them (base64, the type their bytes are), or why not:
    too many, too big, empty, or not a JPEG, PNG or WebP picture."""
    uploads = [f for f in request.files.getlist("photos") if f.filename]
    if len(uploads) > MOST:
        return [], f"最多上传 {MOST} 张照片"
    photos = []
    for n, upload in enumerate(uploads, start=1):
        raw = upload.read(MAX_BYTES + 1)  # one byte over is enough to refuse it
        sniffed = next((t for t, magic in TYPES.items() if raw.startswith(magic)), None)
        content_type = sniffed or upload.mimetype
        data = base64.b64encode(raw).decode()
        code = problem(content_type, data) if content_type in TYPES else "file_type_mismatch"
        if code:
            return [], f"第 {n} 张照片：{MESSAGES_ZH[code]}"
        photos.append({"content_type": content_type, "data": data})
    return photos, None


@bp.post("/my/claims/<claim_id>/fulfilment")
@allow(*CLAIMERS)
def fulfil_form(claim_id: str):
    """The claimer reports the deed done, with a note for the liaison and up to three photos."""
    own(claim_id)
    note = (request.form.get("note") or "").strip()
    if len(note) > 1000:
        return my_claims_page(422, "完成情况不超过 1000 字")
    photos, wrong = photos_sent()
    if wrong:
        return my_claims_page(422, wrong)
    run_step(steps.fulfil, claim_id, note or None, photos,
             current_app.extensions["microwish.sealer"])
    return redirect("/my/claims", 303)


@bp.post("/my/claims/<claim_id>/handover")
@allow(*CLAIMERS)
def handover_form(claim_id: str):
    """转交: offer the claim, or one's place in its group, to another registered member."""
    to = named_member()
    wrong = name_problem(to)
    if wrong:
        return my_claims_page(422, wrong)
    handover.offer(uow(), claim_id, principal(), to)
    uow().commit()
    return redirect("/my/claims", 303)


@bp.post("/my/handovers/<handover_id>/<any(accept, decline):answer>")
@allow(*CLAIMERS)
def handover_answer(handover_id: str, answer: str):
    """Take over the claim offered to the member (within their quota), or say no."""
    if answer == "accept":
        handover.accept(uow(), handover_id, principal(), config.current().allowance_for)
    else:
        handover.decline(uow(), handover_id, principal())
    uow().commit()
    return redirect("/my/claims", 303)


@bp.post("/my/assignments/<assignment_id>/<any(accept, decline):answer>")
@allow(*CLAIMERS)
def assignment_answer(assignment_id: str, answer: str):
    """Accept the wish a liaison assigned to the member (claiming it), or decline it."""
    if answer == "accept":
        settings_ = config.current()
        assignment.accept(uow(), assignment_id, principal(), settings_.allowance_for,
                          settings_.claim_days)
    else:
        assignment.decline(uow(), assignment_id, principal())
    uow().commit()
    return redirect("/my/claims", 303)
