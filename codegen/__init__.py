"""Generate ``ardent_async/models/_generated.py`` (attrs classes) from ``openapi/ardent.yaml``."""
