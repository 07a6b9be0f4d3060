"""The default Word templates, built by scripts/build_templates.py (`make templates`) and shipped in
the wheel as the package data of `sheets_sync.templates`; an office points `output.templates` at its own."""
