"""The comment matrix: reviewers' comments on drafts and how the evaluation team disposed of them.

config/evaluations/<id>/comments.yaml (schema workflow/schemas/comments.schema.yaml) lists every
comment: its id, the reviewer's organization, the draft it is about, where it points (a section by
its heading, or a finding, recommendation or leverage point of the content registry by id), the
comment, the disposition (accepted, partly, not_accepted; may wait until the final draft) and the
team's response.

`check_comments` lists every problem, each naming the comment id and the field: duplicate ids,
locations that no longer exist in the draft, and (for a final draft) missing dispositions.
`render_matrix_html` renders the matrix as an accessible table in one language, in the page shell
of evalkit.render.htmlpage.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from evalkit.core.config import load_schema, load_yaml, validate
from evalkit.core.i18n import translator
from evalkit.render.htmlpage import page, stylesheet, table_region

COMMENTS_FILE = "comments.yaml"
LOCATION_KINDS = ("section", "finding", "recommendation", "leverage_point")
DISPOSITIONS = ("accepted", "partly", "not_accepted")

e = html.escape


def comments_path(ctx) -> Path:
    """config/evaluations/<id>/comments.yaml of the context's evaluation."""
    return Path(ctx.evaluation.folder) / COMMENTS_FILE


def load_comments(path: str | Path, display: str | None = None) -> list[dict]:
    """Read and validate the comments file (ConfigError listing every schema violation). An empty
    file has no comments. Ids come back as strings."""
    path = Path(path)
    data = load_yaml(path)
    if data is None:
        return []
    validate(data, load_schema("comments.schema.yaml"), display or str(path))
    return [dict(c, id=str(c["id"])) for c in data]


def registry_ids(registry: dict | None) -> dict[str, set[str]]:
    """Ids a comment may point at: {'finding', 'recommendation', 'leverage_point'} -> ids."""
    reg = registry or {}
    findings = reg.get("findings", []) or []
    return {"finding": {f["id"] for f in findings},
            "recommendation": {r["id"] for r in reg.get("recommendations", []) or []},
            "leverage_point": {lp["id"] for f in findings for lp in f.get("leverage_points", []) or []}}


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def location(comment: dict) -> tuple[str, str]:
    (kind, target), = comment["location"].items()
    return kind, str(target)


def check_comments(comments: list[dict], registry_ids: Mapping[str, Iterable[str]], section_titles: Iterable[str],
                   final: bool = True) -> list[str]:
    """Every problem of the comments against a draft, each naming the comment id and the field.

    `registry_ids` maps 'finding', 'recommendation' and 'leverage_point' to the ids of the draft's
    content registry; `section_titles` are the draft's headings in every language (compared
    without regard to case or spacing). With `final`, a comment without a disposition is a
    problem too."""
    problems: list[str] = []
    counts = Counter(str(c.get("id")) for c in comments)
    for cid, n in sorted(counts.items()):
        if n > 1:
            problems.append(f"comment {cid}: id: appears {n} times; expected every id once")
    ids = {k: set(v) for k, v in registry_ids.items()}
    titles = {_norm(t) for t in section_titles}
    what = {"finding": "finding", "recommendation": "recommendation", "leverage_point": "leverage point"}
    for c in comments:
        cid = str(c.get("id"))
        loc = c.get("location") or {}
        if len(loc) != 1 or next(iter(loc)) not in LOCATION_KINDS:
            problems.append(f"comment {cid}: location: expected exactly one of {', '.join(LOCATION_KINDS)}, "
                            f"found {', '.join(loc) or 'none'}")
        else:
            kind, target = location(c)
            if kind == "section":
                if _norm(target) not in titles:
                    problems.append(f"comment {cid}: location.section: no section headed {target!r} in the report "
                                    f"(in any language); the heading may have changed")
            elif target not in ids.get(kind, set()):
                problems.append(f"comment {cid}: location.{kind}: {target!r} is not a {what[kind]} id of the content "
                                f"registry; it may have been renamed or removed")
        disposition = c.get("disposition")
        if disposition is not None and disposition not in DISPOSITIONS:
            problems.append(f"comment {cid}: disposition: expected one of {', '.join(DISPOSITIONS)}, "
                            f"found {disposition!r}")
        elif final and disposition is None:
            problems.append(f"comment {cid}: disposition: missing; expected one of {', '.join(DISPOSITIONS)} "
                            f"before a final draft")
    return problems


