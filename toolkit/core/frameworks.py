"""The framework loader: reads the bundled and user files, checks them, and resolves their cross-references."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import networkx as nx
import yaml
from pydantic import ValidationError

from toolkit.core import ids
from toolkit.core.schema import REPORTS, SCHEMA_VERSION, Citation, Construct, Framework, Intervention, Item, Node, Scale

BUNDLED_DIR = Path(__file__).resolve().parents[2] / "frameworks"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a framework file, where it is, and why."""

    file: str
    path: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.reason}"


class FrameworkError(Exception):
    """Raised with every problem found, so a user can fix them all in one go."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(eq=False)  # hashed by identity, so caches can key on the loaded catalogue
class Catalogue:
    """Every loaded framework, cross-referenced, with the lookups pages and analyses need."""

    frameworks: dict[str, Framework]
    files: dict[str, Path] = field(default_factory=dict)

    def get(self, framework_id: str) -> Framework:
        return self.frameworks[framework_id]

    @property
    def rated(self) -> list[Framework]:
        return [f for f in self.frameworks.values() if f.kind == "rated"]

    @cached_property
    def opm(self) -> Framework:
        return self.frameworks["opm"]

    @cached_property
    def twelve_cs(self) -> Framework:
        return self.frameworks["twelve_cs"]

    @cached_property
    def toc(self) -> Framework:
        return self.frameworks["theory_of_change"]

    @cached_property
    def interventions(self) -> list[Intervention]:
        """Every intervention from every framework that has any (built-in and user libraries)."""
        return [i for f in self.frameworks.values() for i in f.interventions]

    @cached_property
    def constructs(self) -> dict[str, Construct]:
        return {c.id: c for f in self.frameworks.values() for c in f.cs}

    @cached_property
    def nodes(self) -> dict[str, Node]:
        return {n.id: n for f in self.frameworks.values() for n in f.nodes}

    def item(self, framework_id: str, item_id: str) -> Item:
        return self.frameworks[framework_id].item_index[item_id]

    def scale(self, framework_id: str) -> Scale:
        scale = self.frameworks[framework_id].scale
        assert scale is not None, f"{framework_id} is not rated"
        return scale

    def item_scale(self, framework_id: str, item_id: str) -> Scale:
        """The scale one statement is rated on: its own named scale, or its framework's."""
        fw = self.frameworks[framework_id]
        name = fw.item_index[item_id].scale if item_id in fw.item_index else None
        return fw.scales[name] if name else self.scale(framework_id)


def _pydantic_problems(file: str, error: ValidationError) -> list[Problem]:
    problems = []
    for e in error.errors():
        path = ""
        for part in e["loc"]:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        problems.append(Problem(file, path, e["msg"]))
    return problems


# libyaml when present: ten times faster.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):
    """YAML 1.2-style booleans: only true/false, so a scale label like `No` or `Yes` stays text."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|false|True|False|TRUE|FALSE)$"), list("tTfF")
)


def _unique_keys(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict:
    """A mapping whose keys are unique: YAML forbids repeats, and PyYAML would silently keep only the last."""
    seen: set = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            repeated = key in seen
        except TypeError:  # an unhashable key: construct_mapping reports it
            break
        if repeated:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} appears twice in one mapping", key_node.start_mark
            )
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_Loader.add_constructor("tag:yaml.org,2002:map", _unique_keys)
MAX_FILE_BYTES = 5 * 2**20  # the bundled files are well under 1 MiB; a bigger file is a mistake, not a framework


def parse_framework(text: str, file: str) -> Framework:
    """Parse and validate one framework file's text, raising FrameworkError with every problem."""
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise FrameworkError([Problem(file, where, f"not valid YAML: {getattr(exc, 'problem', exc)}")]) from None
    except RecursionError:  # PyYAML composes nested collections recursively
        raise FrameworkError([Problem(file, "", "not valid YAML for a framework: nested too deeply")]) from None
    if not isinstance(data, dict):
        raise FrameworkError([Problem(file, "", "must be a YAML mapping with schema_version, id, kind, ...")])
    if "schema_version" not in data:
        raise FrameworkError(
            [Problem(file, "schema_version", f"is missing; start the file with schema_version: {SCHEMA_VERSION}")]
        )
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise FrameworkError(
            [Problem(file, "schema_version", f"is {version!r}; this toolkit reads schema_version {SCHEMA_VERSION}")]
        )
    try:
        return Framework.model_validate(data)
    except ValidationError as exc:
        raise FrameworkError(_pydantic_problems(file, exc)) from None


