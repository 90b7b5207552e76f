"""Operations: backup and restore, structured logs, request ids, metrics (docs/operations.md)."""
