"""Project-wide pytest configuration.

The project's pytest plugins (`devops.pytest_plugin`, `devops.fidelity.pytest_plugin`)
register through `pytest11` entry points when the package is installed, so they load in
any pytest session, here or in a user's own repository.
"""
