"""The shape of the code: one package per concern, no import circles, small modules, pages that only wire."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLKIT = ROOT / "toolkit"
MAX_LINES = 420  # "none over about 400 lines"
PACKAGES = {
    "core",
    "store",
    "capture",
    "workshops",
    "access",
    "analysis",
    "interventions",
    "scrutiny",
    "reports",
    "charts",
    "training",
    "cli",
}


def _sources(*folders: str) -> list[Path]:
    out: list[Path] = []
    for folder in folders:
        out += [p for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts]
    return sorted(out)


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _imports(tree: ast.AST, module: str) -> list[tuple[ast.stmt, str]]:
    """(statement, imported module) for every import in the tree, with `from x import sub` resolved to x.sub."""
    out: list[tuple[ast.stmt, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(module.split(".")[: -node.level] + ([base] if base else []))
            out.append((node, base))
            out += [(node, f"{base}.{a.name}") for a in node.names]
    return out


def _function_level(tree: ast.AST) -> set[int]:
    """Line numbers of import statements inside a function body."""
    lines: set[int] = set()
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(fn):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    lines.add(node.lineno)
    return lines


def _type_checking_only(tree: ast.Module) -> set[int]:
    """Line numbers of imports under `if TYPE_CHECKING:` (they never run, so they cannot make a circle)."""
    lines: set[int] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            lines |= {n.lineno for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)}
    return lines


def test_toolkit_is_one_package_per_concern() -> None:
    found = {p.name for p in TOOLKIT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert found == PACKAGES
    loose = sorted(p.name for p in TOOLKIT.glob("*.py") if p.name not in {"__init__.py", "__main__.py"})
    assert loose == [], f"modules outside a package: {loose}"


def test_the_toolkit_imports_have_no_circle() -> None:
    graph = nx.DiGraph()
    known = {_module(p) for p in _sources("toolkit")}
    for path in _sources("toolkit"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_only(tree) | _function_level(tree)
        me = _module(path)
        graph.add_node(me)
        for node, name in _imports(tree, me):
            if node.lineno not in skip and name in known and name != me:
                graph.add_edge(me, name)
    cycles = list(nx.simple_cycles(graph))
    assert cycles == [], f"import circles: {cycles[:5]}"


@pytest.mark.parametrize("path", _sources("toolkit", "ui", "app_pages"), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_inside_functions_say_why(path: Path) -> None:
    """An import inside a function (an optional heavy dependency) carries a comment, on its line or the one above."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    silent = [n for n in sorted(_function_level(ast.parse(text))) if "#" not in lines[n - 1] + lines[n - 2]]
    assert silent == [], f"{path.name}: imports inside functions without a reason at lines {silent}"


@pytest.mark.parametrize("path", _sources("toolkit", "ui", "app_pages"), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_stay_small(path: Path) -> None:
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{path.relative_to(ROOT)} has {n} lines; split it by idea"


def test_the_toolkit_never_imports_streamlit() -> None:
    for path in _sources("toolkit"):
        names = [name for _, name in _imports(ast.parse(path.read_text(encoding="utf-8")), _module(path))]
        assert not [n for n in names if n == "streamlit" or n.startswith("streamlit.")], f"{path} imports streamlit"


@pytest.mark.parametrize("path", _sources("app_pages"), ids=lambda p: p.name)
def test_pages_only_wire(path: Path) -> None:
    """Pages reach data through ui/ and the toolkit's public functions: no tables, sessions or engines of their own."""
    names = [name for _, name in _imports(ast.parse(path.read_text(encoding="utf-8")), "app_pages.x")]
    banned = [
        n
        for n in names
        if n.startswith(("toolkit.store.models", "sqlalchemy"))
        or n.endswith((".session_scope", ".get_engine", ".engine_for"))
    ]
    assert banned == [], f"{path.name} imports {banned}"


@pytest.mark.parametrize("path", _sources("app_pages"), ids=lambda p: p.name)
def test_pages_define_no_callbacks_dialogs_or_views(path: Path) -> None:
    """A page's callbacks, dialogs and views live in one place in ui/ (its *_actions, *_views): none in the page."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    defined = [
        f"{n.name} (line {n.lineno})"
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    ]
    assert defined == [], f"{path.name} defines {defined}; move them to ui/"


def test_no_private_streamlit_api() -> None:
    for path in [*_sources("ui", "app_pages"), ROOT / "app.py"]:
        names = [name for _, name in _imports(ast.parse(path.read_text(encoding="utf-8")), "x.y")]
        private = [n for n in names if n.startswith(("streamlit.runtime", "streamlit.web", "streamlit.elements"))]
        assert private == [], f"{path.relative_to(ROOT)} uses Streamlit internals: {private}"


def test_app_only_routes() -> None:
    """app.py sets the page up and routes with st.navigation over app_pages/; nothing else."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    imported = {name for _, name in _imports(tree, "app")}
    assert not {n for n in imported if n.startswith("toolkit")}, "app.py computes nothing itself"
    pages = [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    paths = [c.value for c in pages if c.value.endswith(".py")]
    assert paths and all(p.startswith("app_pages/") and (ROOT / p).exists() for p in paths)
    assert {p.name for p in (ROOT / "app_pages").glob("*.py")} == {Path(p).name for p in paths}
    assert not (ROOT / "pages").exists(), "a pages/ folder switches on Streamlit's old auto-discovery"
