"""A person's data: ids and folders, documents, profile, feedback."""
