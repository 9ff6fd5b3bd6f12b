from flask import Flask, jsonify

SERVICE_NAME = "pipenv-flask-example"


def create_app() -> Flask:
    """An app factory: the Procfile asks gunicorn to call it."""
    app = Flask(__name__)

    @app.get("/")
    def root():
        return jsonify(status="ok", service=SERVICE_NAME)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    return app
