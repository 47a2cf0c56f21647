"""Qt-free application logic: editing commands with do/undo, the undo stack, the change bus and
the task protocol. The window and the CLI are thin layers over this and ``services``."""
