"""Rule report_inputs: values.json and the registry -> a language's report metadata, charts and fragments."""

from __future__ import annotations

from pathlib import Path

from evalkit.core.i18n import translator
from evalkit.core.io import atomic_write_text
from evalkit.model.context import Context
from evalkit.steps.common import indicator_config, read_clean
from evalkit.steps.content import content_path, content_references, load_content
from evalkit.values.store import load_values

FAMILY_HOOKS = ("fragments", "value_names")  # what this step calls of the data families (evalkit.core.codedeps)


def build_report_inputs(ctx: Context, values_path: str | Path, lang: str, out_meta: str | Path,
                        fragment_dir: str | Path, figure_dir: str | Path,
                        clean_csvs: dict[str, str | Path] | None = None) -> None:
    from evalkit.documents.fragments import dump_yaml, report_metadata
    from evalkit.families import get
    from evalkit.families.jobs import FragmentJob

    values_doc = load_values(values_path)
    doc_dir = ctx.report_source(lang).parent
    Path(fragment_dir).mkdir(parents=True, exist_ok=True)
    Path(figure_dir).mkdir(parents=True, exist_ok=True)
    figures = Path(figure_dir)
    has_content = content_path(ctx) is not None and clean_csvs is not None
    refs = content_references(ctx, values_doc, clean_csvs) if has_content else None
    reg = load_content(ctx, values_doc, clean_csvs, [lang], refs) if has_content else None
    # documents name a project as the registry does (one name wherever it is used)
    project_names = {p["id"]: p["name"][lang] for p in reg.data.get("projects", [])} if reg else {}
    # and a rated recommendation as "<number>. <title>", from the registry's order
    item_names = {r["priority"]: f"{n}. {' '.join(r['title'][lang].split())}"
                  for n, r in enumerate(reg.data["recommendations"], start=1)} if reg else {}
    for ins in ctx.evaluation.instruments:
        family = get(ins["kind"])
        if not ins["publish"] or family.fragments is None:
            continue
        job = FragmentJob(ctx, ins, values_doc, lang, figures, doc_dir, clean_csvs, item_names, project_names)
        for name, md in family.fragments(job).items():
            atomic_write_text(Path(fragment_dir) / f"{ins['id']}-{name}.md", md)
    references: dict = {}
    counted: dict = {}  # values computed from the registry (the contribution counts), cited like values.json's
    if reg is not None:
        from evalkit.documents.annexes import annexes_fragment, questions_annex
        from evalkit.documents.chapters import (
            acronyms_fragment,
            conclusions_chapter,
            evaluation_questions_fragment,
            findings_chapter,
            good_practices_chapter,
            key_figures_fragment,
            lessons_chapter,
            performance_ratings_fragment,
            projects_fragment,
            ranked_recommendations,
            recommendations_by_addressee,
            recommendations_chapter,
            registry_metadata,
        )

        references = registry_metadata(reg, lang)
        names = value_names(ctx, lang)
        stakeholders = {}
        for ins in ctx.evaluation.instruments_of("engagement_log"):
            stakeholder = ctx.evaluation.codebooks[ins["id"]].variable("stakeholder")
            stakeholders = {c["key"]: c["label"][lang] for c in stakeholder["categories"]}
        # the sources of the cases: a coded segment is named by its stakeholder type
        segments = refs.segments or {}
        segment_types = {sid: stakeholders.get(seg["stakeholder"], seg["stakeholder"]) for sid, seg in segments.items()}
        if ctx.evaluation.data.get("provenance", {}).get("quotations") == "paraphrased":
            # the attribution of every quotation says it is the evaluation team's paraphrase
            stakeholders = {k: translator(lang)("{who} (paraphrased)", who=v) for k, v in stakeholders.items()}
        workshop = next((i["id"] for i in ctx.evaluation.instruments_of("workshop_forms")), None)
        # a fragment of each part the registry has (a document including one of a part the evaluation
        # lacks is refused at render, naming the include; `evalkit fragments` lists what there is)
        data = reg.data
        parts = {
            "findings.md": (data["findings"], lambda: findings_chapter(reg, values_doc, lang, names, stakeholders,
                                                                       segment_types)),
            "good-practices.md": (data["good_practices"], lambda: good_practices_chapter(reg, lang)),
            "recommendations.md": (data["recommendations"], lambda: recommendations_chapter(reg, values_doc, lang,
                                                                                             workshop)),
            "recommendations-by-addressee.md": (data["recommendations"], lambda: recommendations_by_addressee(
                reg, values_doc, lang, workshop)),
            "recommendations-ranked.md": (data["recommendations"], lambda: ranked_recommendations(
                reg, values_doc, lang, workshop)),
            "projects.md": (data["projects"], lambda: projects_fragment(reg, lang)),
            # the evaluation questions go in the terms-of-reference annex (annex-questions.md)
            "annexes.md": (data["findings"] and data["recommendations"] and reg.tosc["domains"],
                           lambda: annexes_fragment(reg, lang, figures, doc_dir, questions=False)),
            "annex-questions.md": (data["criteria"], lambda: questions_annex(reg, lang)),
            "acronyms.md": (data["acronyms"], lambda: acronyms_fragment(reg, lang)),
            "evaluation-questions.md": (data["criteria"], lambda: evaluation_questions_fragment(reg, lang)),
            "conclusions.md": (data["conclusions"], lambda: conclusions_chapter(reg, lang)),
            "lessons.md": (data["lessons"] or any(q.get("lessons") for q in data["learning_questions"]),
                           lambda: lessons_chapter(reg, lang)),
        }
        fragments_out = {name: make() for name, (present, make) in parts.items() if present}
        if reg.data.get("outcomes"):
            from evalkit.documents.outcomes import outcomes_table

            # the outcomes table by category, which a document includes instead of typing it
            fragments_out["outcomes.md"] = outcomes_table(reg, lang)
        if reg.data.get("stories"):
            from evalkit.documents.stories import stories_fragment

            # in the order of the (published) story rankings, else the registry's order
            rankings = next((i["id"] for i in ctx.evaluation.instruments_of("story_rankings") if i["publish"]), None)
            fragments_out["stories.md"] = stories_fragment(reg, values_doc, lang, rankings)
        if reg.data.get("priorities"):
            from evalkit.documents.contributions import contribution_values, contributions_fragment

            fragments_out["contributions.md"] = contributions_fragment(reg, lang, list(ctx.config["languages"]),
                                                                       figures / "contributions", doc_dir)
            counted = contribution_values(reg, list(ctx.config["languages"]))
        for block in reg.data.get("key_figures", []):
            fragments_out[f"key-figures-{block['id']}.md"] = key_figures_fragment(reg, block["id"], values_doc, lang)
        if reg.data.get("performance_ratings"):
            fragments_out["performance-ratings.md"] = performance_ratings_fragment(reg, lang)
        for name, md in fragments_out.items():
            atomic_write_text(Path(fragment_dir) / name, md)
        # the learning briefs (documents in report/<evaluation>/<lang>/briefs/; no images)
        from evalkit.documents.briefs import brief_fragments, cited_indicators

        monitoring = next((i["id"] for i in ctx.evaluation.instruments_of("indicator_report")), None)
        cited = (cited_indicators(indicator_config(ctx, monitoring), monitoring)
                 if monitoring and "indicators" in ctx.evaluation.data.get("analysis", {}) else {})
        # context figures of the desk review: value id -> the date, source and address the sheet gives
        sources = {}
        for ins in ctx.evaluation.instruments_of("secondary_figures"):
            for r in read_clean(clean_csvs[ins["id"]]).to_dict("records"):
                sources[f"{ins['id']}.{r['figure']}"] = {"as_of": r["as_of"], "source": r["source"],
                                                         "url": r.get("url", "")}
        for name, md in brief_fragments(reg, values_doc, lang, names, stakeholders, list(ctx.config["formats"]),
                                        monitoring, cited, sources).items():
            atomic_write_text(Path(fragment_dir) / "briefs" / f"{name}.md", md)
    from evalkit.documents.frontmatter import check_period, front_matter, publication_note

    check_period(ctx.evaluation, values_doc)
    atomic_write_text(Path(fragment_dir) / "front-matter.md", front_matter(ctx.evaluation, lang))
    atomic_write_text(Path(fragment_dir) / "publication-note.md", publication_note(ctx.evaluation, lang))
    from evalkit.content.corrections import edition_notes, note_references

    atomic_write_text(Path(fragment_dir) / "edition-notes.md",
                      edition_notes(ctx.evaluation, values_doc, lang,
                                    ctx.rel(ctx.evaluation.folder / "evaluation.yaml")))
    meta = report_metadata(values_doc, ctx.evaluation, lang)
    if counted:
        from evalkit.documents.contributions import merge_counted

        merge_counted(meta["values"], counted, lang, ctx.rel(ctx.evaluation.folder / "evaluation.yaml"))
    if references:
        meta["registry"] = references
    meta["notes"] = note_references(ctx.evaluation, lang)
    atomic_write_text(out_meta, dump_yaml(meta))


def value_names(ctx: Context, lang: str) -> dict[str, str]:
    """Readable names, in one language, of the value ids findings, cases and tables cite: the top-box
    share of survey items (overall and by group), the context figures of the desk review, and
    monitoring indicators and aggregates."""
    from evalkit.families import get
    from evalkit.families.jobs import NamesJob

    names: dict[str, str] = {}
    for ins in ctx.evaluation.instruments:
        family = get(ins["kind"])
        if family.value_names is not None:
            names |= family.value_names(NamesJob(ctx, ins, lang))
    return names
