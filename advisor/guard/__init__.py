"""The scope guard: what the advisor declines, and why."""
