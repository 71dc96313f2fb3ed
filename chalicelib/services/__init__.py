"""Use cases: what Kemala does, written against the adapters' small interfaces."""
