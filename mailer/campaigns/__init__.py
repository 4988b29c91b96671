"""Use cases on newsletter issues: load, lint, preview, audience (sending comes with dispatch)."""
