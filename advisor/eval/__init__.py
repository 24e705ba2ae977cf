"""Batch evaluation against reference Q&A: a validated dataset, offline deterministic
metrics, a runner that goes through :meth:`advisor.answering.service.Advisor.ask`, and a report."""