def _duplicates(values: list[str]) -> list[str]:
    seen: set[str] = set()
    return sorted({v for v in values if v in seen or seen.add(v)})


def _unique_ids(fw: Framework, file: str) -> list[Problem]:
    problems = []
    for section in (
        "stages",
        "levels",
        "context_factors",
        "groups",
        "cs",
        "items",
        "node_groups",
        "nodes",
        "assumptions",
        "interventions",
        "criteria",
        "guidance",
        "messengers",
        "channels",
    ):
        for dup in _duplicates([e.id for e in getattr(fw, section)]):
            problems.append(Problem(file, section, f"id {dup!r} is used more than once"))
    factors = [f.id for s in fw.stages for f in (*s.drivers, *s.barriers)]
    recs = [r.id for c in fw.cs for r in c.recommendations]
    for dup in _duplicates(factors) + _duplicates(recs):
        problems.append(Problem(file, "", f"id {dup!r} is used more than once"))
    return problems


def _check_references(cat: Catalogue) -> list[Problem]:
    """Resolve every cross-reference across the loaded files."""
    stages = {s.id for f in cat.frameworks.values() for s in f.stages} or set(ids.STAGES)
    levels = {lv.id for f in cat.frameworks.values() for lv in f.levels} or set(ids.LEVELS)
    cs = set(cat.constructs)
    nodes = set(cat.nodes)
    recs = {r.id for c in cat.constructs.values() for r in c.recommendations}
    reports = set(REPORTS)
    for f in cat.frameworks.values():
        reports |= {r.id for r in f.references}
    problems: list[Problem] = []

    def need(file: str, path: str, value: str | None, known: set[str], what: str) -> None:
        if value is not None and value not in known:
            problems.append(Problem(file, path, f"unknown {what} {value!r}"))

    for fid, fw in cat.frameworks.items():
        file = cat.files.get(fid, Path(f"{fid}.yaml")).name

        def cite(path: str, c: Citation | None, file: str = file) -> None:
            if c is not None:
                need(file, f"{path}.source.report", c.report, reports, "report")

        cite("", fw.source)
        factors = {
            f.id: kind for s in fw.stages for kind, fs in (("driver", s.drivers), ("barrier", s.barriers)) for f in fs
        }
        for i, s in enumerate(fw.stages):
            cite(f"stages[{i}]", s.source)
            for lv in s.by_level:
                need(file, f"stages[{i}].by_level", lv, levels, "level")
            for kind, fs in (("drivers", s.drivers), ("barriers", s.barriers)):
                for j, f in enumerate(fs):
                    for lv in f.levels:
                        need(file, f"stages[{i}].{kind}[{j}].levels", lv, levels, "level")
        groups = {g.id for g in fw.groups}
        for i, c in enumerate(fw.cs):
            need(file, f"cs[{i}].group", c.group, groups, "group")
            cite(f"cs[{i}]", c.source)
        for i, d in enumerate(fw.dependencies):
            need(file, f"dependencies[{i}].from", d.from_, cs, "C")
            need(file, f"dependencies[{i}].to", d.to, cs, "C")
        for i, it in enumerate(fw.items):
            p = f"items[{i}]"
            need(file, f"{p}.stage", it.stage, stages, "stage")
            need(file, f"{p}.level", it.level, levels | {ids.ALL_LEVELS}, "level")
            for c in it.cs:
                need(file, f"{p}.cs", c, cs, "C")
            for n in it.toc_nodes:
                need(file, f"{p}.toc_nodes", n, nodes, "Theory of Change node")
            if it.basis is not None and factors.get(it.basis.ref) != it.basis.kind:
                problems.append(
                    Problem(file, f"{p}.basis", f"no {it.basis.kind} {it.basis.ref!r} in this file's stages")
                )
            cite(p, it.source)
        if fw.short_form is not None:
            cite("short_form", fw.short_form.source)
            for ref in fw.short_form.stands_for:
                need(file, "short_form.stands_for", ref, set(factors) | cs, "driver, barrier or C")
        node_groups = {g.id for g in fw.node_groups}
        for i, n in enumerate(fw.nodes):
            need(file, f"nodes[{i}].group", n.group, node_groups, "node group")
            cite(f"nodes[{i}]", n.source)
        for i, e in enumerate(fw.edges):
            need(file, f"edges[{i}].from", e.from_, nodes, "Theory of Change node")
            need(file, f"edges[{i}].to", e.to, nodes, "Theory of Change node")
            if e.from_ in cat.nodes and e.to in cat.nodes:
                a, b = ids.TOC_TIERS.index(cat.nodes[e.from_].tier), ids.TOC_TIERS.index(cat.nodes[e.to].tier)
                if b < a:
                    problems.append(
                        Problem(file, f"edges[{i}]", f"{e.from_!r} -> {e.to!r} runs backwards through the tiers")
                    )
        if fw.edges:
            g = nx.DiGraph((e.from_, e.to) for e in fw.edges)
            try:
                cycle = nx.find_cycle(g)
                problems.append(Problem(file, "edges", "the graph has a cycle: " + " -> ".join(a for a, _ in cycle)))
            except nx.NetworkXNoCycle:
                pass
        for i, a in enumerate(fw.assumptions):
            for n in a.nodes:
                need(file, f"assumptions[{i}].nodes", n, nodes, "Theory of Change node")
        for i, m in enumerate(fw.opm_mapping):
            need(file, f"opm_mapping[{i}].stage", m.stage, stages, "stage")
        for i, iv in enumerate(fw.interventions):
            p = f"interventions[{i}]"
            for s in iv.stages:
                need(file, f"{p}.stages", s, stages, "stage")
            for lv in iv.levels:
                need(file, f"{p}.levels", lv, levels, "level")
            for c in iv.cs:
                need(file, f"{p}.cs", c, cs, "C")
            for n in iv.toc_nodes:
                need(file, f"{p}.toc_nodes", n, nodes, "Theory of Change node")
            for a in iv.agencies:
                need(file, f"{p}.agencies", a, set(ids.AGENCIES), "agency")
            need(file, f"{p}.recommendation", iv.recommendation, recs, "12 C's recommendation")
            cite(p, iv.source)
        for i, g in enumerate(fw.guidance):
            cite(f"guidance[{i}]", g.source)
    return problems


