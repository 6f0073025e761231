"""The Theory of Change canvas on the page: the toolkit's SVG in a small inline component that sends a click back.

An st.components.v2 component (Streamlit 1.67): HTML, CSS and JavaScript held here as text, no build step, no file
fetched from anywhere, no iframe. The SVG is the one toolkit.charts.toc_canvas drew, with every piece of framework
and user text XML-escaped there. A box is a focusable button: a click, Enter or Space sends its id as the `select`
trigger. The canvas keeps its own size (no scaling to fit); it pans by dragging its background, by the arrow keys
while it has focus, or by scrolling, and its zoom buttons change only its drawn size.
"""

from __future__ import annotations

from collections.abc import Callable

from streamlit.components.v2 import component

from toolkit.analysis.results import Toc
from ui.cached import analysis
from ui.widgets import areas_offered

CSS = """
.toc-bar { display: flex; gap: 6px; align-items: center; margin: 0 0 6px 0; font: 14px sans-serif; }
.toc-bar button { font: 14px sans-serif; padding: 2px 10px; border: 1px solid #888; border-radius: 4px;
  background: #fff; cursor: pointer; }
.toc-bar button:focus-visible { outline: 3px solid #0072B2; outline-offset: 1px; }
.toc-scroll { overflow: auto; max-height: 78vh; border: 1px solid #ddd; border-radius: 6px; background: #fff;
  cursor: grab; touch-action: none; }
.toc-scroll.toc-dragging { cursor: grabbing; user-select: none; }
.toc-scroll:focus-visible { outline: 3px solid #0072B2; outline-offset: 1px; }
.toc-scroll g.toc-node { cursor: pointer; }
.toc-scroll g.toc-node:focus { outline: none; }
.toc-scroll g.toc-node:focus-visible .toc-shape, .toc-scroll g.toc-node:hover .toc-shape {
  stroke: #000; stroke-width: 4; }
"""

JS = """
export default function (component) {
  const { data, setTriggerValue, parentElement } = component;
  let wrap = parentElement.querySelector('.toc-wrap');
  if (!wrap) {
    wrap = document.createElement('div');
    wrap.className = 'toc-wrap';
    wrap.innerHTML = '<div class="toc-bar" role="toolbar" aria-label="Zoom the Theory of Change">'
      + '<button type="button" data-zoom="-1" aria-label="Zoom out">−</button>'
      + '<button type="button" data-zoom="0" aria-label="Actual size">100%</button>'
      + '<button type="button" data-zoom="1" aria-label="Zoom in">+</button>'
      + '<span class="toc-zoom-now" aria-live="polite">100%</span></div>'
      + '<div class="toc-scroll" data-testid="toc-canvas" tabindex="0" role="region"'
      + ' aria-label="Theory of Change canvas: drag the background or use the arrow keys to pan"></div>';
    parentElement.appendChild(wrap);
    const pane = wrap.querySelector('.toc-scroll');
    // Pan: drag the background (not a box: a box is clicked), or the arrow keys while the canvas has focus.
    let drag = null;
    pane.addEventListener('pointerdown', (e) => {
      if (e.button !== 0 || e.target.closest('g.toc-node')) return;
      drag = { x: e.clientX, y: e.clientY, left: pane.scrollLeft, top: pane.scrollTop, id: e.pointerId };
      pane.setPointerCapture(e.pointerId);
      pane.classList.add('toc-dragging');
    });
    pane.addEventListener('pointermove', (e) => {
      if (!drag || e.pointerId !== drag.id) return;
      pane.scrollLeft = drag.left - (e.clientX - drag.x);
      pane.scrollTop = drag.top - (e.clientY - drag.y);
    });
    const stop = (e) => {
      if (!drag || e.pointerId !== drag.id) return;
      drag = null;
      pane.classList.remove('toc-dragging');
      if (pane.hasPointerCapture(e.pointerId)) pane.releasePointerCapture(e.pointerId);
    };
    pane.addEventListener('pointerup', stop);
    pane.addEventListener('pointercancel', stop);
    pane.addEventListener('keydown', (e) => {
      if (e.target !== pane) return;  // a focused box keeps its own keys
      const step = e.shiftKey ? 240 : 60;
      const move = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[e.key];
      if (!move) return;
      e.preventDefault();
      pane.scrollBy(move[0], move[1]);
    });
  }
  const scroll = wrap.querySelector('.toc-scroll');
  const keep = [scroll.scrollLeft, scroll.scrollTop];
  scroll.innerHTML = data.svg;  // drawn by toolkit.charts.toc_canvas, every text escaped there
  const svg = scroll.querySelector('svg');
  const base = svg ? [svg.width.baseVal.value, svg.height.baseVal.value] : [0, 0];
  const apply = () => {
    const z = window.__tocZoom || 1;
    if (svg) { svg.setAttribute('width', base[0] * z); svg.setAttribute('height', base[1] * z); }
    wrap.querySelector('.toc-zoom-now').textContent = Math.round(z * 100) + '%';
  };
  wrap.querySelectorAll('[data-zoom]').forEach((b) => {
    b.onclick = () => {
      const step = Number(b.dataset.zoom), z = window.__tocZoom || 1;
      window.__tocZoom = step === 0 ? 1 : Math.min(2, Math.max(0.5, z + step * 0.25));
      apply();
    };
  });
  apply();
  scroll.scrollLeft = keep[0]; scroll.scrollTop = keep[1];
  const choose = (el, byKey) => {
    window.__tocRefocus = byKey ? el.dataset.node : null;
    setTriggerValue('select', el.dataset.node);
  };
  scroll.querySelectorAll('g.toc-node').forEach((el) => {
    el.addEventListener('click', () => choose(el, false));
    el.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); choose(el, true); }
    });
  });
  if (window.__tocRefocus) {
    const again = scroll.querySelector('g.toc-node[data-node="' + CSS.escape(window.__tocRefocus) + '"]');
    if (again) again.focus();
  }
}
"""

_canvas = component("toc_canvas", css=CSS, js=JS)


def toc_canvas_view(svg: str, *, on_select: Callable[[], None], key: str = "toc_canvas") -> None:
    """Mount the canvas; a box chosen on it calls `on_select` (which reads st.session_state[key]["select"])."""
    _canvas(key=key, data={"svg": svg}, on_select_change=on_select, width="stretch", height="content")


def toc_history(area: str, cycle: str, *, action: str = "view_results") -> list[tuple[str, Toc]]:
    """The area's Theory of Change health in each cycle up to this one, in cycle order (each analysis cached)."""
    found = next((a for a in areas_offered(action) if a.area == area), None)
    names = [c.cycle for c in found.cycles] if found else []
    upto = names[: names.index(cycle) + 1] if cycle in names else [cycle]
    return [(c, analysis(area, c).toc) for c in upto]
