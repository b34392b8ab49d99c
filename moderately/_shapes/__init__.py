"""Definitions with nothing async, written once and shared by the async and sync APIs."""
