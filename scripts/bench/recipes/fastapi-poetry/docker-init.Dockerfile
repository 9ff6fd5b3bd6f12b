# The shape `docker init` writes for Python: pip into the slim image, a
# cache mount for downloads, a user of its own. `docker init` needs a
# requirements.txt; the benchmark writes it from poetry.lock's main group,
# as `poetry export` would. useradd, not adduser: Debian 13's slim images
# lack adduser. No `# syntax=` line: the built-in frontend is used.
ARG PYTHON_VERSION=3.13
FROM python:${PYTHON_VERSION}-slim as base
ENV PYTHONDONTWRITEBYTECODE=1
ENV PYTHONUNBUFFERED=1
WORKDIR /app
ARG UID=10001
RUN useradd --no-create-home --home-dir /nonexistent --shell /sbin/nologin --uid "${UID}" appuser
RUN --mount=type=cache,target=/root/.cache/pip \
    --mount=type=bind,source=requirements.txt,target=requirements.txt \
    python -m pip install -r requirements.txt
USER appuser
COPY . .
EXPOSE 8000
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
