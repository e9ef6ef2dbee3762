"""``python -m analysis``: see :mod:`analysis.cli`."""

import sys

try:
    from analysis.cli import main
except KeyboardInterrupt:  # Ctrl-C while the libraries load: nothing has started yet
    print("error: interrupted while starting; nothing was read or written", file=sys.stderr)
    sys.exit(130)

sys.exit(main())
