"""Input reports: a closed call's included submissions as a PDF for the GCM regional review."""
