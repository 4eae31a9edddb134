"""Attendance: who actually came, checked in by organizers or by QR code."""
