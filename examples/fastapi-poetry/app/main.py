from fastapi import FastAPI

SERVICE_NAME = "fastapi-poetry-example"

app = FastAPI(title=SERVICE_NAME)


@app.get("/")
def root() -> dict[str, str]:
    return {"status": "ok", "service": SERVICE_NAME}


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
