# The seed document's multi-stage recipe as written (the example's code is
# the package app/, not src/). Its runtime's Python is 3.9 in /usr/bin, the
# venv's is 3.11 from python:3.11, and distroless runs python3.9 as its
# entry point: it is not expected to start.
FROM python:3.11 as build-image
WORKDIR /workspaces/modern-dev/
RUN pip install poetry && poetry config virtualenvs.in-project true
COPY poetry.lock pyproject.toml /workspaces/modern-dev/
RUN poetry install


FROM gcr.io/distroless/python3-debian11:latest as release-image
WORKDIR /workspaces/modern-dev/src
COPY --from=build-image /workspaces/modern-dev/ /workspaces/modern-dev/
EXPOSE 80
COPY app/ /workspaces/modern-dev/src/app/
ENV PATH="/workspaces/modern-dev/.venv/bin:$PATH"
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "80"]
