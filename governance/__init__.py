"""Charter's domain: guidelines, deliberation, group-aware voting and their history."""
