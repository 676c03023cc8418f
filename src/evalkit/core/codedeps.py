"""The code a workflow rule runs: the import closure of its step module inside the evalkit package,
read from the source (imports inside functions included), plus the data files those modules load.

Each rule lists this as its `code` input, so editing a module re-runs exactly the rules whose steps
import it, directly or not; editing code no rule runs (the draft and review commands) re-runs
nothing. Light on purpose (standard library only): the Snakefile calls it on every run, so each
module is read and parsed once per run, whatever the number of rules, and what a module imports and
names is kept in .snakemake/evalkit-codedeps.json by the module's size and modification time (a run
with no code edited parses nothing).

The data files a module loads are found in its source too: a string constant that names a file
beside the module (``"report.css"``, ``"section508.yaml"``) or a schema in workflow/schemas/
(``load_schema("codebook.schema.yaml")``) makes that file part of the closure. Files whose name
the code builds from parts (the gettext catalogues) are listed in RESOURCES.
"""

from __future__ import annotations

import ast
import json
import os
import re
from functools import cache
from pathlib import Path

PACKAGE = "evalkit"
SCHEMAS = Path("workflow") / "schemas"
CACHE = Path(".snakemake") / "evalkit-codedeps.json"
CACHE_VERSION = 2
FILE_NAME = re.compile(r"[\w.-]{1,100}\.\w{1,10}")  # a string constant that may name a data file

# Data files that a module reads under a name its source does not spell out, by module, relative to
# the repository root.
RESOURCES = {
    "evalkit.core.i18n": ["src/evalkit/locale/*/LC_MESSAGES/*.po"],
}
# Packages that find their modules at run time (a registry that imports every module it holds, as
# evalkit.families does): importing the package depends on all of them. A module of such a package
# that defines one (`FAMILY = ...`) holds hooks for several stages (a family's analysis and its
# fragments): what a hook imports inside
# it counts only for the steps that call that hook, which they declare in a module constant
# `FAMILY_HOOKS = ("analyze",)`. A hook's helpers (top-level functions of the module it names) count
# with it.
DISCOVERS = {"evalkit.families"}
HOOKS_CONSTANT = "FAMILY_HOOKS"
REGISTERED = "FAMILY"


@cache
def _module_file(src: Path, module: str) -> Path | None:
    base = src.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@cache
def _folder_files(folder: Path) -> frozenset[str]:
    """Names of the data files (not Python) in one folder."""
    if not folder.is_dir():
        return frozenset()
    return frozenset(p.name for p in folder.iterdir() if p.is_file() and p.suffix not in (".py", ".pyc"))


class _Cache:
    """What each module imports and names, by its size and modification time, kept between runs in
    <root>/.snakemake/ (when that folder exists: a checkout Snakemake has run in)."""

    def __init__(self, root: Path):
        self.path = root / CACHE
        self.entries: dict[str, dict] = {}
        self.dirty = False
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
            if doc.get("version") == CACHE_VERSION:
                self.entries = doc["modules"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass

    def save(self) -> None:
        if not self.dirty or not self.path.parent.is_dir():
            return
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps({"version": CACHE_VERSION, "modules": self.entries}, sort_keys=True),
                           encoding="utf-8")
            os.replace(tmp, self.path)
            self.dirty = False
        except OSError:
            tmp.unlink(missing_ok=True)


@cache
def _cache(root: Path) -> _Cache:
    return _Cache(root)


def _source_facts(src: Path, module: str, path: Path) -> dict:
    """What one module imports (at module level, and by top-level function), the names each function
    uses, its string constants and the family hooks it declares (from the cache when it is unchanged)."""
    cache = _cache(src.parent)
    stat = path.stat()
    stamp = [stat.st_size, stat.st_mtime_ns]
    entry = cache.entries.get(module)
    if entry and entry.get("stamp") == stamp and entry.get("file") == path.name:
        return entry["facts"]
    facts = _parse(module, path)
    cache.entries[module] = {"stamp": stamp, "file": path.name, "facts": facts}
    cache.dirty = True
    return facts


def _imports(node: ast.AST, package: str) -> set[str]:
    found: set[str] = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Import):
            found |= {a.name for a in n.names}
        elif isinstance(n, ast.ImportFrom):
            if n.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - n.level + 1])
                target = f"{base}.{n.module}" if n.module else base
            else:
                target = n.module or ""
            found.add(target)
            found |= {f"{target}.{a.name}" for a in n.names}  # `from . import x` names a module
    return found


