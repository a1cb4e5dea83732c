"""Reading a repository: files (work tree or git objects), YAML 1.2 with positions,
validation into entities, the catalog, and where each kind lives."""
