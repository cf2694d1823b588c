"""Bring your own documents: ``policygraph import documents FILE`` reads a spreadsheet of policy
documents (title, number, date; sometimes issuer, region, link), classifies each row by the rules
of ``DATA/classify/``, and writes ``documents.{source}.csv`` and ``sources.{source}.csv`` for the
user to review before a build reads them as a named graph of their own."""
