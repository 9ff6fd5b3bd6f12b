from fastapi import FastAPI

SERVICE_NAME = "uv-fastapi-example"

app = FastAPI(title=SERVICE_NAME)


@app.get("/")
def root() -> dict[str, str]:
    return {"status": "ok", "service": SERVICE_NAME}


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
