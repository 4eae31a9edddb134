"""The program view: coordinators, the year's funnel, the share of interns
with a mentor week by week, and the interns to reach (docs/program.md)."""
