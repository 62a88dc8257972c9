# The 微心愿 services' image: one image, every service's gunicorn and worker processes.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Honour letters (PDF) embed a CJK font; HanaMinB covers rare characters (CJK Extension B).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk fonts-hanazono \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml ./
COPY shared ./shared
COPY services ./services
RUN pip install . \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin microwish

USER microwish
# 8000: gunicorn (its /metrics too); 9100: a worker's /metrics, /healthz, /readyz (MICROWISH_METRICS_PORT)
EXPOSE 8000 9100
# No default command: docker-compose.yml names each process (gunicorn, worker or migrate).
