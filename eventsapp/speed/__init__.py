"""Speed mentoring: interns rotate between senior colleagues' tables, a few minutes per round."""
