"""Language overlays of the content registry.

A registry's texts may sit inline ({en-US: ..., es-MX: ...}) or in one overlay file per language
beside it, registry.<tag>.yaml, which mirrors the registry's structure with that language's texts
only: lists of items with ids become mappings by id, other lists stay lists. Translators then work
in their own file, and a build of one language depends only on the structure and that file, so an
edit to a Spanish text rebuilds only the Spanish documents.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from evalkit.core.config import load_yaml
from evalkit.core.errors import ConfigError
from evalkit.core.io import atomic_write_text, display_path
from evalkit.model.evaluation import LANGUAGE_TAG


def overlay_path(path: str | Path, lang: str) -> Path:
    path = Path(path)
    return path.with_name(f"{path.stem}.{lang}{path.suffix}")


def registry_files(path: str | Path, languages: list[str]) -> list[Path]:
    """The registry and those of its language overlays that exist, for `languages`."""
    path = Path(path)
    return [path] + [p for p in (overlay_path(path, lang) for lang in languages) if p.is_file()]


def _is_text(node) -> bool:
    return (isinstance(node, dict) and bool(node) and all(isinstance(k, str) and LANGUAGE_TAG.match(k) for k in node)
            and all(isinstance(v, str) for v in node.values()))


def merge_overlay(base, text, lang: str, where: str, problems: list[str]):
    """`base` (the registry or part of it) with the texts of `lang` from the overlay part `text`."""
    here = where or "(top)"
    if isinstance(text, str):
        if base is None:
            return {lang: text}
        if _is_text(base):
            if lang in base:
                problems.append(f"{here}: the {lang} text is both inline in the registry and in the overlay; keep one")
                return base
            return {**base, lang: text}
        problems.append(f"{here}: the overlay has a text where the registry has {type(base).__name__}")
        return base
    if isinstance(text, dict):
        if isinstance(base, list):
            ids = {item.get("id"): i for i, item in enumerate(base) if isinstance(item, dict)}
            out = list(base)
            for key, sub in text.items():
                if key not in ids:
                    problems.append(f"{where}.{key}: no item with id '{key}' in the registry")
                    continue
                out[ids[key]] = merge_overlay(out[ids[key]], sub, lang, f"{where}[{key}]", problems)
            return out
        if base is None or (isinstance(base, dict) and not _is_text(base)):
            out = dict(base or {})
            for key, sub in text.items():
                out[key] = merge_overlay(out.get(key), sub, lang, f"{where}.{key}" if where else str(key), problems)
            return out
        problems.append(f"{here}: the overlay has a mapping where the registry has {type(base).__name__}")
        return base
    if isinstance(text, list):
        if not isinstance(base, list) or len(base) != len(text):
            problems.append(f"{here}: the overlay has a list of {len(text)} items where the registry has "
                            + (f"a list of {len(base)}" if isinstance(base, list) else type(base).__name__))
            return base
        return [merge_overlay(b, t, lang, f"{where}[{i}]", problems) if t not in (None, {}) else b
                for i, (b, t) in enumerate(zip(base, text, strict=True))]
    if text is None:
        return base
    problems.append(f"{here}: expected a text, a mapping or a list in the overlay, not {type(text).__name__}")
    return base


def read_registry(path: str | Path, languages: list[str], display_root: str | Path | None = None) -> dict:
    """The registry with the texts of its language overlays merged in (only `languages`)."""
    path = Path(path)
    data = load_yaml(path)
    for lang in languages:
        over = overlay_path(path, lang)
        if not over.is_file():
            continue
        problems: list[str] = []
        text = load_yaml(over)
        if text is not None and not isinstance(text, dict):
            problems.append("expected a mapping at the top")
        else:
            data = merge_overlay(data, text or {}, lang, "", problems)
        if problems:
            raise ConfigError(display_path(over, display_root), problems)
    return data


_DROP = object()


def split_overlays(node, languages: list[str]):
    """(structure, {lang: overlay}): the inverse of merging; texts of other languages stay inline."""
    if _is_text(node):
        rest = {k: v for k, v in node.items() if k not in languages}
        return (rest or _DROP), {k: v for k, v in node.items() if k in languages}
    if isinstance(node, dict):
        struct, over = {}, {lang: {} for lang in languages}
        for key, value in node.items():
            s, o = split_overlays(value, languages)
            if s is not _DROP:
                struct[key] = s
            for lang, t in o.items():
                over[lang][key] = t
        return struct, {k: v for k, v in over.items() if v}
    if isinstance(node, list):
        keyed = node and all(isinstance(i, dict) and "id" in i for i in node)
        parts = [split_overlays(item, languages) for item in node]
        if any(s is _DROP for s, _ in parts):      # a list of bare texts: keep it inline
            return node, {}
        struct = [s for s, _ in parts]
        over = {}
        for lang in languages:
            if keyed:
                texts = {item["id"]: o[lang] for item, (_, o) in zip(node, parts, strict=True) if lang in o}
            else:
                texts = [o.get(lang, {}) for _, o in parts]
                texts = texts if any(texts) else None
            if texts:
                over[lang] = texts
        return struct, over
    return node, {}


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper, data: str):
    style = ">" if len(data) > 80 and "\n" not in data else ("|" if "\n" in data else None)
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _list(dumper, data: list):
    flow = all(isinstance(x, (str, int, float)) and not isinstance(x, bool) for x in data) and \
        sum(len(str(x)) + 2 for x in data) < 80
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(list, _list)


def dump_registry_yaml(data, header: str = "") -> str:
    """YAML the way authors write the registry: keys in order, long texts folded at 100 columns."""
    return header + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, indent=2)


def split_registry(path: str | Path, languages: list[str]) -> list[Path]:
    """Move the inline texts of `languages` from the registry at `path` into overlay files beside it
    (registry.<tag>.yaml); the registry keeps its structure and its leading comment. Refuses to
    overwrite an existing overlay. Returns the files written."""
    path = Path(path)
    for lang in languages:
        if overlay_path(path, lang).exists():
            raise ConfigError(str(overlay_path(path, lang)), ["exists already; merge it by hand or remove it first"])
    data = load_yaml(path)
    header = "".join(line for line in _leading_comment(path.read_text(encoding="utf-8")))
    struct, overlays = split_overlays(data, languages)
    written = []
    for lang in languages:
        over = overlay_path(path, lang)
        note = (f"# {lang} texts of {path.name}: same structure, this language only (items with ids are keyed by\n"
                f"# id). Edit the texts here; ids, links and ratings live in {path.name}.\n")
        atomic_write_text(over, dump_registry_yaml(overlays.get(lang, {}), note))
        written.append(over)
    atomic_write_text(path, dump_registry_yaml(struct, header))
    return [path] + written


def _leading_comment(text: str):
    for line in text.splitlines(keepends=True):
        if not line.startswith("#") and line.strip():
            return
        yield line
