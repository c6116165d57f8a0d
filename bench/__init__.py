"""Benchmarks: ``make bench`` runs every module here as ``python -m bench.<name>``.

Each prints its figures and exits 0; timings never go into tests. Compare against a floor or a peer
measured in the same run: absolute times on a shared 2-core machine are noise.
"""
