"""The audit log read as sentences in the reader's language: the one place that knows every feature's vocabulary."""
