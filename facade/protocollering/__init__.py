"""Protocollering: every klantbeeld is a processing of personal data, and is recorded.

One Logboek Dataverwerkingen span per klantbeeld on a dedicated, never-sampled
TracerProvider, with an audit span beside it; the response waits until the
configured sink has confirmed both. See README, "Protocollering".
"""
