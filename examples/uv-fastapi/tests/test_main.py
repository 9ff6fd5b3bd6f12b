from fastapi.testclient import TestClient

from uv_fastapi.main import app

client = TestClient(app)


def test_root():
    response = client.get("/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "service": "uv-fastapi-example"}
