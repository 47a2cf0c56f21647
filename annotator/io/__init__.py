"""Readers and writers of files: txt, JSONL and HTML in; Prodigy, doccano, spaCy and more out."""
