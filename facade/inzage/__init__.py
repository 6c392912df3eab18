"""Inzage: the resident sees who consulted their klantbeeld (GET /api/v1/mijn-verwerkingen).

The façade stores nothing of its own: it reads the records back from the logboek
they were written to (the Verwerkingenlogging inzage API), under a zelfbediening
doel, and that reading is itself recorded.
"""
