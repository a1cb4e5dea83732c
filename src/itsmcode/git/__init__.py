"""Every git subprocess: the batch object reader and plumbing (``repo``), the audit's log
passes (``log``), the policy's commit facts and notes (``facts``)."""
