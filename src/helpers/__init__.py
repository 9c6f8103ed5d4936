"""Helpers for the Well-being mission progress update: data, statistics, charts and build."""
