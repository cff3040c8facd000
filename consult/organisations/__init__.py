"""Organisations: one record per normalised name, shared by membership (terms, nominations) and submissions."""
