import sys

from ecdata.cli import main

sys.exit(main())
