"""Data setup: generated and bundled data sets."""
