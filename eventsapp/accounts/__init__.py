"""Accounts: registration, login, logout and roles."""
