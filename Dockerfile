# The klantbeeld façade as a container: slim Python, two stages, non-root,
# read-only root file system, configured by a mounted TOML file and environment
# variables (see docs/deployment.md).
#
#   docker build -t klantbeeld-facade .
#   docker run --read-only -p 8080:8080 klantbeeld-facade          # the demo
#   docker run --read-only -p 8080:8080 -v /pad/naar/config:/etc/klantbeeld:ro \
#       -e KLANTBEELD_CONFIG=/etc/klantbeeld/klantbeeld.toml -e ... klantbeeld-facade
#
# Layout of the final image:
#   /opt/klantbeeld             the virtual environment (the only thing taken from the build stage)
#   /srv/klantbeeld/config      the baked-in demo configuration (config/ of the repository)
#   /srv/klantbeeld/var         the demo's file sink (`file = "../var/protocollering.jsonl"`
#                               relative to the config) and the demo's caller key pair, made
#                               on first start (`var/demo/`): a VOLUME, the only path it writes to
#   /etc/klantbeeld             empty: where a deployment mounts its own configuration

# --- build: install the package and its pinned dependencies into a venv ---------------
FROM python:3.12.8-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml constraints.txt README.md ./
COPY facade ./facade
COPY connectors ./connectors
COPY policies ./policies
COPY vocabulary ./vocabulary
COPY klantbeeld_demo ./klantbeeld_demo
# Every dependency ships a binary wheel: no compiler is installed, in either stage.
RUN python -m venv /opt/klantbeeld \
 && /opt/klantbeeld/bin/pip install -c constraints.txt . \
 && /opt/klantbeeld/bin/pip uninstall --yes pip

# --- final: the same base (the venv's python points into it), the venv and the config -
FROM python:3.12.8-slim-bookworm
ENV PATH=/opt/klantbeeld/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    KLANTBEELD_CONFIG=/srv/klantbeeld/config/demo.toml
RUN groupadd --system --gid 10001 klantbeeld \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin klantbeeld \
 && mkdir -p /srv/klantbeeld/var /etc/klantbeeld \
 && chown 10001:10001 /srv/klantbeeld/var \
 && chmod 0700 /srv/klantbeeld/var
COPY --from=build /opt/klantbeeld /opt/klantbeeld
# Owned by root and read-only for the service: it reads its configuration, never writes it.
COPY config /srv/klantbeeld/config
WORKDIR /srv/klantbeeld
VOLUME ["/srv/klantbeeld/var"]
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2).status == 200 else 1)"]
ENTRYPOINT ["klantbeeld"]
CMD ["serve", "--host", "0.0.0.0"]
