"""``python -m processors.devtools.devbroker`` — see the package docstring for usage."""

from processors.devtools.devbroker.cli import main

raise SystemExit(main())
