vcl 4.1;
# Vetted's edge cache: Varnish in front of gunicorn, keeping anonymous readers' article pages
# for as long as Django's Surrogate-Control says (a day) and dropping them by surrogate key the
# moment an article is published again or withdrawn (publishing.edge.VarnishPurger).
#
# Placeholders, replaced when installing (see README "An edge cache in front: Varnish, or a CDN"):
#   @BACKEND_HOST@ @BACKEND_PORT@ where gunicorn listens
# Needs Debian's varnish and varnish-modules (the xkey vmod); the reload refuses a VCL that does
# not compile and keeps the running one:
#   sed -e "s|@BACKEND_HOST@|127.0.0.1|; s|@BACKEND_PORT@|8000|" deploy/varnish.vcl \
#       > /etc/varnish/default.vcl && systemctl reload varnish
#
# Who may purge: the `purgers` ACL below, this host only by default; add the addresses of the
# hosts that run the publication worker. If a TLS terminator on this host forwards the public's
# requests here, every request comes from 127.0.0.1: have it speak the PROXY protocol to Varnish
# (client.ip is then the reader's address) or refuse the PURGE method itself.
#
# The Surrogate-* and CDN-Cache-Control headers are this edge's alone and are removed from
# responses; a CDN in front of this Varnish would not see them (purge that CDN by path instead).

import std;
import cookie;
import xkey;

backend default {
    .host = "@BACKEND_HOST@";
    .port = "@BACKEND_PORT@";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "PURGE needs an xkey-purge header naming the keys"));
        }
        # A hard purge: a withdrawn article's page must never be served again, not even stale.
        set req.http.xkey-purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.xkey-purged));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(admin|review|accounts)/") {
        return (pass);
    }
    # Signed-in readers get pages of their own (Cache-Control: private), and a pending flash
    # message belongs to one reader.
    if (req.http.Cookie ~ "(^|;)\s*(sessionid|messages)=" || req.http.Authorization) {
        return (pass);
    }
    if (req.url ~ "^(/es)?/articles/[-\w]+/(for/[-\w]+/)?(\?|$)") {
        call vetted_article_page;
    }
}

# Anonymous readers' article pages (English, and Spanish under /es/): one copy per language and
# role, whatever other cookies they carry.
sub vetted_article_page {
    cookie.parse(req.http.Cookie);
    if (req.url !~ "^/es/" && cookie.get("django_language") == "es") {
        # A reader who chose Spanish, on an English address: Django sends them to its /es/ page
        # (public.language), an answer of their own (private, never kept).
        return (pass);
    }
    if (req.url ~ "[?&]role=") {
        # A first choice of role: Django answers with the page and a vetted_role cookie to keep.
        return (pass);
    }
    if (req.url ~ "^(/es)?/articles/[-\w]+/for/") {
        unset req.http.Cookie;  # the role is in the address
        return (hash);
    }
    # Only the role cookie, and only a value a role could have: Django ignores any other (the
    # default page), so it must not earn a copy of its own.
    if (cookie.get("vetted_role") ~ "^[-a-z0-9_]{1,50}$") {
        set req.http.Cookie = "vetted_role=" + cookie.get("vetted_role");
    } else {
        unset req.http.Cookie;
    }
    return (hash);
}

sub vcl_hash {
    # Only an article page's role cookie is left by now: the page Django varies on Cookie for.
    if (req.http.Cookie) {
        hash_data(req.http.Cookie);
    }
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);
    }
    # One reader's answer, even with Surrogate-Control (Varnish's own rules would keep a private
    # one then). Hit-for-miss, Varnish's builtin: not kept, and the next answer may be.
    if (beresp.http.Set-Cookie || beresp.http.Cache-Control ~ "(?i)private"
        || beresp.http.Surrogate-Control ~ "(?i)no-store") {
        call vcl_beresp_hitmiss;
    }
    if (beresp.http.Surrogate-Control ~ "(?i)max-age=[0-9]+"
        && (beresp.status == 200 || beresp.status == 410)) {
        # Our edge keeps the page as long as Surrogate-Control says, though Cache-Control tells
        # browsers and caches we don't control to ask again each time: we are purged, they are
        # not. A 410 (withdrawn) is kept like a 200; a 404 is not, as it has no key to purge it
        # by when the article is published.
        set beresp.ttl = std.duration(
            regsub(beresp.http.Surrogate-Control, "(?i)^.*max-age=([0-9]+).*$", "\1s"), 0s);
        if (beresp.http.Surrogate-Key) {
            set beresp.http.xkey = beresp.http.Surrogate-Key;  # what the xkey vmod indexes
        }
        # Kept without the edge's own headers, so a hit has only xkey to drop.
        unset beresp.http.Surrogate-Key;
        unset beresp.http.Surrogate-Control;
        unset beresp.http.CDN-Cache-Control;
        unset beresp.http.Cache-Tag;
        return (deliver);
    }
    if (bereq.url !~ "^/static/") {
        # Nothing else is kept unless Django asks (an error page, a list of articles): it has
        # no key to be purged by.
        call vcl_beresp_hitmiss;
    }
    # Static files: Varnish's own rules (whitenoise's Cache-Control).
}

sub vcl_deliver {
    unset resp.http.xkey;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
        return (deliver);  # a kept page: its edge headers went when it was stored
    }
    set resp.http.X-Cache = "MISS";
    unset resp.http.Surrogate-Key;
    unset resp.http.Surrogate-Control;
    unset resp.http.CDN-Cache-Control;
    unset resp.http.Cache-Tag;
}

sub vcl_synth {
    if (req.method == "PURGE") {
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        set resp.body = resp.reason + {"
"};
        return (deliver);
    }
}
