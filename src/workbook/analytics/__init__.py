"""Cohort analytics: many stores to one tidy frame, the aggregates analysts need, on three engines."""
