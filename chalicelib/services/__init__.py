"""Use cases: what Kemala does, written against the small interfaces in `ports.py`."""