def framework_files(*dirs: Path) -> list[Path]:
    """The framework files in the given folders, in a stable order."""
    return [p for d in dirs if d.is_dir() for p in sorted(d.glob("*.y*ml")) if re.search(r"\.ya?ml$", p.name)]


def load_catalogue(user_dir: Path | None = None, bundled_dir: Path = BUNDLED_DIR) -> Catalogue:
    """Load the bundled frameworks and any user frameworks the same way, and resolve every reference."""
    if not bundled_dir.is_dir():  # without it there is no OPM, no 12 C's: an empty catalogue would fail far away
        raise FrameworkError(
            [
                Problem(
                    str(bundled_dir),
                    "",
                    "the bundled frameworks folder is missing; the toolkit cannot run without it. Restore the "
                    "frameworks/ folder from the release (or a fresh clone)",
                )
            ]
        )
    dirs = [bundled_dir] + ([user_dir] if user_dir else [])
    problems: list[Problem] = []
    cat = Catalogue(frameworks={})
    for path in framework_files(*dirs):
        if (size := path.stat().st_size) > MAX_FILE_BYTES:
            problems.append(
                Problem(
                    path.name,
                    "",
                    f"is {size / 2**20:.1f} MiB; a framework file is at most {MAX_FILE_BYTES // 2**20} MiB",
                )
            )
            continue
        try:
            fw = parse_framework(path.read_text(encoding="utf-8"), path.name)
        except UnicodeDecodeError as exc:
            problems.append(Problem(path.name, "", f"is not UTF-8 text ({exc.reason} at byte {exc.start})"))
            continue
        except FrameworkError as exc:
            problems.extend(exc.problems)
            continue
        if fw.id in cat.frameworks:
            other = cat.files[fw.id].name
            problems.append(Problem(path.name, "id", f"{fw.id!r} is already defined by {other}"))
            continue
        problems.extend(_unique_ids(fw, path.name))
        cat.frameworks[fw.id] = fw
        cat.files[fw.id] = path
    problems.extend(_check_references(cat))
    if problems:
        raise FrameworkError(problems)
    return cat


if __name__ == "__main__":  # python -m toolkit.core.frameworks [DIR]: validate and summarise
    try:
        c = load_catalogue(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    except FrameworkError as err:
        print(err, file=sys.stderr)
        sys.exit(1)
    for f in c.frameworks.values():
        counts = {
            k: len(getattr(f, k)) for k in Framework.model_fields if isinstance(getattr(f, k), list) and getattr(f, k)
        }
        print(f"{f.id:26} {f.kind:9} {counts}")
