"""Every state change of service requests: one function, one transaction, one audit event."""
