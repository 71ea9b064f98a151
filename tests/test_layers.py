"""Imports run one way, down the layers, with no circles.

The layer order is data (:data:`LAYERS`): a path under ``xlplan/`` (a folder ends in ``/``)
and its layer, bottom (0) to top. Every ``import`` of every module is read with :mod:`ast`,
at module level and inside functions alike (an import put off into a function still ties the
two modules), relative imports resolved. Three things must hold:

* no module imports one of a higher layer;
* no modules import each other in a circle;
* every module of the package is placed (a new module must be given its layer).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "xlplan"

#: Bottom to top. A module may import its own layer and those below it, never one above.
LAYERS: dict[str, int] = {
    # the package's face: Python runs it before any module of the package, so it stands at the
    # bottom and imports nothing (it holds the version and names the API, loaded on first use)
    "__init__.py": 0,
    # rules and words as data: the one Issue model, the issue catalogue, settings, text
    "schema/": 0, "issues.py": 0, "catalogue.py": 0, "config.py": 0, "text.py": 0,
    # the file as a package of parts: zip, XML, styles, checks on the bytes, processes, writes
    "ooxml/": 1, "styles.py": 1, "safety/": 1, "tolerant.py": 1, "atomic.py": 1, "procs/": 1,
    # file -> raw sheets; the consolidated workbook's layout and its reading back; row heights
    # and print setup of every written sheet
    "reader.py": 2, "consolidated.py": 2, "layout.py": 2,
    # raw sheet -> kind, header, column map (and the `map` command's report of it)
    "locate/": 3, "mapping.py": 3,
    # the rows under a header that are not rows of the table
    "rows.py": 4,
    # located sheet -> tidy rows
    "normalise/": 5,
    # tidy rows -> issues
    "checks/": 6,
    # many submissions (and last month's workbook) -> one merged result
    "merging/": 7,
    # outputs: the consolidated workbook, templates, annotated copies, the board pack
    "write/": 8, "template.py": 8, "annotate/": 8, "pack/": 8,
    # the bundled examples: apart (see APART)
    "demo/": 8,
    # the library API: read, validate, merge
    "api.py": 9,
    # the command line
    "cli.py": 10, "__main__.py": 10,
}

#: Places that only the named modules may import, whatever their layers.
APART: dict[str, tuple[str, ...]] = {
    "demo/": ("demo/", "api.py", "cli.py"),
}

#: Module -> (line, module it imports), for the modules of the package.
Graph = dict[str, list[tuple[int, str]]]
#: Marks an import of a module the package does not have.
MISSING = "?"


def place(rel: str, table: dict[str, object]) -> str | None:
    """The key of ``table`` that places ``rel`` (a path under xlplan/): the longest match."""
    keys = [k for k in table if rel == k or (k.endswith("/") and rel.startswith(k))]
    return max(keys, key=len) if keys else None


def module_paths(package: Path = PACKAGE) -> dict[str, str]:
    """Dotted module name -> path under the package folder, for every module."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package)
        parts = [package.name, *rel.with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = rel.as_posix()
    return out


def imports_of(path: Path, module: str, modules: dict[str, str]) -> list[tuple[int, str]]:
    """(line, module of this package) for every import in the file, wherever it stands."""
    is_package = path.name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            # `from . import atomic` imports a module; `from .issues import at` a name of one
            targets = [f"{source}.{a.name}" if f"{source}.{a.name}" in modules else source
                       for a in node.names]
        else:
            continue
        for target in targets:
            if target.split(".")[0] != package.split(".")[0]:
                continue  # another library
            if target not in modules:  # a module moved away: the import would fail
                target = f"{MISSING}{target}"
            if target != module and (node.lineno, target) not in found:
                found.append((node.lineno, target))
    return found



def import_graph(package: Path = PACKAGE) -> tuple[dict[str, str], Graph]:
    modules = module_paths(package)
    return modules, {m: imports_of(package / rel, m, modules) for m, rel in modules.items()}


def missing(modules: dict[str, str], graph: Graph) -> list[str]:
    """Imports of modules of the package that do not exist (a relative import gone wrong)."""
    return [f"xlplan/{modules[m]}:{line} -> {target[len(MISSING):]}"
            for m, edges in graph.items() for line, target in edges if target.startswith(MISSING)]


def unplaced(modules: dict[str, str]) -> list[str]:
    return [rel for rel in modules.values() if place(rel, LAYERS) is None]


def upward(modules: dict[str, str], graph: Graph) -> list[str]:
    """Every import from a lower layer to a higher one, or into a place kept apart."""
    bad = []
    for module, edges in graph.items():
        rel = modules[module]
        for line, target in edges:
            if target.startswith(MISSING):
                continue
            trel = modules[target]
            here, there = LAYERS.get(place(rel, LAYERS)), LAYERS.get(place(trel, LAYERS))
            apart = place(trel, APART)
            if apart and not any(rel == k or (k.endswith("/") and rel.startswith(k))
                                 for k in APART[apart]):
                bad.append(f"xlplan/{rel}:{line} -> xlplan/{trel} (kept apart: only "
                           f"{', '.join(APART[apart])} may import it)")
            elif here is not None and there is not None and there > here:
                bad.append(f"xlplan/{rel}:{line} -> xlplan/{trel} "
                           f"(layer {here} imports layer {there})")
    return bad


def cycles(graph: Graph) -> list[list[str]]:
    """The circles of the graph: each set of modules that reach each other (sorted)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def strong(v: str) -> None:  # Tarjan's algorithm
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for _, w in graph[v]:
            if w.startswith(MISSING):
                continue
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return found


def circle_through(group: list[str], graph: Graph) -> list[str]:
    """A shortest way from the group's first module back to itself, inside the group."""
    start, members = group[0], set(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for _, w in graph[v]:
            if w == start:
                return paths[v] + [start]
            if w in members and w not in paths:
                paths[w] = paths[v] + [w]
                queue.append(w)
    return group


def with_lines(circle: list[str], graph: Graph,
               modules: dict[str, str]) -> str:
    steps = []
    for a, b in zip(circle, circle[1:]):
        line = min(n for n, t in graph[a] if t == b)
        steps.append(f"xlplan/{modules[a]}:{line} -> xlplan/{modules[b]}")
    return "; ".join(steps)


def test_every_module_has_a_layer():
    modules, _ = import_graph()
    missing = unplaced(modules)
    assert not missing, ("place these modules in LAYERS (tests/test_layers.py): "
                         + ", ".join(missing))


def test_every_import_of_the_package_names_a_module_it_has():
    modules, graph = import_graph()
    bad = missing(modules, graph)
    assert not bad, "imports of modules that do not exist:\n" + "\n".join(bad)


def test_no_module_imports_a_higher_layer():
    modules, graph = import_graph()
    bad = upward(modules, graph)
    assert not bad, "imports that run up the layers:\n" + "\n".join(bad)


def test_no_modules_import_each_other_in_a_circle():
    modules, graph = import_graph()
    found = cycles(graph)
    assert not found, "import circles:\n" + "\n".join(
        f"{', '.join(group)}; one way round: "
        f"{with_lines(circle_through(group, graph), graph, modules)}"
        for group in found)


# ------------------------------------------------------------------------- the checker itself

def write_package(root: Path, files: dict[str, str]) -> Path:
    package = root / "xlplan"
    for rel, text in files.items():
        (package / rel).parent.mkdir(parents=True, exist_ok=True)
        (package / rel).write_text(text, encoding="utf-8")
    return package


def test_the_checker_finds_an_import_up_inside_a_function_and_a_circle(tmp_path):
    package = write_package(tmp_path, {
        "__init__.py": "",
        "schema/__init__.py": "",
        "schema/risk.py": "def f():\n    from ..write.risks import x\n",
        "write/__init__.py": "",
        "write/risks.py": "from ..schema import risk\nfrom . import heatmap\n",
        "write/heatmap.py": "import xlplan.write.risks\n",
        "demo/__init__.py": "",
        "checks/__init__.py": "from ..demo import build\n",
        "demo/build.py": "",
        "stray.py": "def g():\n    from .schema.gone import y\n",
    })
    modules, graph = import_graph(package)
    assert graph["xlplan.write.risks"] == [(1, "xlplan.schema.risk"), (2, "xlplan.write.heatmap")]
    assert upward(modules, graph) == [
        "xlplan/checks/__init__.py:1 -> xlplan/demo/build.py (kept apart: only demo/, api.py, "
        "cli.py may import it)",
        "xlplan/schema/risk.py:2 -> xlplan/write/risks.py (layer 0 imports layer 8)"]
    assert cycles(graph) == [["xlplan.schema.risk", "xlplan.write.heatmap", "xlplan.write.risks"]]
    assert circle_through(cycles(graph)[0], graph) == ["xlplan.schema.risk", "xlplan.write.risks",
                                                       "xlplan.schema.risk"]
    assert unplaced(modules) == ["stray.py"]
    assert missing(modules, graph) == ["xlplan/stray.py:2 -> xlplan.schema.gone"]


@pytest.mark.parametrize("rel", ["ooxml/__init__.py", "ooxml/parts.py", "write/new_sheet.py",
                                 "schema/movement.py"])
def test_places_that_will_hold_new_modules_are_already_in_the_table(rel):
    assert place(rel, LAYERS) is not None
