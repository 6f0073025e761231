"""Account: sign in or out, create the first administrator, and (administrators) manage accounts and memberships."""

import pandas as pd
import streamlit as st

from toolkit.access.accounts import ACCOUNT_ROLES, MIN_PASSWORD, count_users
from toolkit.access.memberships import accounts
from toolkit.access.oidc import links
from toolkit.access.scope import cross_area
from toolkit.core.settings import get_settings
from toolkit.core.text import md_text
from ui import account_actions as actions
from ui.auth import first_admin_form, identity, sign_in_form, sign_out, via_sso
from ui.resources import db
from ui.scope import actor

st.title("Account")
who = identity()
if who:
    me = actor()
    held = "; ".join(actions.where(m) for m in (me.memberships or ())) if me else ""
    st.write(f"Signed in as **{md_text(who.username)}** ({who.role}){' with your organisation' if via_sso() else ''}.")
    st.caption(f"Memberships: {md_text(held) or 'none yet: ask an administrator'}.")
    st.button("Sign out", on_click=sign_out, key="account_signout")
    if msg := st.session_state.pop("account_msg", None):
        st.info(md_text(msg))
    if not cross_area(me, "manage_users"):
        st.stop()
    st.subheader("Accounts and memberships")
    st.write(
        "A membership is a role for one partnership, or for every area (a regional or national scrutineer, an "
        "administrator). Facilitators and scrutineers see and export only their partnerships' data; peers in a "
        "benchmark are named only for a role over every area. Every change here is written to the audit log."
    )
    sso = get_settings().oidc_enabled
    with db() as s:
        everyone, linked = accounts(session=s), links(session=s)
    st.dataframe(
        pd.DataFrame(
            [
                {"Account": a.username, "Main role": a.role, "Memberships": a.described}
                | ({"Single sign-on": linked.get(a.username, "none")} if sso else {})
                for a in everyone
            ],
            columns=["Account", "Main role", "Memberships", *(["Single sign-on"] if sso else [])],
        ),
        hide_index=True,
        width="stretch",
    )
    places, names = actions.area_options(), [a.username for a in everyone]
    c1, c2 = st.columns(2)
    with c1, st.form("account_add_form"):
        st.markdown("**Add an account**")
        st.text_input("Username", key="account_new_user")
        st.selectbox("Role", ACCOUNT_ROLES, key="account_new_role")
        st.multiselect("For the partnerships", places[:-1], key="account_new_areas", placeholder="Choose areas")
        st.checkbox("For every area", key="account_new_every")
        st.text_input(f"Password (at least {MIN_PASSWORD} characters)", type="password", key="account_new_pw1")
        st.text_input("Password again", type="password", key="account_new_pw2")
        st.form_submit_button("Add account", on_click=actions.add, type="primary")
    with c2, st.form("account_grant_form"):
        st.markdown("**Give a role for a partnership**")
        st.selectbox("Account", names, key="account_grant_user")
        st.selectbox("Role", ACCOUNT_ROLES, key="account_grant_role")
        st.selectbox("Partnership", places, key="account_grant_area")
        st.form_submit_button("Give the role", on_click=actions.give)
    c1, c2 = st.columns(2)
    held_all = actions.membership_options()
    with c1, st.form("account_revoke_form"):
        st.markdown("**Take a role away**")
        st.selectbox("Membership", list(held_all), key="account_revoke_pick", format_func=lambda k: held_all.get(k, k))
        st.form_submit_button("Take the role away...", on_click=actions.ask_take)
    with c2, st.form("account_pw_form"):
        st.markdown("**Set a password**")
        st.selectbox("Account", names, key="account_pw_user")
        st.text_input(f"New password (at least {MIN_PASSWORD} characters)", type="password", key="account_pw_new1")
        st.text_input("New password again", type="password", key="account_pw_new2")
        st.form_submit_button("Set the password", on_click=actions.password)
    if sso:
        st.subheader("Single sign-on")
        st.write(
            "Link an account to the identity your organisation's sign-in gives that person: the email address it "
            "has verified, or its issuer and subject (someone refused at sign-in is shown theirs). An identity that "
            "is linked to no account gets no access. Each change is written to the audit log."
        )
        c1, c2 = st.columns(2)
        with c1, st.form("account_sso_form"):
            st.selectbox("Account", names, key="account_sso_user")
            st.text_input("Verified email address", key="account_sso_email")
            st.text_input("or issuer", key="account_sso_issuer")
            st.text_input("and subject", key="account_sso_subject")
            st.form_submit_button("Link the identity", on_click=actions.link_sso)
        if with_link := actions.linked_names():
            with c2, st.form("account_sso_unlink_form"):
                st.selectbox("Account", with_link, key="account_sso_unlink_user")
                st.form_submit_button("Remove the link...", on_click=actions.ask_unlink)
        else:
            c2.caption("No account is linked to single sign-on yet.")
    if st.session_state.get(actions.CONFIRM):
        actions.confirm_revoke(st.session_state[actions.CONFIRM])
    elif st.session_state.get(actions.UNLINK):
        actions.confirm_unlink(st.session_state[actions.UNLINK])
    st.stop()
with db() as s:
    first = count_users(session=s) == 0
if first:
    first_admin_form()
if msg := st.session_state.pop("account_msg", None):
    st.info(msg)
st.subheader("Sign in")
st.caption("Facilitators, scrutineers and administrators sign in here. Workshop participants do not need an account.")
sign_in_form()
