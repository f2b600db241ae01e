"""Benchmark data: many realistic articles written in bulk (`manage.py generate_articles`)."""
