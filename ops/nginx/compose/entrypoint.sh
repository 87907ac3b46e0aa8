#!/bin/sh
# Writes /etc/nginx/nginx.conf from the template with only the GRAPHGRAM_* variables filled in
# (nginx's own $uri, $slice_range... stay as they are), then runs the command. A container given
# its nginx.conf directly (the test containers mount one) has no template to render.
set -eu
template=/etc/nginx/templates/nginx.conf.template
if [ -f "$template" ] && [ -n "${GRAPHGRAM_CDN_SECRET:-}" ]; then
    : "${GRAPHGRAM_MEDIA_BUCKET:=graphgram-media}"
    export GRAPHGRAM_MEDIA_BUCKET
    envsubst '${GRAPHGRAM_CDN_SECRET} ${GRAPHGRAM_MEDIA_BUCKET}' <"$template" >/etc/nginx/nginx.conf
fi
exec "$@"
