"""The workflow's steps under their former address, for tests, tools and notebooks that import them
from here. New code imports from evalkit.steps.<rule> (one module per rule file); no rule imports
this module, so it is in no rule's code input."""

from .context import KIND_TABLES, Context, analysis_tables  # noqa: F401
from .steps.analysis import compute_values  # noqa: F401
from .steps.checks import (GateFailed, debian_packages, gate_published, merge_checks, scan_published,  # noqa: F401
                           tool_versions, write_environment)
from .steps.common import breakdown_variable, copy_file, indicator_config, read_clean  # noqa: F401
from .steps.content import check_content, content_path, content_references, load_content  # noqa: F401
from .steps.dataset import build_dataset_deliverable, dataset_instruments  # noqa: F401
from .steps.intake import clean_instrument  # noqa: F401
from .steps.release import release, write_manifest  # noqa: F401
from .steps.render import document_title, render_report  # noqa: F401
from .steps.report import build_report_inputs, indicators_fragment, value_names  # noqa: F401
