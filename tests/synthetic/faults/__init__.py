"""The fault engine and its table (`tests/synthetic/faults.yaml`)."""
