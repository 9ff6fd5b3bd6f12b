# The seed's multi-stage recipe, minimally fixed: a runtime with the same
# Python at the same path on the same Debian as the builder (the slim
# variant of the builder's image). Poetry's dev dependencies still ship.
FROM python:3.11 as build-image
WORKDIR /workspaces/modern-dev/
RUN pip install poetry && poetry config virtualenvs.in-project true
COPY poetry.lock pyproject.toml /workspaces/modern-dev/
RUN poetry install


FROM python:3.11-slim as release-image
WORKDIR /workspaces/modern-dev/src
COPY --from=build-image /workspaces/modern-dev/ /workspaces/modern-dev/
EXPOSE 80
COPY app/ /workspaces/modern-dev/src/app/
ENV PATH="/workspaces/modern-dev/.venv/bin:$PATH"
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "80"]
