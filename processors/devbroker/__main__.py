"""``python -m processors.devbroker`` — see the package docstring for usage."""

from processors.devbroker.cli import main

raise SystemExit(main())
