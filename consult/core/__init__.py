"""The shared layer: what every feature uses (database, forms, languages, text, storage, tables, PDF, charts, mail, audit); it imports no feature."""
