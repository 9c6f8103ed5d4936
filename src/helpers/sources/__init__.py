"""Readers of the published raw files behind the supporting metrics."""
