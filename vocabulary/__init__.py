"""The façade's shared words: domain enums, identifiers, view records, source kinds.

Imported by `connectors`, `policies` and `facade`; imports nothing of ours.
"""
