"""Fixtures of the integration tier: tiny random-weight checkpoints in the real layouts."""
from tests.support.tiny_models import tiny_models, tiny_models_root  # noqa: F401 (fixtures)
