from flask import Flask, jsonify

SERVICE_NAME = "pdm-flask-example"

app = Flask(__name__)


@app.get("/")
def root():
    return jsonify(status="ok", service=SERVICE_NAME)


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")
