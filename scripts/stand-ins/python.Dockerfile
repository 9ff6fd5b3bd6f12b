# Stand-in for the official python:3.13 image, built from Debian's packages
# because no registry is reachable here. Like the real one it carries a full
# toolchain and puts python, pip and python3 on /usr/local/bin.
FROM debian:13-slim
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      python3 python3-venv python3-pip python3-dev gcc g++ make libc6-dev \
      git curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && rm -f /usr/lib/python3.*/EXTERNALLY-MANAGED \
 && for t in python python3 pip pip3; do \
      ln -s "/usr/bin/$( [ "${t#pip}" = "$t" ] && echo python3 || echo pip3 )" \
        "/usr/local/bin/$t"; \
    done
CMD ["python3"]
