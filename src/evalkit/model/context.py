"""The run context (repository root, validated config, the evaluation) and what the workflow needs
to name its outputs. Light on purpose: the Snakefile imports it on every run, so it must not pull
in pandas, statsmodels or matplotlib (a run with nothing to do stays fast)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from evalkit.core.config import apply_defaults, load_config
from evalkit.core.i18n import subtag
from evalkit.core.io import display_path
from evalkit.core.layout import Layout
from evalkit.model.evaluation import Evaluation, load_evaluation


@dataclass
class Context:
    root: Path
    config: dict
    evaluation: Evaluation

    @classmethod
    def load(cls, root: str | Path, config: dict | None = None, config_path: str = "config/config.yaml") -> Context:
        root = Path(root)
        cfg = apply_defaults(dict(config) if config is not None else load_config(root / config_path))
        from evalkit.core.errors import ConfigError
        from evalkit.core.i18n import unsupported_languages

        problems = unsupported_languages(cfg["languages"])
        if problems:
            raise ConfigError(config_path + " (with --config overrides)", problems)
        return cls(root, cfg, load_evaluation(root, cfg["evaluation"], cfg["languages"]))

    @classmethod
    def for_step(cls, root: str | Path, settings: dict) -> Context:
        """The context of one workflow job, holding only the configuration its rule declares
        (``params.config``, a slice of the validated config with its defaults applied): a step that
        reads a setting its rule does not declare fails instead of going stale when it changes.
        The evaluation is loaded from disk; its languages were checked when the run started."""
        settings = dict(settings)
        return cls(
            Path(root), settings, load_evaluation(root, settings["evaluation"], list(settings.get("languages", [])))
        )

    @property
    def layout(self) -> Layout:
        """The paths of this evaluation's build (evalkit.core.layout), under the repository root."""
        return Layout.of(self.root, self.evaluation.id)

    @property
    def results(self) -> Path:
        """Where everything built for this evaluation goes: results/<evaluation id>/ (never edited by hand)."""
        return self.layout.base

    def rel(self, path: str | Path) -> str:
        return display_path(path, self.root)

    def report_source(self, lang: str, document: str = "report") -> Path:
        return self.evaluation.report_dir() / subtag(lang) / f"{document}.qmd"

    def documents(self) -> list[str]:
        """The evaluation's documents: every .qmd under report/<evaluation>/<language>/ (Quarto's
        convention: names starting with '_' or '.' are partials, not documents), as paths without the
        suffix, e.g. 'report' or 'briefs/compliance'. Each is published as
        results/publish/<language>/<document>.<format>. Every language must have the same documents."""
        from evalkit.core.errors import ConfigError

        found = {}
        for tag in self.config["languages"]:
            folder = self.evaluation.report_dir() / subtag(tag)
            found[tag] = sorted(
                p.relative_to(folder).with_suffix("").as_posix()
                for p in folder.rglob("*.qmd")
                if not any(part.startswith(("_", ".")) for part in p.relative_to(folder).parts)
            )
        primary = self.config["languages"][0]
        problems = []
        for tag, docs in found.items():
            missing, extra = sorted(set(found[primary]) - set(docs)), sorted(set(docs) - set(found[primary]))
            parts = ([f"missing {', '.join(d + '.qmd' for d in missing)}"] if missing else []) + (
                [f"has {', '.join(d + '.qmd' for d in extra)} that {subtag(primary)}/ lacks"] if extra else []
            )
            if parts:
                problems.append(
                    f"{self.rel(self.evaluation.report_dir() / subtag(tag))}: {'; '.join(parts)} "
                    f"(every language publishes the same documents)"
                )
        if not found[primary]:
            problems.append(f"{self.rel(self.evaluation.report_dir() / subtag(primary))}: no .qmd document")
        if problems:
            raise ConfigError(self.rel(self.evaluation.report_dir()), problems)
        return found[primary]
