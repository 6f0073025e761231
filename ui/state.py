"""Session-state keys, page-prefixed and initialised in one place."""

from __future__ import annotations

import streamlit as st

from toolkit.core.ids import C_IDS

DEFAULTS: dict[str, object] = {
    # The area and cycle the user is working on, shared by every page (kept in step with the URL by ui/context.py;
    # plain values, never widget keys, so a page switch cannot clear them), the URL last seen, a refusal to show,
    # and the widgets of the sidebar's and Start's choosers.
    "sel_area": None,
    "sel_cycle": None,
    "ctx_url_seen": None,
    "ctx_refused": None,
    "ctx_area": None,
    "ctx_cycle": None,
    "start_pick_area": None,
    "start_pick_cycle": None,
    # Self-assessment: who is answering and where they are in the walk.
    "assess_respondent": None,
    "assess_agency": None,
    "assess_level": None,
    "assess_step": 0,
    "assess_area": None,
    "assess_cycle": None,
    "assess_answers": {},
    "assess_all_levels": False,
    "assess_form": "full",  # the form the respondent chose (short: the core statements), and the deep dives added
    "assess_deep": [],
    "assess_pick_form": "full",
    # ...their resume secret (the link's k=; the pseudonym above is only a label), and the invitation opened (?i=).
    "assess_secret": None,
    "assess_invite": None,
    "assess_invite_where": None,
    # Self-assessment invitations (facilitators): the form, the last message, the link just made (shown once).
    "assess_inv_days": 14,
    "assess_inv_cap": 30,
    "assess_inv_label": "",
    "assess_inv_msg": None,
    "assess_inv_new": None,
    # Sign-in: the session token (its hash is in the database) and the last refusal.
    "auth_token": None,
    "auth_error": None,
    # ... the one-time code that hands the browser its HttpOnly cookie, a cookie found ended, and a cookie to clear.
    "auth_handoff": None,
    "auth_cookie_dead": None,
    "auth_clear_cookie": False,
    # Framework browser.
    "data_browse": "opm",
    # Workshop, participant's device: the workshop joined, who they are (pseudonym), the walk and the view.
    "join_code": None,
    "join_pseudonym": None,
    "join_secret": None,  # the secret of their link (?k=): checked on every rerun, so a removal or re-issue ends it
    "join_agency": None,
    "join_level": None,
    "join_answers": {},
    "join_pos": None,  # the statement on the phone's screen; None: the first not yet answered
    "join_view": "Rate",
    "join_seen": None,
    "join_apos": None,  # the appraisal screen on the phone; None: the first not yet scored
    "join_part": None,  # presenter-paced: the part the phone last showed (a new part opens at its first unanswered)
    "join_error": None,
    "join_f_code": "",
    "join_f_agency": None,
    "join_f_level": None,
    "join_f_name": "",
    # Workshop, facilitator: the workshop on screen, the new-workshop form, presentation view, shortlist.
    "workshop_sel": None,
    "workshop_pick": None,
    "workshop_msg": None,
    "workshop_f_area": None,
    "workshop_f_cycle": "",
    "workshop_f_title": "",
    "workshop_f_frameworks": ["opm", "twelve_cs"],
    "workshop_f_stages": ["consider", "create", "communicate", "commit"],
    "workshop_f_form": "full",  # full by default: a facilitator chooses the short form for a room (docs/short-form.md)
    "workshop_f_cs": list(C_IDS),
    "workshop_present": False,
    "workshop_pace": None,
    "workshop_summary": None,  # (code, file name, PDF bytes, DOCX bytes) of the summary made last  # the pace control's value, set from the workshop on screen
    "workshop_closing": None,  # the workshop the closing dialog asks about
    "workshop_shortlist_for": None,
    # ...the roster form's workshop, the participant picked for a new link or a removal, the new link (shown once).
    "workshop_roster_for": None,
    "workshop_person": None,
    "workshop_removing": None,  # the participant the removal dialog asks about
    "workshop_new_link": None,
    # Trainer mode: the demo partnership, the learner's answers and whether the toolkit's are shown, the view.
    "trainer_story": None,
    "trainer_stage_answer": None,
    "trainer_stage_why": "",
    "trainer_stage_revealed": False,
    "trainer_iv_answer": None,
    "trainer_iv_why": "",
    "trainer_iv_revealed": False,
    "trainer_explain_kind": "Stages",
    "trainer_explain_item": None,
    "trainer_present": False,
    "trainer_slide": 0,
    "trainer_msg": None,
    "trainer_confirm_reset": False,
    # Action plan: the goal whose removal is being confirmed.
    "plan_confirm_drop": None,
    # Import and export: the report last generated here, and prepared downloads.
    "data_report_fmt": "pdf",
    "data_report": None,
    "data_bundle": None,
    # Benchmark: the peer filters (a tag value, "same" as the area, or "any") and the measure over cycles.
    "bench_f_nation": "any",
    "bench_f_type": "any",
    "bench_f_police_footprint": "any",
    "bench_f_health_footprint": "any",
    "bench_hist_key": "overall",
    # Scrutiny: who is signed in, the last message, the evidence form, challenges, trail, checklist, sign-off.
    "scr_user": None,
    "scr_msg": None,
    "scr_loaded": None,
    "scr_note": "",
    "scr_source": "audit",
    "scr_date": None,
    "scr_judgement": "supports",
    "scr_link": "stage:consider",
    "scr_tab": "Evidence log",  # the view shown, kept across actions and page switches (scr_tab_w is its widget)
    "scr_tab_w": "Evidence log",
    "scr_can": {},  # what the signed-in account may do here: scrutinise, answer, sign
    "scr_owners": [],  # the accounts of the partnership that can own (answer) a challenge
    "scr_owner": None,
    "scr_due": None,
    "scr_open": [],
    "scr_closed": [],
    "scr_reopen_pick": None,
    "scr_reopen_reason": "",
    "scr_pick": None,
    "scr_answer": "",
    "scr_reason": "",
    "scr_e_note": "",
    "scr_e_owner": None,
    "scr_e_due": None,
    # Validation of a stage's or C's self-rating: the pick, the state, the scrutineer's figure, the reason.
    "scr_validations": {},
    "scr_v_pick": None,
    "scr_v_state": "validated",
    "scr_v_figure": 3.0,
    "scr_v_reason": "",
    "scr_v_dispute": "",
    "scr_trail": [],
    "scr_t_decision": "",
    "scr_t_date": None,
    "scr_t_change": "",
    "scr_t_outcome": "",
    "scr_t_nodes": [],
    "scr_t_pick": None,
    "scr_t_upd_change": "",
    "scr_t_upd_outcome": "",
    "scr_checks": {},
    "scr_c_pick": None,
    "scr_c_status": "not_checked",
    "scr_c_note": "",
    "scr_signed": {},  # each partner's sign-off in words
    "scr_sign_on_local_authority": None,
    "scr_sign_on_police": None,
    "scr_sign_on_health": None,
    "scr_statement": "",
    "scr_attachable": [],  # the notes the signed-in account may attach evidence to
    "scr_files": [],  # the links and files attached to the cycle's notes
    "scr_a_pick": None,
    "scr_a_url": "",
    "scr_a_title": "",
    "scr_a_w_pick": None,
    "scr_a_w_reason": "",
    "scr_carry": {},  # what the previous cycle has left to carry forward into this one
    "scr_carry_evidence": True,
    "scr_change": [],  # each judgement in the previous cycle beside this cycle's
    # Audit log: the area and the kind of action shown.
    "audit_area": "(all)",
    "audit_action": "(all)",
}


def init_state() -> None:
    """Give every key its default once per browser session."""
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)


def selected() -> tuple[str | None, str | None]:
    """The working context (area, cycle): the one reader every page uses (ui/context.py keeps it valid)."""
    return st.session_state.get("sel_area"), st.session_state.get("sel_cycle")
