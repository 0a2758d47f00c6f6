"""Benchmarks: ``python -m benchmarks.run`` (``make bench``) measures scan speed against Presidio's default analyzer."""
