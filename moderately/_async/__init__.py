"""The async API, written once; ``moderately/_sync`` is generated from this package."""
