"""The review stage: drafts of a build and what changed between them (`evalkit draft ...`). No
workflow rule runs this code, so editing it rebuilds nothing.

One job per module, each importing only the modules above it in this list and lower layers
(core, content, values, render):

- diff: the text diff (tokens, word diff, block alignment) of both the change report and the redline
- prose: the report's Markdown body, its sections and paragraphs
- comments: the comment matrix (reviewers' comments, their checks, the HTML page)
- snapshot: drafts on disk (drafts/<name>/, and the current build read as a draft)
- changes: change detection between two drafts (values, results tables, registry, prose)
- report: the change report as HTML
- redline_read: the report text read with pandoc into blocks
- redline_docx: the redline, a DOCX with Word tracked changes
- drafts: what the `evalkit draft` commands do (take, compare, redline, comments)
"""
