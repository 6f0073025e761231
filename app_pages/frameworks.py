"""Framework browser: every stage, C, node and intervention, with its source."""

import streamlit as st

from toolkit.core.browse import cite, framework_sections
from toolkit.core.text import md_text
from ui.resources import catalogue
from ui.widgets import keep_offered

st.title("Frameworks")
st.caption(
    "What the toolkit is built on. Every entry names the report and section it comes from; descriptions are in our own words."
)
cat = catalogue()
ids = list(cat.frameworks)
choice = st.selectbox(
    "Framework", keep_offered("data_browse", ids, ids[0]), key="data_browse", format_func=lambda f: cat.get(f).title
)
fw = cat.get(choice)
# Framework files are text, not Markdown: an administrator's link or image (a tracking pixel) is shown as written.
st.markdown(
    f"**{md_text(fw.title)}** · {'rated' if fw.kind == 'rated' else 'reference'} · source: {md_text(cite(fw.source, fw))}"
)
st.markdown(md_text(fw.description))
if fw.applies_to or fw.sources_dated:
    st.caption(
        f"Applies to: {md_text(fw.applies_to) or 'not stated'} · Sources dated: {md_text(fw.sources_dated) or 'not stated'}"
    )
if fw.context_note:
    st.info(md_text(fw.context_note), icon=":material/history:")
sections = framework_sections(cat, choice)
for tab, (_label, table) in zip(st.tabs(list(sections)), sections.items(), strict=True):
    with tab:
        st.dataframe(table, hide_index=True, width="stretch")
