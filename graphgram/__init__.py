"""Graphgram's shared core: settings and the `graphgram` command line."""
