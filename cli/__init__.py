"""The `graphgram` command, the top layer: it wires the stack, seeding, media, analytics and
capacity commands together, and nothing below imports it."""
