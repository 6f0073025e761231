"""Framework browser: every stage, C, node and intervention, with its source."""

import streamlit as st

from toolkit.core.browse import cite, framework_sections
from ui.resources import catalogue

st.title("Frameworks")
st.caption(
    "What the toolkit is built on. Every entry names the report and section it comes from; descriptions are in our own words."
)
cat = catalogue()
ids = list(cat.frameworks)
choice = st.selectbox("Framework", ids, key="data_browse", format_func=lambda f: cat.get(f).title)
fw = cat.get(choice)
st.markdown(f"**{fw.title}** · {'rated' if fw.kind == 'rated' else 'reference'} · source: {cite(fw.source, fw)}")
st.write(fw.description)
sections = framework_sections(cat, choice)
for tab, (_label, table) in zip(st.tabs(list(sections)), sections.items(), strict=True):
    with tab:
        st.dataframe(table, hide_index=True, width="stretch")
