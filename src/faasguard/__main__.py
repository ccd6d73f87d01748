import sys

from faasguard.cli import main

sys.exit(main())
