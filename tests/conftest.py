"""Shared test configuration: Hypothesis profiles.

CI (the ``CI`` environment variable is set) runs a derandomized profile with no deadline so every
run draws the same examples; locally the ``dev`` profile explores more.
"""
import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=25,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, max_examples=100,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

# tests/ported/ holds PyTorch programs (run by test_ported.py), not test modules: pytest's
# --doctest-modules would import them with PyTorch's imports.
collect_ignore_glob = ["ported/*.py"]
