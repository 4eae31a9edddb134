"""eventsapp: hospital events where interns meet the senior colleagues who can mentor them."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from eventsapp import transactions
from eventsapp.config import load_config
from eventsapp.extensions import csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app. `config` overrides every other source; its optional
    INSTANCE_PATH moves the instance folder (tests use a temporary one)."""
    app = Flask(
        __name__,
        instance_path=str((config or {}).get("INSTANCE_PATH") or ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    load_config(app, config)
    from eventsapp.accounts import reset, sessions, throttle

    throttle.check_settings(app.config)  # (the rates: a domain checks its own settings)
    sessions.check_settings(app.config)
    reset.check_settings(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config["PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    with app.app_context():
        transactions.configure_engine(db.engine)
        if app.config.get("BENCH_QUERY_COUNT"):
            from eventsapp import querycount

            querycount.init_app(app, db.engine)

    import_models()
    connect_receivers()
    from eventsapp import cli, worker
    from eventsapp.web import pages

    pages.install_converters(app)
    register_blueprints(app)
    pages.init_app(app)
    transactions.init_app(app)
    cli.init_app(app)
    worker.init_app(app)
    return app


def import_models() -> None:
    """Every table, so that the metadata (and Alembic) knows all of them."""
    from eventsapp.accounts import models as _accounts  # noqa: F401
    from eventsapp.attendance import models as _attendance  # noqa: F401
    from eventsapp.audit import models as _audit  # noqa: F401
    from eventsapp.events import models as _events  # noqa: F401
    from eventsapp.ical import models as _ical  # noqa: F401
    from eventsapp.introductions import models as _introductions  # noqa: F401
    from eventsapp.mentorships import models as _mentorships  # noqa: F401
    from eventsapp.notifications import models as _notifications  # noqa: F401
    from eventsapp.profiles import models as _profiles  # noqa: F401
    from eventsapp.program import models as _program  # noqa: F401
    from eventsapp.roster import models as _roster  # noqa: F401
    from eventsapp.rsvps import models as _rsvps  # noqa: F401
    from eventsapp.speed import models as _speed  # noqa: F401


def connect_receivers() -> None:
    """The handlers with which higher domains answer what lower ones
    announce (their signals.py): imported once, they stay connected."""
    from eventsapp.attendance import receivers as _attendance  # noqa: F401
    from eventsapp.events import receivers as _events  # noqa: F401
    from eventsapp.ical import receivers as _ical  # noqa: F401
    from eventsapp.introductions import receivers as _introductions  # noqa: F401
    from eventsapp.mentorships import receivers as _mentorships  # noqa: F401
    from eventsapp.notifications import account_notices as _account_notices  # noqa: F401
    from eventsapp.notifications import expiry_notices as _expiry_notices  # noqa: F401
    from eventsapp.notifications import introduction_notices as _introduction_notices  # noqa: F401
    from eventsapp.notifications import invitation_notices as _invitation_notices  # noqa: F401
    from eventsapp.notifications import mentorship_notices as _mentorship_notices  # noqa: F401
    from eventsapp.notifications import receivers as _notifications  # noqa: F401
    from eventsapp.notifications import speed_notices as _speed_notices  # noqa: F401
    from eventsapp.profiles import receivers as _profiles  # noqa: F401
    from eventsapp.roster import receivers as _roster  # noqa: F401
    from eventsapp.rsvps import receivers as _rsvps  # noqa: F401


def register_blueprints(app: Flask) -> None:
    from eventsapp.web import (
        program_charts,  # noqa: F401  (its routes join the program blueprint)
        signedin,  # noqa: F401  (the login manager's user loader)
    )
    from eventsapp.web.accounts import bp as accounts
    from eventsapp.web.admin import bp as admin
    from eventsapp.web.analytics import bp as analytics
    from eventsapp.web.attendance import bp as attendance
    from eventsapp.web.audit import bp as audit
    from eventsapp.web.events import bp as events
    from eventsapp.web.ical import bp as ical
    from eventsapp.web.introductions import bp as introductions
    from eventsapp.web.invitations import bp as invitations
    from eventsapp.web.main import bp as main
    from eventsapp.web.mentorships import bp as mentorships
    from eventsapp.web.notifications import bp as notifications
    from eventsapp.web.password_reset import bp as password_reset
    from eventsapp.web.profiles import bp as profiles
    from eventsapp.web.program import bp as program
    from eventsapp.web.records import bp as records
    from eventsapp.web.roster import bp as roster
    from eventsapp.web.rsvps import bp as rsvps
    from eventsapp.web.speed import bp as speed
    from eventsapp.web.speed_people import bp as speed_people
    from eventsapp.web.unsubscribe import bp as unsubscribe

    for blueprint in (main, accounts, profiles, admin, events, rsvps, attendance, notifications, ical, introductions):
        app.register_blueprint(blueprint)
    app.register_blueprint(mentorships)
    app.register_blueprint(invitations)
    app.register_blueprint(unsubscribe)
    app.register_blueprint(password_reset)
    app.register_blueprint(program)
    app.register_blueprint(records)
    app.register_blueprint(analytics)
    from eventsapp.web import sso

    app.register_blueprint(sso.bp)
    sso.init_app(app)
    app.register_blueprint(roster)
    app.register_blueprint(audit)
    app.register_blueprint(speed)
    app.register_blueprint(speed_people)
