"""``python -m inklusi`` is the ``inklusi`` command."""

from inklusi.cli import main

main()
