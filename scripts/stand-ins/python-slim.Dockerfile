# Stand-in for the official python:3.13-slim image: interpreter, pip and
# venv, no compilers; python and pip in /usr/local like the real image
# (there a venv over Debian's Python, see python.Dockerfile).
FROM debian:13-slim
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      python3 python3-venv ca-certificates \
 && rm -rf /var/lib/apt/lists/* /usr/share/doc /usr/share/man \
 && python3 -m venv /usr/local
CMD ["python3"]
