"""Every change in publicity and training: one function, one transaction, one audit event."""
