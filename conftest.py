"""Project-wide pytest configuration.

The project's pytest plugins (`devops.harness.pytest_plugin`, `devops.fidelity.feature_plugin`)
register through `pytest11` entry points when the package is installed, so they load in
any pytest session, here or in a user's own repository.
"""
