"""The API's routes, one router per concern; ``grooming_detect.api.app.create_app`` only wires them."""

from grooming_detect.api.routes.feedback import router as feedback
from grooming_detect.api.routes.health import router as health
from grooming_detect.api.routes.moderation import router as moderation

__all__ = ["feedback", "health", "moderation"]
