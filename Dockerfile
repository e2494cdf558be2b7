# The Pitchstream worker image (used by compose.yaml). Same install as `make venv`
# (pip with -c constraints.txt), without the dev extra.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY domain ./domain
COPY contracts ./contracts
COPY processors ./processors
RUN pip install --no-input -c constraints.txt . \
    && useradd --create-home --uid 10001 pitchstream \
    && mkdir -p /var/lib/pitchstream \
    && chown pitchstream /var/lib/pitchstream

USER pitchstream
# Listen on all interfaces inside the container (compose publishes the port on 127.0.0.1).
ENV PITCHSTREAM_WEB_HOST=0.0.0.0 \
    PITCHSTREAM_WEB_PORT=6066 \
    PITCHSTREAM_DATA_DIR=/var/lib/pitchstream
EXPOSE 6066
CMD ["pitchstream", "worker"]
