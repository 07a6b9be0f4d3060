"""The one packaging rule pyproject.toml cannot say: ship the top-level templates/ folder inside the
wheel as `sheets_sync.templates`, where the code finds it with importlib.resources (editable installs
map the same name to the checkout's templates/, so `make templates` output is used at once)."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["sheets_sync", "sheets_sync.*"]), "sheets_sync.data", "sheets_sync.templates"],
    package_dir={"sheets_sync.templates": "templates"},
)
