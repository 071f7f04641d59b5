"""`python -m conformance --impl=NAME [pytest options]`: run the conformance suite from any directory."""
import sys

from ._cli import main

sys.exit(main())
