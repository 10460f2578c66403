# The package is built from pyproject.toml (flit_core, as Frappe's own apps are); this shim lets
# older tooling that still calls `setup.py` find the same package.
from setuptools import find_packages, setup

setup(name="support_hub", packages=find_packages(include=["support_hub", "support_hub.*"]), include_package_data=True)
