"""Readers turn one metadata blob (EXIF, XMP, IPTC, ...) into Findings."""
