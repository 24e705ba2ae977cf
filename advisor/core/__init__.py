"""The data, errors, settings and registry every stage shares."""
