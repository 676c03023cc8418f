"""The run context (repository root, validated config, the evaluation) and what the workflow needs
to name its outputs. Light on purpose: the Snakefile imports it on every run, so it must not pull
in pandas, statsmodels or matplotlib (a run with nothing to do stays fast)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import apply_defaults, load_config
from .evaluation import Evaluation, load_evaluation
from .i18n import subtag
from .io import display_path


@dataclass
class Context:
    root: Path
    config: dict
    evaluation: Evaluation

    @classmethod
    def load(cls, root: str | Path, config: dict | None = None, config_path: str = "config/config.yaml") -> "Context":
        root = Path(root)
        cfg = apply_defaults(dict(config) if config is not None else load_config(root / config_path))
        return cls(root, cfg, load_evaluation(root, cfg["evaluation"], cfg["languages"]))

    def rel(self, path: str | Path) -> str:
        return display_path(path, self.root)

    def report_source(self, lang: str) -> Path:
        return self.evaluation.report_dir() / subtag(lang) / "report.qmd"


# Results tables each data family's analysis writes to results/tables/<instrument>-<name>.csv
KIND_TABLES = {
    "rating_survey": ["ratings"],
    "engagement_log": ["table2"],
    "workshop_forms": ["priorities"],
    "coded_segments": ["convergence"],
    "indicator_report": ["indicators", "periods"],
    "outcome_journal": [],
}


def analysis_tables(ctx: Context) -> dict[str, list[str]]:
    """instrument -> names of its results tables."""
    return {i["id"]: KIND_TABLES[i["kind"]] for i in ctx.evaluation.instruments}


