"""The spreadsheet import engine (django-import-export): scoped resources, natural keys,
row-level errors, the bulk road for large files, the cell widgets, and the resources of the
platform's own models."""
