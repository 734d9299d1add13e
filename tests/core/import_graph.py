"""The import graph of the app's packages, read from the source with ``ast``: every import statement is an edge,
at module level, inside functions (start-up speed is no excuse for a cycle) and under TYPE_CHECKING alike."""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Edge:
    source: str  # module names, e.g. core.providers.base
    target: str
    where: str  # path:line of the import statement

    def __str__(self) -> str:
        return f"{self.source} → {self.target}  ({self.where})"


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    return {module_name(root, path): path for package in packages for path in sorted((root / package).rglob("*.py"))}


def _known(name: str, known: dict[str, Path]) -> str | None:
    """The module of ours that ``name`` (a module, or a name inside one) refers to."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in known:
            return ".".join(parts[:end])
    return None


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool, known: dict[str, Path]) -> list[str]:
    """The dotted names an import statement loads: ``from a import b`` loads the module ``a.b`` if there is one,
    else ``a`` (whose ``b`` it takes)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        parts = module.split(".")
        anchor = parts[: len(parts) - node.level + (1 if is_package else 0)]
        base = ".".join([*anchor, *([base] if base else [])])
    submodules = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in known]
    return submodules + ([base] if len(submodules) < len(node.names) else [])


def edges(root: Path, packages: tuple[str, ...]) -> list[Edge]:
    known = modules(root, packages)
    found: dict[tuple[str, str], Edge] = {}
    for module, path in known.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            targets = {_known(name, known) for name in _imported(node, module, path.name == "__init__.py", known)}
            for target in targets - {None, module}:
                found.setdefault((module, target), Edge(module, target, f"{path.relative_to(root)}:{node.lineno}"))
    return list(found.values())


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's groups of modules that all reach each other, the ones of two or more modules, each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(start: str) -> None:  # iterative: a deep import chain must not hit the recursion limit
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def shortest_cycle(graph: dict[str, set[str]], members: list[str]) -> list[str]:
    """One shortest way round a group, from its first module back to it."""
    start, inside = members[0], set(members)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph.get(node, set()) & inside):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if child not in came_from:
                    came_from[child] = node
                    following.append(child)
        frontier = following
    return members


def graph_of(found: list[Edge]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for edge in found:
        graph[edge.source].add(edge.target)
    return graph


def describe_cycles(found: list[Edge]) -> list[str]:
    """Each cycle as text: its modules, one way round, and every import that keeps it closed."""
    graph = graph_of(found)
    texts = []
    for members in strongly_connected(graph):
        inside = set(members)
        imports = sorted(str(e) for e in found if e.source in inside and e.target in inside)
        texts.append(f"{len(members)} modules import each other: {', '.join(members)}\n"
                     f"    e.g. {' → '.join(shortest_cycle(graph, members))}\n"
                     + "\n".join(f"    {line}" for line in imports))
    return texts
