"""`python -m xlplan` (or `py -m xlplan` on Windows): the xlplan command, for when the
Scripts folder is not on PATH."""
from .cli import run

run()
