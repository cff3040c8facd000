"""Public, read-only JSON (open data): what a public page shows, nothing more."""
