"""Renderers: query results and gap reports as text, CSV, TSV, JSON, Markdown and HTML."""
