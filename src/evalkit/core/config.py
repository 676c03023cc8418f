"""Load and validate YAML configuration against JSON schemas, with messages a person can act on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import yaml

from evalkit.core.errors import ConfigError

SCHEMA_DIR = Path(__file__).resolve().parents[3] / "workflow" / "schemas"


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]  # a base chosen at import time: same documents, faster
    """SafeLoader that keeps dates as the strings people typed (schemas check their form)."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def data_only_problems(text: str) -> list[str]:
    """Configuration is data, never code: no YAML tag (a tag asks the loader to build an object),
    and no `__use_yte__`, which makes Snakemake evaluate the file as a template (YTE) when it loads it."""
    if "!" not in text and "\\" not in text and "__use_yte__" not in text:
        # No tag without '!'; without a backslash escape no scalar can spell __use_yte__ other than literally.
        return []
    problems = []
    try:
        for token in yaml.scan(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml: same tokens
            line = token.start_mark.line + 1
            if isinstance(token, yaml.TagToken):
                handle, suffix = token.value
                problems.append(f"line {line}: the YAML tag '{(handle or '')}{suffix}' is not allowed; "
                                f"configuration is plain data (write the value without a tag)")
            elif isinstance(token, yaml.ScalarToken) and token.value.strip() == "__use_yte__":
                problems.append(f"line {line}: '__use_yte__' is not allowed; it would make Snakemake evaluate "
                                f"the file as a template (configuration is plain data, never code)")
    except yaml.YAMLError:
        pass  # load_yaml reports the syntax error with its place
    return problems


def check_data_only(path: str | Path) -> None:
    """Refuse a configuration file that is not plain data, before any loader acts on it."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return  # load_yaml names the problem
    problems = data_only_problems(text)
    if problems:
        raise ConfigError(str(path), problems)


def dotted(data: Any, path: str) -> Any:
    """The value at a dotted key path ("privacy.min_cell") in nested mappings, or None if any part is missing."""
    node = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def load_yaml(path: str | Path) -> Any:
    """Read a YAML file; a syntax error becomes a ConfigError naming the file and line. A file that
    is not plain data (a YAML tag, a template marker) is refused (data_only_problems)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(path), ["file not found"]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(str(path), [f"not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None
    problems = data_only_problems(text)
    if problems:
        raise ConfigError(str(path), problems)
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ConfigError(str(path), [f"{where}not valid YAML ({getattr(exc, 'problem', exc)})"]) from None


def load_schema(name: str) -> dict:
    """A schema from workflow/schemas/ by file name."""
    return load_yaml(SCHEMA_DIR / name)


def _key_path(path) -> str:
    parts = []
    for p in path:
        if isinstance(p, int):
            parts.append(f"[{p}]")
        else:
            parts.append(("." if parts else "") + str(p))
    return "".join(parts) or "(top level)"


def _expected(schema: dict) -> str:
    desc = schema.get("description")
    if "enum" in schema:
        exp = "one of " + ", ".join(repr(v) for v in schema["enum"])
    elif "type" in schema:
        t = schema["type"]
        exp = f"{'an' if str(t)[0] in 'aeiou' else 'a'} {t}"
        if "pattern" in schema:
            exp += f" matching {schema['pattern']}"
    else:
        exp = "a valid value"
    return f"{exp} ({desc})" if desc else exp


def describe_error(err: jsonschema.ValidationError) -> str:
    """One line per schema violation: which key, what was expected, what was found."""
    where = _key_path(err.absolute_path)
    v = err.validator
    schema: dict = err.schema if isinstance(err.schema, dict) else {}  # a bool schema has no keywords
    instance: Any = err.instance
    if v == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        extra = sorted(set(instance) - set(allowed))
        return (f"unknown key {', '.join(repr(e) for e in extra)} in {where}; "
                f"allowed keys: {', '.join(allowed)}")
    if v == "required":
        missing = err.message.split("'")[1] if "'" in err.message else err.message
        sub = schema.get("properties", {}).get(missing, {})
        return f"missing key '{missing}' in {where}; expected {_expected(sub)}"
    if v in ("type", "enum", "pattern"):
        return f"key '{where}' must be {_expected(schema)}, got {instance!r}"
    if v in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return f"key '{where}' is out of range: {err.message} ({schema.get('description', '')})".rstrip(" ()")
    return f"key '{where}': {err.message}"


def validate(instance: Any, schema: dict, source: str) -> None:
    """Raise ConfigError listing every violation of `schema` in `instance`, read from `source`."""
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(instance), key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    if errors:
        raise ConfigError(source, [describe_error(e) for e in errors])


def load_config(path: str | Path, overrides: dict | None = None) -> dict:
    """Read the run configuration, apply command-line overrides, and validate it."""
    cfg = load_yaml(path) or {}
    if overrides:
        cfg = {**cfg, **overrides}
    validate(cfg, load_schema("config.schema.yaml"), str(path))
    return cfg


def apply_defaults(config: dict) -> dict:
    """Fill optional settings with the defaults the config schema documents (``default:``)."""
    schema = load_schema("config.schema.yaml")
    for key, prop in schema["properties"].items():
        if prop.get("type") == "object" and "properties" in prop and key not in schema.get("required", []):
            section = config.setdefault(key, {})
            for sub, sp in prop["properties"].items():
                if "default" in sp:
                    section.setdefault(sub, sp["default"])
    return config
