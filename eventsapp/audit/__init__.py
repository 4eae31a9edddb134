"""The audit log: who did what, when and from where, for hospital IT (docs/audit.md)."""
