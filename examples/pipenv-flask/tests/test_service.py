from service import create_app


def test_root():
    response = create_app().test_client().get("/")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "service": "pipenv-flask-example"}
