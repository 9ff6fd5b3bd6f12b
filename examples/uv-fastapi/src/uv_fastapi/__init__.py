"""A small FastAPI service managed by uv."""
