# The seed document's third example, the typical single stage: the full
# python:3.11 image, Poetry and the dev dependencies all ship. Adapted
# only where the example differs: its code is the package app/, not src/.
FROM python:3.11
WORKDIR /workspaces/modern-dev/
RUN pip install poetry && poetry config virtualenvs.in-project true
COPY poetry.lock pyproject.toml /workspaces/modern-dev/
RUN poetry install
WORKDIR /workspaces/modern-dev/src
EXPOSE 80
COPY app/ /workspaces/modern-dev/src/app/
ENV PATH="/workspaces/modern-dev/.venv/bin:$PATH"
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "80"]
