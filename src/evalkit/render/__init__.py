"""Rendering report/ sources into HTML, PDF/UA-1 and DOCX (embedded pandoc + Typst, or Quarto)."""
