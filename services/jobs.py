"""The jobs other than media processing that the media job queue carries, by kind: what every
worker (`media.jobs.worker`, in each API process or `graphgram media worker`) is handed."""

from __future__ import annotations

from media.jobs import Handlers
from services.data_export import EXPORT_JOB, EXPORT_KIND
from services.data_import import IMPORT_JOB, IMPORT_KIND

HANDLERS: Handlers = {EXPORT_KIND: EXPORT_JOB, IMPORT_KIND: IMPORT_JOB}
