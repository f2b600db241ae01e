#!/usr/bin/env bash
# Measure Vetted's article page against the shared anchors, in one interleaved run.
#
#   bench/run.sh                      # approved demo article, SQLite, gunicorn sync -w 2
#   STATE=submitted bench/run.sh      # the demo as loaded: pending review
#   TARGETS=A,B-sync2 bench/run.sh    # which anchors to run beside it (default A,B-sync2,C,C-site)
#
# Besides the Django path (default text, the patient address and the ?role=patient link, which
# sets the role cookie on every request as wrk keeps no cookies), the baked site is measured
# through deploy/nginx.conf on PORT+1, and Varnish with deploy/varnish.vcl on PORT+2 (its cache
# warmed first, so wrk measures hits), both in front of the same gunicorn.
#
# Vetted runs as in production (config.settings.production, DEBUG off, whitenoise, collected
# static files, Redis as the shared cache), on SQLite like the Wagtail anchor, with the same
# gunicorn worker settings.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ANCHORS="${ANCHORS:-$ROOT/../shared/bench/run_anchors.sh}"
DB=/tmp/vetted-bench.sqlite3
PORT=8090
STATE="${STATE:-approved}"
URL="http://127.0.0.1:$PORT/articles/nsclc-her2-exon-20-first-line/"
PATIENT_URL="${URL}for/patient/"

make install >/dev/null
rm -f "$DB"
# Vetted's settings go to Vetted's processes only: the anchors' servers read the environment too.
dev=(env DATABASE_URL="sqlite:///$DB" DEMO_PASSWORD=bench-demo-password)
prod=(env DATABASE_URL="sqlite:///$DB" CACHE_URL="${CACHE_URL:-redis://127.0.0.1:6379/11}"
      DJANGO_SETTINGS_MODULE=config.settings.production
      SECRET_KEY=bench-only-not-a-secret ALLOWED_HOSTS=127.0.0.1
      SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
      SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0 EMAIL_URL=smtp://127.0.0.1:25
      VETTED_SITE_URL="http://127.0.0.1:$PORT"
      VETTED_EDITION_KEYS=bench:bench-only-edition-key-not-a-secret)
"${dev[@]}" .venv/bin/python manage.py migrate --noinput -v0
"${dev[@]}" .venv/bin/python manage.py load_demo >/dev/null
if [[ "$STATE" == approved ]]; then
    "${dev[@]}" .venv/bin/python manage.py shell -v0 < bench/approve_demo.py
fi
"${prod[@]}" .venv/bin/python manage.py collectstatic --noinput -v0
"${prod[@]}" .venv/bin/python -c "import django; django.setup(); from django.core.cache import cache; cache.clear()"
"${prod[@]}" .venv/bin/gunicorn config.wsgi:application -b "127.0.0.1:$PORT" -w 2 \
    --error-logfile /tmp/vetted-bench.log &
SERVER=$!
# The baked site through deploy/nginx.conf, in front of the same gunicorn.
BAKED=/tmp/vetted-bench-baked NGINX_RUN=/tmp/vetted-bench-nginx BAKED_PORT=$((PORT + 1))
rm -rf "$BAKED" "$NGINX_RUN" && mkdir -p "$NGINX_RUN"
"${prod[@]}" .venv/bin/python manage.py bake "$BAKED" >/dev/null
sed -e "s|@USER@|$(id -un)|; s|@LISTEN@|127.0.0.1:$BAKED_PORT|; s|@UPSTREAM@|127.0.0.1:$PORT|" \
    -e "s|@BAKE_DIR@|$BAKED|; s|@STATIC_ROOT@|$ROOT/staticfiles|; s|@RUN_DIR@|$NGINX_RUN|" \
    -e "s|@MIME_TYPES@|/etc/nginx/mime.types|" deploy/nginx.conf > "$NGINX_RUN/nginx.conf"
NGINX=(nginx -c "$NGINX_RUN/nginx.conf" -e "$NGINX_RUN/error.log")
"${NGINX[@]}"
# Varnish with deploy/varnish.vcl, in front of the same gunicorn (as tests/deploy start it).
VARNISH_RUN=/tmp/vetted-bench-varnish VARNISH_PORT=$((PORT + 2))
rm -rf "$VARNISH_RUN" && mkdir -p "$VARNISH_RUN"
sed -e "s|@BACKEND_HOST@|127.0.0.1|; s|@BACKEND_PORT@|$PORT|" deploy/varnish.vcl \
    > "$VARNISH_RUN/vetted.vcl"
stop_all() {
    kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null
    "${NGINX[@]}" -s stop
    [[ -f "$VARNISH_RUN/pid" ]] && kill "$(cat "$VARNISH_RUN/pid")" 2>/dev/null
    return 0
}
trap stop_all EXIT
"$(command -v varnishd || echo /usr/sbin/varnishd)" -a "127.0.0.1:$VARNISH_PORT" -T none \
    -n "$VARNISH_RUN/state" -f "$VARNISH_RUN/vetted.vcl" -s malloc,32m -j none \
    -P "$VARNISH_RUN/pid"
for _ in $(seq 1 100); do curl -sf -o /dev/null "$URL" && break; sleep 0.2; done
curl -sf -o /dev/null "$URL" || { echo "Vetted did not answer at $URL"; exit 1; }
EDGE_URL="http://127.0.0.1:$VARNISH_PORT/articles/nsclc-her2-exon-20-first-line/"
for u in "$EDGE_URL" "${EDGE_URL}for/patient/"; do
    curl -sf -o /dev/null "$u"  # the miss that fills the cache
    cached=$(curl -sf -o /dev/null -D - "$u" | tr -d '\r' | sed -n 's/^X-Cache: //Ip')
    [[ "$cached" == HIT ]] || echo "WARNING: Varnish did not keep $u (X-Cache: $cached)" >&2
done

# From /tmp, so the anchors' Python is the machine's default, as when RESULTS.md was measured.
(cd /tmp && "$ANCHORS" --targets "${TARGETS:-A,B-sync2,C,C-site}" --extra "vetted-$STATE=$URL" \
    --extra "vetted-patient=$PATIENT_URL" --extra "vetted-role-link=${URL}?role=patient" \
    --extra "vetted-baked=http://127.0.0.1:$BAKED_PORT/articles/nsclc-her2-exon-20-first-line/" \
    --extra "vetted-baked-patient=http://127.0.0.1:$BAKED_PORT/articles/nsclc-her2-exon-20-first-line/for/patient/" \
    --extra "vetted-varnish=$EDGE_URL" --extra "vetted-varnish-patient=${EDGE_URL}for/patient/" \
    "$@")
