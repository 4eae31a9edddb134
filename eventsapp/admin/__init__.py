"""Administration: organizer rights, the specialty list and the departments."""
