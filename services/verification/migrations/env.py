from services.verification.app import METADATA
from shared.alembic_env import run

run(METADATA)
