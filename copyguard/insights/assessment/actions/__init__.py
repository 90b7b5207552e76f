"""Every state change of the regional assessment: one transaction, one audit event."""
