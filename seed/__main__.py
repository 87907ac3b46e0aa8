"""`python -m seed ...` is `graphgram seed ...`."""

import typer

from seed.cli import seed_command

typer.run(seed_command)
