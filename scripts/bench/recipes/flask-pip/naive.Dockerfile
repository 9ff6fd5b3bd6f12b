# The seed document's third example, translated from Poetry to pip: the
# full python:3.11 image, a venv in the project and the dev requirements.
FROM python:3.11
WORKDIR /workspaces/modern-dev/
RUN python -m venv .venv
COPY requirements.txt requirements-dev.txt /workspaces/modern-dev/
RUN .venv/bin/pip install -r requirements-dev.txt
WORKDIR /workspaces/modern-dev/src
EXPOSE 80
COPY app.py /workspaces/modern-dev/src/
ENV PATH="/workspaces/modern-dev/.venv/bin:$PATH"
CMD ["gunicorn", "--bind", "0.0.0.0:80", "app:app"]
