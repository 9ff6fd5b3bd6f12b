# The seed document's multi-stage recipe translated from Poetry to pip,
# runtime as written: Python 3.9 in /usr/bin against the venv's 3.11, and
# python3.9 as the entry point. It is not expected to start.
FROM python:3.11 as build-image
WORKDIR /workspaces/modern-dev/
RUN python -m venv .venv
COPY requirements.txt requirements-dev.txt /workspaces/modern-dev/
RUN .venv/bin/pip install -r requirements-dev.txt


FROM gcr.io/distroless/python3-debian11:latest as release-image
WORKDIR /workspaces/modern-dev/src
COPY --from=build-image /workspaces/modern-dev/ /workspaces/modern-dev/
EXPOSE 80
COPY app.py /workspaces/modern-dev/src/
ENV PATH="/workspaces/modern-dev/.venv/bin:$PATH"
CMD ["gunicorn", "--bind", "0.0.0.0:80", "app:app"]
