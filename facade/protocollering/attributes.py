"""Attribute names of the protocollering spans.

`dpl.core.*` are the Logboek Dataverwerkingen (Logius) attributes. What the
standard keeps out of the logboek (who asked, for which doel, what was
delivered) goes on the audit span under `klantbeeld.*`: field paths and
register names, never values.
"""

from __future__ import annotations

# Logboek Dataverwerkingen, on the processing span.
PROCESSING_ACTIVITY_ID = "dpl.core.processing_activity_id"
DATA_SUBJECT_ID = "dpl.core.data_subject_id"
DATA_SUBJECT_ID_TYPE = "dpl.core.data_subject_id_type"
FOREIGN_TRACE_ID = "dpl.core.foreign_operation.trace_id"
FOREIGN_SPAN_ID = "dpl.core.foreign_operation.span_id"
FOREIGN_PROCESSOR = "dpl.core.foreign_operation.processor"
EXCEPTION_TYPE = "exception.type"
EXCEPTION_MESSAGE = "exception.message"
# Which key made the pseudonym, so records stay resolvable after a key rotation.
DATA_SUBJECT_KEY_ID = "klantbeeld.data_subject_key_id"
# What the resident reads in their inzage, on the processing span too: who looked (the
# access rule's label, never a person) and the categories of data the doel may deliver.
AFNEMER = "klantbeeld.afnemer"
CATEGORIEEN = "klantbeeld.categorieen"  # plain-Dutch section names (policies/categorieen.py)

# The audit span.
CALLER_CLIENT_ID = "klantbeeld.caller.client_id"
CALLER_SUBJECT = "klantbeeld.caller.subject"
CALLER_ISSUER = "klantbeeld.caller.issuer"
STATED_USER = "klantbeeld.gebruiker_opgegeven"  # X-Gebruiker: stated by the caller, unverified
STATED_PROCESSING = "klantbeeld.verwerking_opgegeven"  # X-Verwerking
DOEL = "klantbeeld.doel"
DOEL_NAAM = "klantbeeld.doel_naam"
GRONDSLAG = "klantbeeld.grondslag"
POLICY_VERSION = "klantbeeld.beleidsversie"
# A view a registered consent widened: the consent's URL (the grondslag used besides the
# doel's own) and the doel's uitbreiding it named.
TOESTEMMING = "klantbeeld.toestemming"
UITBREIDING = "klantbeeld.uitbreiding"
SOURCES = "klantbeeld.bronnen"  # "naam=status" per register
FIELDS = "klantbeeld.velden"  # delivered field paths
HTTP_STATUS = "klantbeeld.http_status"
OUTCOME = "klantbeeld.uitkomst"  # problem code, or "ok"
# On a later record of the same processing: the audit span id of the record it corrects.
CORRECTION_OF = "klantbeeld.correctie_van"
# A klantbeeld sent as a stream (SSE): its first record says `begonnen` and what the doel may
# deliver (ALLOWED); the completion record (a later record, CORRECTION_OF the first) says
# `voltooid` or `afgebroken` and, in FIELDS, what was delivered.
STREAM = "klantbeeld.stroom"
ALLOWED = "klantbeeld.velden_toegestaan"

# A search (POST /api/v1/personen/zoeken).
HANDELING = "klantbeeld.handeling"  # "zoeken"; absent on a klantbeeld
SEARCH_SHAPE = "klantbeeld.zoekvorm"  # the query shape, never its values
# On each person span of a search: whether the person was in the answer.
DELIVERED = "klantbeeld.geleverd"
FOUND = "klantbeeld.aantal_personen"  # on the audit span: persons received
