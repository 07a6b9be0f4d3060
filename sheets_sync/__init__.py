"""sheets-sync: a Thai provincial office's spreadsheets as a PMQA management system."""
__version__ = "0.1.0"
