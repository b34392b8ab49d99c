"""Benchmarks of the SDK against raw aiohttp and other clients (see docs/benchmarks.md)."""
