"""Reports: what the repository says about the schedule, the service graph and service."""