def _parse(module: str, path: Path) -> dict:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    strings = {n.value for n in ast.walk(tree)
               if isinstance(n, ast.Constant) and isinstance(n.value, str) and FILE_NAME.fullmatch(n.value)}
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    top = set()
    for n in tree.body:
        if n.__class__.__name__ not in ("FunctionDef", "AsyncFunctionDef"):
            top |= _imports(n, package)
    hooks: list[str] = []
    for n in tree.body:
        if (isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == HOOKS_CONSTANT for t in n.targets)
                and isinstance(n.value, ast.Tuple | ast.List)):
            hooks = [e.value for e in n.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return {
        "imports": sorted(top | set().union(*(_imports(f, package) for f in functions.values()))),
        "top": sorted(top),
        "functions": {name: {"imports": sorted(_imports(f, package)),
                             "names": sorted({x.id for x in ast.walk(f) if isinstance(x, ast.Name)} & set(functions))}
                      for name, f in functions.items()},
        "strings": sorted(strings),
        "hooks": hooks,
        "defines": sorted({t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets
                           if isinstance(t, ast.Name) and t.id == REGISTERED}),
    }


def _hook_imports(facts: dict, hooks: frozenset[str] | None) -> set[str]:
    """A discovered module's imports: its module-level ones, and those of the hooks (None: all of them)
    with the module's functions they use."""
    if hooks is None:
        return set(facts["imports"])
    funcs = facts["functions"]
    todo, seen = [h for h in hooks if h in funcs], set()
    while todo:
        f = todo.pop()
        if f not in seen:
            seen.add(f)
            todo += funcs[f]["names"]
    return set(facts["top"]).union(*(funcs[f]["imports"] for f in seen))


@cache
def _scan(src: Path, module: str, hooks: frozenset[str] | None = None) -> tuple[frozenset[str], frozenset[Path]]:
    """The evalkit modules one module imports, anywhere in its source (for a module of a DISCOVERS
    package: as far as the `hooks` its callers declared use), and the data files it names."""
    path = _module_file(src, module)
    assert path is not None
    facts = _source_facts(src, module, path)
    discovered = module.rpartition(".")[0] in DISCOVERS and bool(facts["defines"])
    found = _hook_imports(facts, hooks) if discovered else set(facts["imports"])
    strings = set(facts["strings"])
    modules = set()
    for name in found:
        if name == PACKAGE or name.startswith(PACKAGE + "."):
            # importing a.b.c runs a/__init__.py and a/b/__init__.py too
            parts = name.split(".")
            modules |= {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
    if module in DISCOVERS:
        folder = path.parent
        modules |= {f"{module}.{p.stem}" for p in folder.glob("*.py") if p.name != "__init__.py"}
    modules = {m for m in modules if _module_file(src, m) is not None}
    root = src.parent
    data = {path.parent / s for s in strings & _folder_files(path.parent)}
    data |= {root / SCHEMAS / s for s in strings & _folder_files(root / SCHEMAS)}
    return frozenset(modules), frozenset(data)


@cache
def closure(root: str, *modules: str) -> tuple[str, ...]:
    """Every file (relative to `root`) that running `modules` may execute or load."""
    src = Path(root) / "src"
    hooks: frozenset[str] = frozenset()
    while True:  # the hooks the modules declare decide what the discovered modules bring in
        seen: set[str] = set()
        data: set[Path] = set()
        todo = list(modules)
        while todo:
            m = todo.pop()
            if m in seen:
                continue
            path = _module_file(src, m)
            if path is None:
                raise ValueError(f"no module {m} under {src}")
            seen.add(m)
            imported, loaded = _scan(src, m, hooks)
            data |= loaded
            todo += sorted(imported - seen)
        declared = frozenset(h for m in seen if (f := _module_file(src, m)) is not None
                             for h in _source_facts(src, m, f)["hooks"])
        if declared <= hooks:
            break
        hooks |= declared
    files = {str(path.relative_to(root)) for m in seen if (path := _module_file(src, m)) is not None}
    files |= {str(p.relative_to(root)) for p in data}
    for owner, patterns in RESOURCES.items():
        if owner in seen:
            for pattern in patterns:
                files |= {str(p.relative_to(root)) for p in Path(root).glob(pattern)}
    _cache(Path(root)).save()
    return tuple(sorted(files))
