"""Pages of the works registry: the applicant's works and the registrar's examination."""
