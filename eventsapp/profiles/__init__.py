"""Profiles: career stage, department, specialty interests and what others may see."""