def _disposition_label(value: str | None, lang: str) -> str:
    _ = translator(lang)
    return {"accepted": _("Accepted"), "partly": _("Partly accepted"),
            "not_accepted": _("Not accepted")}.get(value or "", _("No disposition yet"))


def _location_html(comment: dict, lang: str, titles: Mapping[str, Mapping[str, str]]) -> str:
    _ = translator(lang)
    kind, target = location(comment)
    if kind == "section":
        return e(_("Section: {heading}", heading=target))
    label = {"finding": _("Finding"), "recommendation": _("Recommendation"),
             "leverage_point": _("Leverage point")}[kind]
    title = titles.get(kind, {}).get(target)
    return f"{e(label)}: <code>{e(target)}</code>" + (f" ({e(title)})" if title else "")


def registry_titles(registry: dict | None, lang: str) -> dict[str, dict[str, str]]:
    """kind -> id -> title (name) in one language, to show beside the ids."""
    reg = registry or {}
    findings = reg.get("findings", []) or []

    def text(x, key):
        v = x.get(key)
        return v.get(lang, "") if isinstance(v, dict) else str(v or "")

    return {"finding": {f["id"]: text(f, "title") for f in findings},
            "recommendation": {r["id"]: text(r, "title") for r in reg.get("recommendations", []) or []},
            "leverage_point": {lp["id"]: text(lp, "name") for f in findings
                               for lp in f.get("leverage_points", []) or []}}


def render_matrix_html(comments: list[dict], lang: str, title: str | None = None, registry: dict | None = None) -> str:
    """The comment matrix as a complete accessible HTML page in one language. `title`: the
    evaluation's title in that language; `registry`: to show the titles of findings and
    recommendations beside their ids."""
    _ = translator(lang)
    heading = _("Comment matrix: {title}", title=title) if title else _("Comment matrix")
    titles = registry_titles(registry, lang)
    counts = Counter(c.get("disposition") for c in comments)
    summary = _("Comments: {total}. Accepted: {accepted}; partly accepted: {partly}; not accepted: {not_accepted}; "
                "without a disposition yet: {open}.", total=len(comments), accepted=counts["accepted"],
                partly=counts["partly"], not_accepted=counts["not_accepted"], open=counts[None])
    rows = []
    for c in comments:
        attr = f' lang="{e(c["language"])}"' if c.get("language") and c["language"] != lang else ""
        resp = c.get("response") or ""
        rows.append(f'<tr><th scope="row">{e(str(c["id"]))}</th><td>{e(c["organization"])}</td>'
                    f'<td><code>{e(c["draft"])}</code></td><td>{_location_html(c, lang, titles)}</td>'
                    f'<td{attr}>{e(c["comment"])}</td><td>{e(_disposition_label(c.get("disposition"), lang))}</td>'
                    f"<td>{e(resp) if resp else chr(0x2014)}</td></tr>\n")
    headers = [_("Comment"), _("Organization"), _("Draft"), _("Where"), _("Comment text"), _("Disposition"),
               _("Response")]
    caption = _("Reviewers' comments and their disposition")
    table = (f"<table>\n<caption>{e(caption)}</caption>\n<thead><tr>"
             + "".join(f'<th scope="col">{e(h)}</th>' for h in headers) + "</tr></thead>\n<tbody>\n"
             + "".join(rows) + "</tbody>\n</table>\n")
    table = table_region(caption, table)
    body = table if comments else f"<p>{e(_('No comments yet.'))}</p>\n"
    return page(lang, heading, f"<h1>{e(heading)}</h1>\n<p>{e(summary)}</p>\n{body}", stylesheet("80rem"))
