"""BEH plugin for MINISTOP (manual 001): units and titles of child health care users."""
