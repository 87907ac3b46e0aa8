# The Graphgram API image (used by docker-compose.yml; `--scale api=N` runs N of them).

# The web client and the offline /docs assets, built from the committed lock file.
FROM node:20-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci
COPY web ./
RUN npm run build

FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY graphgram ./graphgram
COPY backends ./backends
COPY cli ./cli
COPY timelines ./timelines
COPY api ./api
COPY services ./services
COPY graph ./graph
COPY cypher ./cypher
COPY redis_scripts ./redis_scripts
COPY wire ./wire
COPY media ./media
COPY seed ./seed
COPY ops ./ops
COPY capacity ./capacity
COPY --from=web /web/dist ./web/dist
# Editable, so the app finds web/dist beside its packages in /app.
RUN pip install -e . && useradd --system --uid 10001 graphgram
USER graphgram
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=6 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/ready').status == 200 else 1)"
CMD ["uvicorn", "api.app:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000", "--no-proxy-headers"]
