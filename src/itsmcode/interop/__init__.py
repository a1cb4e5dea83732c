"""Interoperability: importing what an organisation already has (Backstage catalogs,
spreadsheet exports) and exporting the catalog to what it already runs (Backstage,
OpenSLO, CODEOWNERS). Mappings are documented in docs/adoption.md."""
