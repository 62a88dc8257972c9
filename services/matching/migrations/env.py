from services.matching.app import METADATA
from shared.alembic_env import run

run(METADATA)
