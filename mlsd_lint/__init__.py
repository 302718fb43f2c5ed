"""mlsd-lint: a linter for ML system design documents."""

__version__ = "0.1.0"
