"""The embedded local stack: AWS (moto) and X API emulators on loopback. Never shipped to Lambda."""
