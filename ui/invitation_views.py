"""The facilitator's invitations on the Self-assessment page: make a link for an area and cycle, list and withdraw."""

import streamlit as st

from toolkit.access.accounts import Identity
from toolkit.access.invitations import list_invitations, may_manage_invitations
from toolkit.core.text import md_text
from toolkit.store.areas import NotFound, resolve_cycle
from ui import assess_actions as actions
from ui.resources import db
from ui.widgets import area_cycle_picker
from ui.workshops import qr


def invitations(who: Identity | None) -> None:
    """For a facilitator: make, list and withdraw invitations for the area and cycle being worked on."""
    if who is None or not who.can("run_workshop"):
        return
    st.subheader("Invite respondents")
    area, cycle = area_cycle_picker()
    with db() as s:
        try:
            ref = resolve_cycle(area or "", cycle or "", session=s)
        except NotFound:
            ref = None
        if ref is None or not may_manage_invitations(who, ref.area_id):
            return
        listed = list_invitations(who, ref, session=s)
    with st.expander(f"Invitations for {md_text(ref.area)}, cycle {md_text(ref.cycle)}", expanded=bool(listed)):
        if msg := st.session_state.pop("assess_inv_msg", None):
            getattr(st, msg[0])(msg[1])
        if link := st.session_state.get("assess_inv_new"):
            c1, c2 = st.columns([3, 2])
            c1.write("Send this link, or show the QR code. Anyone holding it can rate until it expires or is full.")
            c1.code(link, language=None)
            c2.image(qr(link), caption="Scan to take part", width=220)
        c1, c2, c3 = st.columns(3)
        c1.number_input("Valid for (days)", min_value=1, max_value=90, step=1, key="assess_inv_days")
        c2.number_input("Respondents at most", min_value=1, max_value=500, step=1, key="assess_inv_cap")
        c3.text_input("Note (optional)", key="assess_inv_label", max_chars=120, placeholder="e.g. health managers")
        st.button("Make an invitation link", key="assess_inv_make", on_click=actions.invite, args=(ref.area, ref.cycle))
        for inv in listed:
            state = inv.state()
            c1, c2 = st.columns([4, 1])
            c1.markdown(
                f"**{md_text(inv.label) or 'Invitation'}** · {state} · {inv.uses} of {inv.max_uses} used · until "
                f"{inv.expires_at:%d %b %Y %H:%M} UTC · by {md_text(inv.created_by)}"
            )
            if state == "open":
                c2.button("Withdraw", key=f"assess_inv_revoke_{inv.id}", on_click=actions.revoke, args=(inv.id,))
