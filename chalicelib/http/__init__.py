"""HTTP presentation: what the API shows people, and how errors become responses."""
