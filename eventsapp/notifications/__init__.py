"""Notifications: in the app, and by email when a mail server is configured."""
