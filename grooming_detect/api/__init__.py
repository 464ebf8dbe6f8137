"""The moderation HTTP API (needs the ``serve`` extra): ``grooming_detect.api.app.create_app`` builds it.

Nothing is imported here, so that ``import grooming_detect`` never needs FastAPI.
"""
