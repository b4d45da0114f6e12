"""Vantage's web views: Dash pages that show what the metrics engine computes; they never compute numbers."""
