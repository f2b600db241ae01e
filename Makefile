# Vetted. `make run` serves the demo at http://127.0.0.1:8000; `make test` runs the whole suite.
# Python 3.13 comes from pyenv: .python-version selects it for python3.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_PASSWORD ?= vetted-demo-2025
export DEMO_PASSWORD
# The settings `make worker` and `make beat` run: the development ones unless the environment
# names others (the Celery app has no default; gunicorn's config.wsgi defaults to production).
DJANGO_SETTINGS_MODULE ?= config.settings.base

.PHONY: run test install messages gettext lint format chromium nginx varnish checkers worker beat clean

run: $(VENV)/.installed messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "Demo users: author, editor, reviewer, reviewer2, admin; password: $$DEMO_PASSWORD"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(VENV)/.installed messages chromium nginx varnish checkers
	$(BIN)/pytest $(PYTEST_ARGS)

install: $(VENV)/.installed messages

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Vetted needs Python 3.12 or newer (Django 6); found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet ".[dev]"
	touch $@

# The interface in Spanish: the team's catalogues (the site's, locale/<language>/LC_MESSAGES/
# django.po, and an app's own, <app>/locale/…, all kept in git) compiled to what Django reads
# (django.mo, never committed), again whenever a catalogue changes. compilemessages runs GNU
# gettext's msgfmt, from Debian's gettext.
CATALOGUES := $(wildcard locale/*/LC_MESSAGES/django.po */locale/*/LC_MESSAGES/django.po)
messages: $(CATALOGUES:.po=.mo)

%/LC_MESSAGES/django.mo: %/LC_MESSAGES/django.po | $(VENV)/.installed gettext
	$(BIN)/python manage.py compilemessages --locale $(notdir $*) --ignore .venv --ignore node_modules

gettext:
	@command -v msgfmt >/dev/null 2>&1 || { \
		echo "Installing Debian's gettext to compile the translations"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext; }

# Browser tests drive Debian's Chromium (never a downloaded browser build).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# The baked-site tests serve through Debian's nginx with deploy/nginx.conf.
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
		echo "Installing Debian's nginx for the baked-site tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; }

# The edge-cache tests run Debian's varnishd with deploy/varnish.vcl and the xkey vmod.
varnish:
	@{ command -v varnishd >/dev/null 2>&1 || test -x /usr/sbin/varnishd; } \
		&& ls /usr/lib/*/varnish/vmods/libvmod_xkey.so >/dev/null 2>&1 || { \
		echo "Installing Debian's varnish and varnish-modules for the edge-cache tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq varnish varnish-modules; }

# The page checkers the browser tests run (tests/browser/test_page_checks.py): the Nu Html
# Checker (vnu.jar, needs Java) and axe-core, pinned in package-lock.json. --ignore-scripts:
# vnu-jar's install script would download a Java runtime; Debian's is used instead.
checkers: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	@command -v java >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { \
		echo "Installing Debian's Java runtime and npm for the page checkers"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless npm; }
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=$(DJANGO_SETTINGS_MODULE) $(BIN)/celery -A config worker -Q celery,bulk --loglevel=info

beat: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=$(DJANGO_SETTINGS_MODULE) $(BIN)/celery -A config beat --loglevel=info

clean:
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles .pytest_cache
