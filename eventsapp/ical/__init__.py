"""Calendar export (iCalendar, RFC 5545 and 7986): single events, personal and public feeds."""
