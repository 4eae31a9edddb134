"""Class rosters: a coordinator's CSV of interns or faculty, previewed, imported, invited."""
