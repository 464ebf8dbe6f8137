"""grooming-detect: Thai chat grooming and sextortion risk scoring, offline and self-hosted.

The public surface is small on purpose: the transcript schema and the text normalizer here, and the
scorer once a model is loaded. Everything else is reached through its module.
"""

# from grooming_detect.normalize import NormalizedText, normalize_text  # TEMP until normalize lands
from grooming_detect.schema import Message, Transcript, TranscriptLimits

__version__ = "0.1.0"

__all__ = ["Message", "Transcript", "TranscriptLimits", "__version__"]  # TEMP
