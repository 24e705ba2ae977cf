"""Reading a message: small talk, facts, spelling, follow-ups, what it asks."""
