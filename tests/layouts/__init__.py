"""A layout generator for the plan import: the same structured plan rendered in many layouts.

`plans` holds plans as structured data (synthetic plans over PAPI, PAR INDEX, SIPAS and DDCI, and
the samples' tasks); `render` lays one out as .docx (real Word tables with merged cells), text
(tab-separated, `|` tables, one cell per line) or .pdf (the .docx through LibreOffice, batched);
`corpus` draws the layouts with Hypothesis from a fixed seed and `recovery` scores what the import
got back.
"""
