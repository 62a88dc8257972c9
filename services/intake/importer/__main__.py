"""`python -m services.intake.importer`: the same as `microwish import`."""
from services.intake.importer.cli import import_wishes

import_wishes(prog_name="python -m services.intake.importer")
