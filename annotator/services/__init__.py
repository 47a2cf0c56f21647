"""What the CLI and the window both call: import, export, pre-annotate, merge.

Each service composes ``store``, ``io`` and ``nlp`` and runs as a task of
:mod:`annotator.core.tasks`: it takes ``progress`` and ``should_stop``, returns a plain report
whose ``changes`` say what it changed (for the change bus), and raises ``Cancelled`` with that
report as ``partial`` when stopped. ``io`` and ``nlp`` take and return plain data only.
"""
