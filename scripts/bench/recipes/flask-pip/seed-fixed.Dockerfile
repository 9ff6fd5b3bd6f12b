# The seed's multi-stage recipe (pip), minimally fixed: the runtime is the
# slim variant of the builder's image, so the venv finds its Python.
FROM python:3.11 as build-image
WORKDIR /workspaces/modern-dev/
RUN python -m venv .venv
COPY requirements.txt requirements-dev.txt /workspaces/modern-dev/
RUN .venv/bin/pip install -r requirements-dev.txt


FROM python:3.11-slim as release-image
WORKDIR /workspaces/modern-dev/src
COPY --from=build-image /workspaces/modern-dev/ /workspaces/modern-dev/
EXPOSE 80
COPY app.py /workspaces/modern-dev/src/
ENV PATH="/workspaces/modern-dev/.venv/bin:$PATH"
CMD ["gunicorn", "--bind", "0.0.0.0:80", "app:app"]
