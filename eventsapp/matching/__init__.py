"""Suggested introductions: which senior colleagues an intern should meet, and why."""
