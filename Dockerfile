# The klantbeeld façade as a container: slim Python, non-root, config mounted.
#
#   docker build -t klantbeeld-facade .
#   docker run -p 8080:8080 klantbeeld-facade                      # the demo
#   docker run -p 8080:8080 -v /pad/naar/config:/etc/klantbeeld \
#       -e KLANTBEELD_CONFIG=/etc/klantbeeld/klantbeeld.toml -e ... klantbeeld-facade

FROM python:3.12.8-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml constraints.txt README.md ./
COPY facade ./facade
COPY connectors ./connectors
COPY policies ./policies
RUN python -m venv /opt/klantbeeld \
 && /opt/klantbeeld/bin/pip install --no-cache-dir -c constraints.txt .

FROM python:3.12.8-slim-bookworm
ENV PATH=/opt/klantbeeld/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    KLANTBEELD_CONFIG=/etc/klantbeeld/demo.toml
RUN useradd --system --uid 10001 --no-create-home klantbeeld
COPY --from=build /opt/klantbeeld /opt/klantbeeld
# The demo configuration is baked in; a deployment mounts its own over /etc/klantbeeld.
COPY config /etc/klantbeeld
USER 10001
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2).status == 200 else 1)"]
ENTRYPOINT ["klantbeeld"]
CMD ["serve", "--host", "0.0.0.0"]
