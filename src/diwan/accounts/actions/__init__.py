"""The one write path for accounts (ARCHITECTURE §5.1): staff.py for staff, citizens.py for citizens."""
