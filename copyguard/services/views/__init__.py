"""Pages of service requests under /services/."""
