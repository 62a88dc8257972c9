"""`python -m services.intake.importer`: the same as `microwish import`."""
from services.intake.importer.actions import main

raise SystemExit(main())
