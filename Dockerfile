# Production image: one image, three roles (web, worker, beat) chosen by the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    PORTAL_VAR_DIR=/app/var

# WeasyPrint needs Pango; Noto renders Vietnamese diacritics in PDFs and QR posters.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN pip install .
COPY . .

# collectstatic and `check --deploy` import production settings, which refuse to load without
# secrets. This step makes throw-away random ones that exist only in this RUN line's shell: they
# are not in the image's environment, and no fixed key is published. Real keys come from .env
# at run time. .ci/dockerfile_steps.py repeats this step in CI.
RUN export DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
      PORTAL_FIELD_ENCRYPTION_KEYS="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
      PORTAL_LOOKUP_HASH_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(48))')" \
      DJANGO_ALLOWED_HOSTS=localhost \
      DATABASE_URL=postgres://build@localhost/build \
 && python manage.py collectstatic --noinput -v0 \
 && python manage.py check --deploy --fail-level WARNING

RUN useradd --system --uid 10001 --home-dir /app portal \
 && mkdir -p /app/var/media \
 && chown -R portal:portal /app/var
USER portal

EXPOSE 8000
# For the default command (web); docker-compose gives worker and beat their own checks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
